"""A statement: words an actor said (or wrote), on a date, quoted from a cited source.

- The API serves it at `/api/v1/statements/<slug>/`, the pages at `/statements/<slug>/`;
  a related record shows it by its `slug` and `text`.
- `said_on` is its date: `date_after=`/`date_before=` filter it, the timeline sorts by it.
- `search=` reaches its text and its speaker's and addressee's names (see policy.search).
- On PostgreSQL its policies, countries and topics are also kept as id arrays (policy.link_arrays).
- A list of statements (JSON, and `?format=csv`) has `columns`, in that order, and so has its
  serializer; in a CSV related records are their keys (`speaker` a slug, `countries` codes joined
  by `;`).
- Its model is policy.models.records.Statement; its FilterSet and admin are
  policy.filtersets.StatementFilterSet and policy.admin.StatementAdmin; its serializer,
  policy.representation.StatementSerializer, is derived from this declaration (`columns`).
"""

from ..models import Statement
from .base import CITATION, TIMESTAMPS, RecordType, Timeline

STATEMENT = RecordType(
    name="statement",
    model=Statement,
    resource="statements",
    label="text",
    dates=("said_on",),
    search_fields=("text", "speaker__name", "speaker__aliases", "addressee__name"),
    stored_search=True,
    link_arrays=("policies", "countries", "topics"),
    timeline=Timeline(title="text", country=("countries",), actor=("speaker", "addressee")),
    colour="#CC79A7",
    columns=(
        "url",
        "slug",
        "speaker",
        "text",
        "kind",
        "said_on",
        "date_precision",
        "event",
        "addressee",
        "language",
        "is_translation",
        "policies",
        "countries",
        "topics",
        *CITATION,
        *TIMESTAMPS,
    ),
    facets=("speaker", "kind", "country", "topic", "year"),
)
