"""Figures: percentages, counts of things and of persons, spans of years, ratios and ranks, each a
statistic with its unit, direction (“climbed 71%” is a change of 71 percent, “fell 5%” one of -5),
qualifier, what it measures, who reported it, its date and the countries its sentence names.
Amounts of money are policy.suggest.money's."""

from decimal import Decimal

import regex
from django.utils.text import slugify

from .base import Proposal
from .context import clause, date_near, reporter
from .numbers import NUMBER, decimal_text, money_pattern, noun_phrase, qualifier_before

PERSON_NOUNS = (
    r"people|persons|personnel|troops|soldiers|migrants|refugees|workers|residents|children|students|officers"
    r"|police|staff|employees|civilians|deaths|dead|casualties|victims|patients|citizens|voters|members"
    r"|immigrants|protesters|prisoners|detainees|inhabitants|nurses|doctors|teachers|asylum seekers|families"
    r"|women|men|adults|minors|farmers|volunteers|deportees|fatalities|passengers|tourists|visitors"
)
WORD_NUMBERS = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    r"|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand"
    r"|million|billion|dozen)"
)
WORDS = rf"{WORD_NUMBERS}(?:[\s-](?:and\s)?{WORD_NUMBERS})*"
INCREASE = r"rose|risen|rises|climbed|climbs|increased|increases|jumped|jumps|grew|grown|grows|surged|soared|gained|went up|was up|were up|up"  # noqa: E501
DECREASE = r"fell|fallen|falls|dropped|drops|declined|declines|decreased|decreases|shrank|shrunk|plunged|slid|tumbled|slipped|went down|was down|were down|down"  # noqa: E501
DIRECTION = regex.compile(rf"\b(?:(?P<up>{INCREASE})|(?P<down>{DECREASE}))\s+(?:by\s+)?(?:\w+\s+){{0,2}}$")
PERCENT = regex.compile(
    rf"(?<![\p{{L}}\d.,-])(?P<number>{NUMBER}|{WORDS})\s?(?:%|percent\b|per cent\b|percentage points?\b)"
)
PERSONS = regex.compile(
    rf"(?<![\p{{L}}\d.,:/-])(?P<number>{NUMBER}(?:\s(?:thousand|million))?|{WORDS})(?!\s?%|[\d-])"
    rf"\s(?P<noun>(?:[\p{{Ll}}-]+\s){{0,2}}?(?:{PERSON_NOUNS}))\b"
)
SPAN = regex.compile(
    rf"\b(?P<sup>(?:busiest|highest|lowest|largest|biggest|worst|best|deadliest|fastest|slowest|strongest|weakest|hottest|coldest|first)\b[^,.;]{{0,60}}?)"
    rf"\s(?:in|for|since)\s(?:(?:nearly|almost|more than|about|roughly|over)\s)?(?P<number>{NUMBER}|{WORDS})\s(?P<unit>years|decades)\b"  # noqa: E501
)
RATIO = regex.compile(r"\b(?P<verb>doubled|tripled|trebled|quadrupled|halved)\s(?P<rest>[^,.;]{3,120})")
RATIOS = {"doubled": 2, "tripled": 3, "trebled": 3, "quadrupled": 4, "halved": Decimal("0.5")}
MAJORITY = regex.compile(r"\b(?:a|the)\s(?P<word>majority|half)\sof\s")
RANK_NOUNS = (
    r"partner|source|exporter|importer|economy|market|donor|recipient|producer|supplier|investor|buyer|lender"
    r"|creditor|customer|destination|emitter|consumer|manufacturer|employer|provider|contributor|ally"
)
RANK = regex.compile(
    rf"\b(?P<rank>top|largest|biggest|leading|most important|number one|second[- ]largest|second[- ]biggest"
    rf"|third[- ]largest|third[- ]biggest|second|third)\s(?:[\p{{L}}-]+\s){{0,3}}?(?:{RANK_NOUNS})\b"
)
RANK_AFTER = regex.compile(
    r"\bthan any (?:other )?(?:country|nation|state)(?P<after> (?:after|but|except|other than) )?"
)
RANK_VALUES = {"second": 2, "third": 3}


def extract(document):
    proposals = []
    for start, end in document.sentences:
        if document.quote_holding(start, end):
            continue
        proposals += Sentence(document, start, end).figures()
    return proposals


class Quantities:
    """Figures a sentence states: percentages, counts of persons, spans of years."""

    def percents(self):
        found = []
        for match in PERCENT.finditer(self.text, self.start, self.end):
            if not self.free(match.start(), match.end()):
                continue
            value = number_value(match.group("number"))
            direction = DIRECTION.search(self.text, max(self.start, match.start() - 40), match.start())
            of = regex.match(r"\s+of\s", self.text[match.end() : self.end])
            subject = self.subject(match.start())
            if direction:
                value = value if direction.group("up") else -value
                kind = "Increase" if direction.group("up") else "Decrease"
                measure, title, suffix = subject, f"{kind} in {subject}", "_change"
            elif of:
                measure = noun_phrase(self.text, match.end() + of.end(), self.end)
                title, suffix = f"Share of {measure}", "_share"
            else:
                measure, title, suffix = subject, subject, ""
            found.append((match, value, "percent", title, measure + suffix, "figures.percent", 0.8))
        return found

    def persons(self):
        found = []
        for match in PERSONS.finditer(self.text, self.start, self.end):
            if not self.free(match.start(), match.start("noun")):
                continue
            value = number_value(match.group("number"))
            if value is None or (1900 <= value <= 2100 and "," not in match.group("number")):
                continue
            measure = noun_phrase(self.text, match.start("noun"), self.end)
            found.append((match, value, "persons", measure, measure, "figures.persons", 0.7))
        return found

    def spans(self):
        found = []
        for match in SPAN.finditer(self.text, self.start, self.end):
            value = number_value(match.group("number"))
            if value is None:
                continue
            value *= 10 if match.group("unit") == "decades" else 1
            title = self.text[match.start() : match.end()]
            qualifier = qualifier_before(self.text, match.start("number"))
            title = title[:1].upper() + title[1:]
            found.append((match, value, "years", title, match.group("sup"), "figures.span", 0.55, qualifier))
        return found


class Comparisons:
    """Figures a sentence compares: ratios (“doubled”), majorities and halves, ranks."""

    def ratios(self):
        found = []
        for match in RATIO.finditer(self.text, self.start, self.end):
            measure = noun_phrase(self.text, match.start("rest"), self.end, limit=8)
            value = Decimal(RATIOS[match.group("verb")])
            title = f"Change in {measure}"
            found.append((match, value, "ratio", title, f"{measure}_change", "figures.ratio", 0.55, "exact"))
        return found

    def majorities(self):
        found = []
        for match in MAJORITY.finditer(self.text, self.start, self.end):
            measure = noun_phrase(self.text, match.end(), self.end)
            qualifier = "more_than" if match.group("word") == "majority" else "exact"
            title = f"Share of {measure}"
            found.append((match, Decimal(50), "percent", title, f"{measure}_share", "figures.majority", 0.5, qualifier))
        return found

    def ranks(self):
        found = []
        for match in RANK.finditer(self.text, self.start, self.end):
            word = match.group("rank").split("-")[0].split()[0]
            value = RANK_VALUES.get(word, 1)
            title = self.text[match.start() : match.end()]
            capitalised = title[:1].upper() + title[1:]
            found.append((match, Decimal(value), "rank", capitalised, title, "figures.rank", 0.5, "exact"))
        for match in RANK_AFTER.finditer(self.text, self.start, self.end):
            value = 2 if match.group("after") else 1
            measure = self.subject(match.start())
            rule = "figures.rank_than_any"
            found.append((match, Decimal(value), "rank", f"Rank: {measure}", measure, rule, 0.5, "exact"))
        return found


class Sentence(Quantities, Comparisons):
    """One sentence outside quotes: its figures, each a proposed statistic (the finders are the bases')."""

    def __init__(self, document, start, end):
        self.document, self.text, self.start, self.end = document, document.text, start, end
        self.money = [(m.start(), m.end()) for m in money_pattern().finditer(self.text, start, end)]

    def free(self, start, end):
        document = self.document
        if document.quotes.overlapping(start, end) or document.dates.overlapping(start, end):
            return False
        return not any(start < b_end and b_start < end for b_start, b_end in self.money)

    def figures(self):
        found = self.percents() + self.persons() + self.spans() + self.ratios() + self.majorities() + self.ranks()
        return [self.proposal(*figure) for figure in found]

    def subject(self, position):
        return noun_phrase(self.text, clause(self.document, position, self.start, self.end)[0], position)

    def proposal(self, match, value, unit, title, measure, rule, confidence, qualifier=None):
        document = self.document
        if qualifier is None:
            qualifier = qualifier_before(self.text, match.start())
        fields = {
            "title": (title or measure or self.text[match.start() : match.end()]).strip()[:500],
            "indicator": indicator(measure or title),
            "value": decimal_text(value),
            "value_qualifier": qualifier,
            "unit": unit,
            "countries": document.countries_in(self.start, self.end),
            "is_derived": False,
        }
        fields.update(dated(document, match.start(), self.start, self.end, "period_start"))
        publisher = reporter(document, self.start, self.end)
        if publisher:
            fields["publisher"] = publisher
        excerpt = self.text[self.start : self.end]
        return Proposal("statistic", fields, excerpt, self.start, self.end, confidence, rule)


def dated(document, position, start, end, field):
    mention = date_near(document, position, start, end)
    if mention is None:
        return {"date_precision": "year"}  # no date: the coarsest precision claims nothing
    return mention.as_fields(field)


def indicator(measure):
    slug = slugify(measure).replace("-", "_")[:120].strip("_")
    return slug or "figure"


def number_value(words):
    words = words.strip()
    if regex.fullmatch(r"[\d,.]+(?:\s(?:thousand|million))?", words):
        number, _, scale = words.partition(" ")
        value = Decimal(number.replace(",", ""))
        return value * {"thousand": 1000, "million": 10**6}.get(scale, 1)
    from text_to_num import text2num

    try:
        return Decimal(12 if words == "dozen" else text2num(words.replace("-", " "), "en"))
    except ValueError:
        return None
