"""People, organisations and countries the text names.

Known actors and countries are matched by name or alias, whole words, case as written
(“AMLO”, “López Obrador”, “Mexico’s” for Mexico); a person is also matched by a surname no other
known person shares (“Harris”). The longest name wins (“Biden administration” over “Biden”).
Names not yet known become actor suggestions when the text says who they are: a title before
the name (“Finance Minister Anna Schmidt”: the role is “Finance Minister”), an apposition after it
(“Maria Ortiz, an economist at …,”) or an attribution (“said Maria Ortiz”); an organisation
only where it reports or speaks (“according to the Bank of Japan”, “Eurostat said”).
"""

from dataclasses import dataclass

import regex
from django.utils.text import slugify

from .base import KnownActor, Proposal
from .names import (
    AGENCY_WORDS,
    COUNTRY_SHORT_FORMS,
    GOVERNMENT_WORDS,
    NOT_NAMES,
    ORGANISATION_WORDS,
    TITLES,
    demonyms,
)

WORD = regex.compile(r"\w+")
TITLE_WORDS = {word for title in TITLES for word in title.split()}
SAY = r"(?:said|says|told|added|adds|stated|warned|argued|insisted|noted|explained|wrote|tweeted|declared|announced|asked|replied|reported|estimated)"  # noqa: E501
CAPITALISED = regex.compile(
    r"(?<![\p{L}\p{N}])(?:\p{Lu}[\p{L}’'\-.]*)(?:\s(?:(?:of|and|for|the|on|de|del|da|van|von|bin|al)\s)*\p{Lu}[\p{L}’'\-.]*)*"
)
APPOSITION = regex.compile(
    r",\s+((?:a|an|the)\s[^,.;“”\"]{3,90}?|author of [^;]{3,160}?|\p{Lu}\w+’s [^,.;]{3,80}?)(?:,|\.(?=\s|$)|$)"
)
ATTRIBUTED_AFTER = regex.compile(rf"\s*,?\s+{SAY}\b")
ATTRIBUTED_BEFORE = regex.compile(rf"(?:\b{SAY}|according to)\s+(?:the\s+)?$")
REPORTED = regex.compile(rf"\s+(?:{SAY}|data|figures|statistics)\b")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    kind: str  # "actor" or "country"
    key: str  # actor slug or country code
    demonym: bool = False


# Regions whose name holds a country's short form: a place, but no country of ours.
REGIONS = ("Central America", "South America", "Latin America", "North America", "Americas")


def surfaces(known):
    """{surface: (kind, key, demonym)} for every known name and alias; ambiguous ones map to None."""
    table = {}

    def add(surface, value, exact=True):
        surface = surface.strip()
        if not surface or not WORD.search(surface):
            return
        if surface in table and table[surface] != value:
            table[surface] = table[surface] if table.get(("exact", surface)) else None
            return
        table[surface] = value
        if exact:
            table[("exact", surface)] = True

    for region in REGIONS:  # matched whole, so that “Central America” never reads as “America”, the US
        add(region, ("region", region, False))
    for country in known.countries:
        for name in (country.name, *country.aliases, *COUNTRY_SHORT_FORMS.get(country.code, ())):
            add(name, ("country", country.code, False))
        for demonym in demonyms(country.code):
            add(demonym, ("country", country.code, True))
    for actor in known.actors:
        for name in (actor.name, *actor.aliases):
            add(name, ("actor", actor.slug, False))
    for actor in known.actors:
        if actor.kind == "person":
            words = [word for word in actor.name.split() if word not in ("Jr.", "Sr.", "Jr", "Sr", "II", "III")]
            for surname in {" ".join(words[-1:]), " ".join(words[-2:])} if len(words) > 1 else ():
                if surname[:1].isupper() and surname not in TITLE_WORDS and surname not in NOT_NAMES:
                    add(surname, ("actor", actor.slug, False), exact=False)
    return {key: value for key, value in table.items() if isinstance(key, str) and value}


class Matcher:
    """Finds the known surfaces in a text by words (fast with thousands of names)."""

    def __init__(self, known):
        self.by_first = {}
        for surface, value in surfaces(known).items():
            words = tuple(WORD.findall(surface))
            self.by_first.setdefault(words[0], []).append((words, surface, value))
        for candidates in self.by_first.values():
            candidates.sort(key=lambda item: -len(item[0]))

    def find(self, text):
        tokens = list(WORD.finditer(text))
        words = [token.group() for token in tokens]
        found, index = [], 0
        while index < len(tokens):
            match = self._match_at(text, tokens, words, index)
            if match:
                found.append(match[0])
                index += match[1]
            else:
                index += 1
        return found

    def _match_at(self, text, tokens, words, index):
        for surface_words, surface, (kind, key, demonym) in self.by_first.get(words[index], ()):
            size = len(surface_words)
            if tuple(words[index : index + size]) != surface_words:
                continue
            start, end = tokens[index].start(), tokens[index + size - 1].end()
            if " ".join(text[start:end].split()) != surface.rstrip("."):
                continue
            if surface.endswith(".") and text[end : end + 1] == ".":
                end += 1
            return Mention(start, end, kind, key, demonym), size
        return None


@dataclass
class NewName:
    start: int
    end: int
    name: str
    kind: str
    role: str
    rule: str
    country: str | None = None


def new_names(text, mentions, quotes, country_of_word):
    """Names the text introduces that no known actor has, with the role the text gives them."""
    found, seen = [], set()
    for match in CAPITALISED.finditer(text):
        quote = quotes.at(match.start())
        if quote is not None and match.start() > quote.start:
            continue  # titles of books, slogans: quoted words are not names
        for name in _names_in(text, match, mentions, country_of_word):
            if name.name not in seen:
                seen.add(name.name)
                found.append(name)
    return found


def _names_in(text, match, mentions, country_of_word):
    tokens = list(regex.finditer(r"\S+", match.group()))
    role_words, country, offset = [], None, 0
    for token in tokens:
        word = token.group()
        bare = word.removesuffix("’s").removesuffix("'s")
        if word in TITLE_WORDS or bare in country_of_word or word in NOT_NAMES or word in ("of", "the"):
            role_words.append(word)
            country = country or country_of_word.get(bare)
            offset = token.end()
            continue
        break
    start = match.start() + len(match.group()[:offset]) + (1 if offset else 0)
    name = text[start : match.end()].rstrip("’'")
    if name.endswith(".") and not regex.search(r"(?:\b(?:Jr|Sr)|\b\p{Lu})\.$", name):
        name = name[:-1]
    end = start + len(name)
    if not name or mentions.overlapping(start, end):
        return []
    words = name.split()
    role = " ".join(word for word in role_words if word not in NOT_NAMES)
    if any(word in ORGANISATION_WORDS for word in words):
        return _organisation(text, start, end, name, country, country_of_word)
    if len(words) < 2 or len(words) > 4 or any(word in NOT_NAMES or word in TITLE_WORDS for word in words):
        return []
    if any(word in TITLE_WORDS for word in role_words):
        return [NewName(start, end, name, "person", role, "mentions.title", country)]
    apposition = APPOSITION.match(text, end)
    if apposition:
        return [NewName(start, end, name, "person", apposition.group(1).strip(), "mentions.apposition", country)]
    if ATTRIBUTED_AFTER.match(text, end) or ATTRIBUTED_BEFORE.search(text, max(0, start - 40), start):
        return [NewName(start, end, name, "person", "", "mentions.attribution", country)]
    return []


def _organisation(text, start, end, name, country, country_of_word):
    if not (REPORTED.match(text, end) or ATTRIBUTED_BEFORE.search(text, max(0, start - 40), start)):
        return []
    words = set(name.split())
    kind = "government" if words & GOVERNMENT_WORDS else "agency" if words & AGENCY_WORDS else "organization"
    country = country or next((country_of_word[w] for w in name.split() if w in country_of_word), None)
    return [NewName(start, end, name, kind, "", "mentions.reporter", country)]


def actor_proposals(document, names):
    """An actor suggestion for each new name, with a slug no known actor has (others refer to it)."""
    taken = {actor.slug for actor in document.known.actors}
    proposals, actors = [], []
    for name in names:
        base = slugify(name.name)[:190] or "actor"
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        taken.add(slug)
        fields = {"slug": slug, "name": name.name, "kind": name.kind, "role": name.role, "aliases": []}
        if name.country:
            fields["country"] = name.country
        start, end = document.sentence_around(name.start)
        confidence = 0.75 if name.rule in ("mentions.title", "mentions.apposition") else 0.55
        proposals.append(Proposal("actor", fields, document.text[start:end], start, end, confidence, name.rule))
        actors.append(KnownActor(slug, name.name, name.kind, name.role, name.country))
    return proposals, actors
