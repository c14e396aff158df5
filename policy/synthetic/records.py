"""One synthetic source at a time: the records drawn from it, and its text, which holds each excerpt.

Each builder returns a row (a tuple in its model's COLUMNS order) and appends the record's
excerpt to the source's paragraphs; many-to-many links go to `Batch.links`. Offsets are
filled in once the source's text is assembled (`Batch.close_source`).
"""

import datetime
from decimal import Decimal

from django.utils.text import slugify

from . import vocabulary as v
from .reference import stamp
from .text import SPANISH_SPEAKING, long_date, period_end, truncate_to

CITED = ["id", "slug", "created_at", "updated_at", "source_id", "excerpt", "excerpt_start", "excerpt_end", "notes"]
COLUMNS = {
    "source": [
        "id", "slug", "created_at", "updated_at", "title", "kind", "publisher_id", "url", "published_on",
        "date_precision", "text", "notes",
    ],
    "event": [*CITED, "title", "kind", "start_date", "end_date", "date_precision", "location"],
    "policy": [
        *CITED, "title", "summary", "kind", "status", "jurisdiction_id", "start_date", "end_date", "date_precision",
    ],
    "aidpackage": [
        *CITED, "title", "donor_id", "amount", "currency", "kind", "status", "announced_by_id", "announced_on",
        "date_precision", "period_start", "period_end", "channel", "policy_id", "event_id",
    ],
    "statement": [
        *CITED, "speaker_id", "text", "kind", "said_on", "date_precision", "event_id", "addressee_id", "language",
        "is_translation",
    ],
    "statistic": [
        *CITED, "title", "indicator", "value", "unit", "period_start", "period_end", "date_precision",
        "publisher_id", "is_derived",
    ],
}  # fmt: skip
EXCERPT, EXCERPT_START = CITED.index("excerpt"), CITED.index("excerpt_start")
RECENT = 200  # how far back a record looks for the policies and events it refers to


class Batch:
    """Rows for a chunk of sources, written together; see the module docstring."""

    def __init__(self):
        self.rows = {name: [] for name in COLUMNS}
        self.links = {}  # (model name, field name) -> [(owner id, target id)]
        self.policy_relations = []  # (from id, to id, relation, source id, excerpt, start, end, notes)
        self.pending = []  # (kind, row) of the source being built, offsets still unknown
        self.pending_links = []  # policy relations of that source, cited like its records
        self.paragraphs = []

    def link(self, model, field, owner, targets):
        self.links.setdefault((model, field), []).extend((owner, target) for target in targets)

    def cite(self, kind, row, excerpt):
        self.pending.append((kind, row))
        self.paragraphs.append(excerpt)

    def cite_link(self, row, excerpt):
        self.pending_links.append((*row, excerpt))
        self.paragraphs.append(excerpt)

    def close_source(self, source_row, text):
        """Place each excerpt: its offsets are where it first occurs in the finished text."""
        self.rows["source"].append((*source_row[:10], text, ""))
        for kind, row in self.pending:
            excerpt = row[EXCERPT]
            start = text.find(excerpt)
            self.rows[kind].append((*row[:EXCERPT_START], start, start + len(excerpt), *row[EXCERPT_START + 2 :]))
        for *link, excerpt in self.pending_links:
            start = text.find(excerpt)
            self.policy_relations.append((*link, source_row[0], excerpt, start, start + len(excerpt), ""))
        self.pending, self.pending_links, self.paragraphs = [], [], []


class Draws:
    """What a source's records draw from: its countries, topics, day and speakers."""

    def __init__(self, generator, source_id, day):
        self.g, self.rng, self.ref = generator, generator.rng, generator.ref
        self.id, self.day = source_id, day
        rng = self.rng
        self.codes = list(dict.fromkeys(rng.choices(self.ref.country_codes, self.ref.country_weights, k=2)))
        self.topics = rng.sample(self.ref.topics, k=min(2, len(self.ref.topics)))
        self.created = stamp(rng, day)
        self.events = []  # (id, day) of this source's events, for its statements and aid

    def country(self, index=0):
        return self.ref.countries[self.codes[index % len(self.codes)]]

    def topic_slug(self):
        return self.rng.choice(self.topics)[1].rsplit("-", 1)[0]

    def near_day(self, before=10):
        return self.day - datetime.timedelta(days=self.rng.randrange(before))

    def precision(self, weights=(85, 12, 3)):
        return self.rng.choices(("day", "month", "year"), weights)[0]

    def cited(self, record_id, slug, excerpt):
        return (record_id, slug, self.created, self.created, self.id, excerpt, None, None, "")

    def speaker(self):
        return self.rng.choices(self.ref.people, cum_weights=self.g.people_cum_weights)[0]

    def topic_ids(self, most=2):
        return [topic_id for topic_id, _ in self.topics[: self.rng.randint(1, most)]]

    def country_ids(self, most=2):
        return [self.ref.countries[code][0] for code in self.codes[: self.rng.randint(1, most)]]


class Happenings(Draws):
    """Recipes for what people did and said: events, and statements (some at those events)."""

    def event(self, batch, event_id):
        rng = self.rng
        kind = rng.choice(list(v.EVENT_TITLES))
        _, country, city = self.country()
        participants = list({p.id: p for p in (self.speaker() for _ in range(rng.randint(2, 4)))}.values())
        start = self.near_day(5)
        end = start + datetime.timedelta(days=rng.choice((0, 0, 1, 2)))
        title = v.EVENT_TITLES[kind].format(
            topic=self.topic_slug().replace("-", " "), city=city, country=country, name=participants[0].name
        )
        names = ", ".join(p.name for p in participants)
        excerpt = f"{names} took part in the {title.lower()} on {long_date(start)}."
        slug = f"{slugify(title)[:80]}-{event_id}"
        batch.cite("event", (*self.cited(event_id, slug, excerpt), title, kind, start, end, "day", city), excerpt)
        batch.link("event", "participants", event_id, [p.id for p in participants])
        batch.link("event", "countries", event_id, self.country_ids())
        batch.link("event", "topics", event_id, self.topic_ids())
        self.events.append((event_id, start))

    def statement(self, batch, statement_id):
        rng = self.rng
        speaker = self.speaker()
        language = "es" if speaker.country in SPANISH_SPEAKING and rng.random() < 0.3 else "en"
        translated = language == "en" and speaker.country in SPANISH_SPEAKING and rng.random() < 0.4
        event = rng.choice(self.events) if self.events and rng.random() < 0.3 else None
        precision = "day" if event else self.precision()
        said_on = event[1] if event else truncate_to(self.near_day(), precision)
        words = self.g.phrases.statement(language, self.country(1)[1], self.topic_slug(), said_on.year)
        if rng.random() < 0.8:
            kind, text, excerpt = "quote", words, f"“{words}” {speaker.name} said."
        else:
            kind = "paraphrase"
            text = excerpt = f"{speaker.name} said that {words[0].lower()}{words[1:]}"
        addressee = self.speaker().id if rng.random() < 0.1 else None
        addressee = None if addressee == speaker.id else addressee
        slug = f"{speaker.slug.rsplit('-', 1)[0][:60]}-{said_on:%Y%m%d}-{statement_id}"
        row = (*self.cited(statement_id, slug, excerpt), speaker.id, text, kind, said_on, precision)
        batch.cite("statement", (*row, event[0] if event else None, addressee, language, translated), excerpt)
        if self.g.recent_policies and rng.random() < 0.2:
            batch.link("statement", "policies", statement_id, [rng.choice(self.g.recent_policies)])
        batch.link("statement", "countries", statement_id, self.country_ids())
        batch.link("statement", "topics", statement_id, self.topic_ids())


class Measures(Draws):
    """Recipes for what was decided, given and counted: policies, aid packages, statistics."""

    def policy(self, batch, policy_id):
        rng = self.rng
        jurisdiction_id, country, _ = self.country()
        title = self.g.phrases.policy_title(self.country(1)[1])
        kind = rng.choice(["law", "agreement", "programme", "executive_action", "enforcement_measure", "strategy"])
        statuses = ["proposed", "announced", "in_effect", "suspended", "reversed", "ended"]
        status = rng.choices(statuses, [2, 3, 6, 1, 1, 2])[0]
        precision = self.precision((70, 20, 10))
        start = truncate_to(self.near_day(30), precision)
        end = None
        if status in ("ended", "reversed", "suspended"):
            end = truncate_to(start + datetime.timedelta(days=rng.randrange(30, 1500)), precision)
        summary = self.g.phrases.summary(self.country(1)[1], self.topic_slug(), start.year)
        excerpt = f"{country} {status.replace('_', ' ')} the {title} in {long_date(start, precision)}. {summary}"
        slug = f"{slugify(title)[:80]}-{policy_id}"
        row = (*self.cited(policy_id, slug, excerpt), title, summary, kind, status, jurisdiction_id, start, end)
        batch.cite("policy", (*row, precision), excerpt)
        batch.link("policy", "countries", policy_id, self.country_ids())
        batch.link("policy", "actors", policy_id, [self.speaker().id for _ in range(rng.randint(0, 2))])
        batch.link("policy", "topics", policy_id, self.topic_ids())
        if self.g.recent_policies and rng.random() < 0.15:
            target = rng.choice(self.g.recent_policies)
            relation = rng.choice(["reverses", "replaces", "extends", "implements"])
            batch.cite_link((policy_id, target, relation), f"The {title} {relation} an earlier policy.")
        self.g.remember("recent_policies", policy_id)

    def aid_package(self, batch, aid_id):
        rng = self.rng
        donor_code = "US" if rng.random() < 0.6 else rng.choice(self.ref.country_codes)
        donor_id, donor, _ = self.ref.countries[donor_code]
        recipients = [self.ref.countries[code] for code in self.codes if code != donor_code] or [self.country(1)]
        kind = rng.choice(["humanitarian", "food", "development", "security", "mixed"])
        status = rng.choice(["requested", "pledged", "announced", "appropriated", "disbursed", "cut"])
        amount = None if rng.random() < 0.1 else Decimal(rng.randrange(1, 5000) * 100_000)
        currency = "USD" if rng.random() < 0.85 else rng.choice(["EUR", "MXN", "CAD"])
        announcer = rng.choice(self.ref.people_by_country.get(donor_code) or self.ref.people)
        precision = self.precision()
        announced = truncate_to(self.near_day(), precision)
        period_start = announced.replace(month=1, day=1)
        period_stop = period_start.replace(year=period_start.year + rng.randint(1, 3)) - datetime.timedelta(days=1)
        channel = rng.choice(v.AID_CHANNELS)
        names = " and ".join(name for _, name, _ in recipients)
        title = f"{donor} {kind} aid to {names}"
        money = f"{currency} {amount:,.0f}" if amount is not None else "an unspecified amount"
        excerpt = f"{announcer.name} announced {money} in {kind} aid to {names}, delivered through {channel}."
        policy = rng.choice(self.g.recent_policies) if self.g.recent_policies and rng.random() < 0.3 else None
        event = self.events[0][0] if self.events and rng.random() < 0.5 else None
        row = (*self.cited(aid_id, f"{slugify(title)[:80]}-{aid_id}", excerpt), title, donor_id, amount, currency)
        row = (*row, kind, status, announcer.id, announced, precision, period_start, period_stop, channel)
        row = (*row, policy, event)
        batch.cite("aidpackage", row, excerpt)
        batch.link("aidpackage", "recipients", aid_id, [country_id for country_id, _, _ in recipients])
        batch.link("aidpackage", "topics", aid_id, self.topic_ids())

    def statistic(self, batch, statistic_id):
        rng = self.rng
        indicator, label, unit = rng.choice(v.INDICATORS)
        country_id, country, _ = self.country()
        precision = rng.choices(("month", "year"), (80, 20))[0]
        start = truncate_to(self.day - datetime.timedelta(days=40), precision)
        value = self.g.phrases.statistic_value(unit)
        publisher = rng.choice(self.ref.organisations) if self.ref.organisations and rng.random() < 0.8 else None
        title = f"{label} in {country}"
        by = publisher.name if publisher else "official figures"
        period = long_date(start, precision)
        excerpt = f"{label} in {country} stood at {value:,} ({unit}) in {period}, according to {by}."
        slug = f"{slugify(title)[:80]}-{statistic_id}"
        row = (*self.cited(statistic_id, slug, excerpt), title, indicator, value, unit)
        row = (*row, start, period_end(start, precision))
        batch.cite("statistic", (*row, precision, publisher.id if publisher else None, rng.random() < 0.1), excerpt)
        batch.link("statistic", "countries", statistic_id, [country_id])
        batch.link("statistic", "topics", statistic_id, self.topic_ids(1))


class SourceBuilder(Happenings, Measures):
    """Builds one source and everything cited from it, given ids and counts by the generator: a
    recipe per cited record type, named as its declaration (policy.records), then the source's text."""

    def finish(self, batch):
        """The source itself: a headline, then the excerpts in a shuffled order with some filler."""
        rng = self.rng
        _, country, _ = self.country()
        topic = self.topic_slug().replace("-", " ")
        title = f"{country}: {topic} {rng.choice(['talks', 'debate', 'plan', 'figures', 'crisis', 'report'])}"
        paragraphs = batch.paragraphs[:]
        rng.shuffle(paragraphs)
        for _ in range(rng.randint(1, 3)):
            paragraphs.insert(rng.randrange(len(paragraphs) + 1), self.g.phrases.filler())
        text = "\n\n".join([title, *paragraphs])
        kind = rng.choices(["news_article", "report", "transcript", "government_data", "other"], [60, 15, 10, 10, 5])[0]
        publisher = rng.choice(self.ref.organisations).id if self.ref.organisations and rng.random() < 0.7 else None
        slug = f"{slugify(title)[:80]}-{self.id}"
        url = f"https://news.example.org/{self.day:%Y/%m}/{slug}"
        row = (self.id, slug, self.created, self.created, title, kind, publisher, url, self.day, "day")
        batch.close_source(row, text)
