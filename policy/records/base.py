"""What a record type is to the system, declared once: `RecordType`, and the `Timeline` entry.

Each module beside this one declares one type (policy/records/statement.py: what a statement
is); policy.records collects them. Everything that used to list the types again derives from
these declarations: the FilterSets' date and search parameters, search on both engines
(policy.search), the PostgreSQL link arrays (policy.link_arrays), the timeline, the pages and
their chart colours (policy.web), the admin's "View on site", the serializers' fields and so
the columns of lists and CSV exports (policy.representation). The migrations that created the
indexes, arrays and triggers keep frozen literal copies, which tests/test_record_types.py
compares with these declarations.
"""

from dataclasses import dataclass

from ..models.base import Cited

# Columns every cited record's list ends with (its citation: policy.models.base.Cited), and every record's.
CITATION = ("source", "excerpt", "excerpt_start", "excerpt_end", "notes")
TIMESTAMPS = ("created_at", "updated_at")


@dataclass(frozen=True)
class Timeline:
    """How a type's records appear on `/api/v1/timeline/`: dated by the type's main date, titled
    by `title`, and filtered by `country=`, `actor=` and `topic=` through these relations (any)."""

    title: str
    country: tuple
    actor: tuple
    topic: tuple = ("topics",)

    @property
    def related(self):
        return {"country": self.country, "actor": self.actor, "topic": self.topic}


@dataclass(frozen=True)
class RecordType:
    """One record type. `name` is its name in payloads (the timeline's `record_type`, chart
    keys); `resource` its URL prefix in the API (`/api/v1/statements/`) and on the pages."""

    name: str
    model: type
    resource: str
    label: str  # the field a compact representation and a page show beside the key
    key: str = "slug"  # the public key: URLs, related records in payloads, filter values
    upper_case_key: bool = False  # keys compare upper-cased (country codes: `us` is `US`)
    # Dates, the main one first: `date_after`/`date_before` filter it, the timeline sorts by it.
    dates: tuple = ()
    # Fields `search=` reaches, the record's own and related records' (`speaker__name`); on
    # PostgreSQL the own fields make the full-text document, weighted A, B, C in this order.
    search_fields: tuple = ()
    # A growing table: its document is a stored, GIN-indexed column (migration 0003), and on
    # SQLite an FTS5 index covers its own search fields (migration 0005). Otherwise a small
    # table, searched by expression (PostgreSQL) or LIKE (SQLite).
    stored_search: bool = False
    # Many-to-many fields whose ids PostgreSQL also keeps in a `<field>_ids` array (migration 0006).
    link_arrays: tuple = ()
    timeline: Timeline | None = None
    colour: str | None = None  # on the pages' charts (timeline, legend)
    # A list's columns, in order: each record's keys in a JSON list and the header of `?format=csv`
    # (`fields=`/`omit=` narrow them). The serializer's fields are these, plus any detail-only ones
    # (a source's `text`); related records are columns of their keys, several joined by `;`.
    columns: tuple = ()
    # Its main dimensions: counted beside its list on the pages and by `?facets=` in the API
    # (policy.facets). Each is a parameter of its FilterSet (a related record or a choice) or
    # `year` (of the main date); a facet's entry links to the list with that filter added.
    facets: tuple = ()
    # Few enough records (countries, topics) to choose from a list in the pages' filter forms;
    # other related records are typed by key there.
    pick_list: bool = False

    @property
    def model_name(self):
        return self.model._meta.model_name

    @property
    def main_date(self):
        return self.dates[0] if self.dates else None

    @property
    def cited(self):
        """Cites a source (policy.models.base.Cited): an excerpt, checked against the source."""
        return issubclass(self.model, Cited)

    @property
    def own_search_fields(self):
        return tuple(name for name in self.search_fields if "__" not in name)

    def normalise_key(self, value):
        """`value` as stored: country codes are upper-cased (the API and pages take `us` for `US`)."""
        return value.upper() if self.upper_case_key and isinstance(value, str) else value
