"""What the extractors share: the proposal they return and what they know of the database.

Pure Python: no Django, no network. `Known` is the actors and countries the text is matched
against (built from the database by policy.suggest.known, or by hand in tests and the evaluation).
"""

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class KnownActor:
    slug: str
    name: str
    kind: str = "person"
    role: str = ""
    country: str | None = None  # ISO alpha-2 code
    aliases: tuple = ()


@dataclass(frozen=True)
class KnownCountry:
    code: str
    name: str
    aliases: tuple = ()


@dataclass(frozen=True)
class Known:
    actors: tuple = ()
    countries: tuple = ()

    def actor(self, slug):
        return next((actor for actor in self.actors if actor.slug == slug), None)


@dataclass
class Proposal:
    """One proposed record: `fields` in the API's write format (related records by slug or country
    code), without source, excerpt or offsets, which are `excerpt`, `start` and `end` here."""

    record_type: str
    fields: dict
    excerpt: str
    start: int
    end: int
    confidence: float
    rule: str
    # Proposals this one refers to by slug (a new actor a statement names as its speaker).
    needs: list = field(default_factory=list)

    def key(self):
        """What makes two proposals the same: a run proposes each once."""
        return (self.record_type, self.start, self.end, repr(sorted(self.fields.items())))


def first_of_period(value: date, precision: str) -> date:
    if precision == "year":
        return value.replace(month=1, day=1)
    if precision == "month":
        return value.replace(day=1)
    return value
