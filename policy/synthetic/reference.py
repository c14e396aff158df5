"""Synthetic reference data: countries, topics and actors, sized from the number of statements."""

import datetime
from dataclasses import dataclass, field

from django.utils.text import slugify

from ..models import Actor, Country, Topic
from . import vocabulary as v
from .text import SPANISH_SPEAKING

# Where the article's records come from: most actors and records involve these.
FOCUS = {"US": 8, "MX": 6, "GT": 5, "HN": 5, "SV": 4, "NI": 1, "CO": 1, "VE": 1, "CU": 1, "HT": 1}


@dataclass
class Person:
    id: int
    name: str
    slug: str
    country: str


@dataclass
class Reference:
    """What record generation draws from, kept in memory (a few thousand rows at a million statements)."""

    countries: dict = field(default_factory=dict)  # code -> (id, name, capital)
    country_codes: list = field(default_factory=list)
    country_weights: list = field(default_factory=list)
    topics: list = field(default_factory=list)  # (id, slug)
    people: list = field(default_factory=list)  # Person, speakers
    people_weights: list = field(default_factory=list)
    organisations: list = field(default_factory=list)  # Person-shaped: agencies, governments, organisations
    people_by_country: dict = field(default_factory=dict)


def stamp(rng, day):
    """When a record was entered: some days after the date it reports."""
    moment = datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.timezone.utc)
    return moment + datetime.timedelta(days=rng.randrange(1, 30), seconds=rng.randrange(86400))


def build_reference(rng, writer, sizes, created):
    ref = Reference()
    existing = dict(Country.objects.values_list("code", "id"))
    next_id = writer.next_id(Country)
    rows = []
    for code, iso3, name, capital in v.COUNTRIES:
        if code not in existing:
            existing[code] = next_id
            rows.append((next_id, code, iso3, name, created, created))
            next_id += 1
        ref.countries[code] = (existing[code], name, capital)
    writer.insert(Country, ["id", "code", "iso3", "name", "created_at", "updated_at"], rows)
    ref.country_codes = list(ref.countries)
    ref.country_weights = [FOCUS.get(code, 0.3) for code in ref.country_codes]

    next_id = writer.next_id(Topic)
    rows = []
    for index in range(sizes.topics):
        slug, description = v.TOPICS[index % len(v.TOPICS)]
        name = slug.replace("-", " ").capitalize()
        if index >= len(v.TOPICS):
            code = ref.country_codes[index // len(v.TOPICS) - 1]
            name, description = f"{name} in {ref.countries[code][1]}", f"{description} ({ref.countries[code][1]})"
        topic_id = next_id + index
        topic_slug = f"{slugify(name)}-{topic_id}"
        rows.append((topic_id, topic_slug, created, created, name, description))
        ref.topics.append((topic_id, topic_slug))
    writer.insert(Topic, ["id", "slug", "created_at", "updated_at", "name", "description"], rows)

    next_id = writer.next_id(Actor)
    rows = []
    for index in range(sizes.actors):
        actor_id = next_id + index
        code = rng.choices(ref.country_codes, weights=ref.country_weights)[0]
        kind = rng.choices(["person", "government", "agency", "organization"], weights=[70, 8, 12, 10])[0]
        kind = {0: "person", 1: "agency"}.get(index, kind)  # never without speakers or publishers
        aliases = []
        if kind == "person":
            parts = [rng.choice(v.FIRST_NAMES), rng.choice(v.LAST_NAMES)]
            if code in SPANISH_SPEAKING and rng.random() < 0.5:
                parts.append(rng.choice(v.LAST_NAMES))
            name, role = " ".join(parts), f"{rng.choice(v.ROLES)} of {ref.countries[code][1]}"
            if rng.random() < 0.15:
                aliases.append("".join(part[0] for part in parts).upper() + rng.choice("ABCDEFGHJKLMNPRSTVWXYZ"))
            if len(parts) == 3 and rng.random() < 0.5:
                aliases.append(f"{parts[1]} {parts[2]}")
        elif kind == "government":
            name, role = f"Government of {ref.countries[code][1]}", ""
        else:
            pattern = rng.choice(v.ORGANISATION_PATTERNS)
            name = pattern.format(country=ref.countries[code][1], topic=rng.choice(v.TOPICS)[0].replace("-", " "))
            role = ""
        slug = f"{slugify(name)}-{actor_id}"
        rows.append((actor_id, slug, created, created, name, kind, role, ref.countries[code][0], aliases, ""))
        actor = Person(actor_id, name, slug, code)
        if kind == "person":
            ref.people.append(actor)
            ref.people_by_country.setdefault(code, []).append(actor)
        else:
            ref.organisations.append(actor)
    columns = ["id", "slug", "created_at", "updated_at", "name", "kind", "role", "country_id", "aliases", "notes"]
    writer.insert(Actor, columns, rows)
    # A few people say most of what is recorded: speakers are drawn with Zipf-like weights.
    ref.people_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(ref.people))]
    return ref
