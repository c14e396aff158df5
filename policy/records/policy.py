"""A policy: a law, order, programme or agreement, and who issued it where."""

from ..models import Policy
from .base import CITATION, TIMESTAMPS, RecordType, Timeline

POLICY = RecordType(
    name="policy",
    model=Policy,
    resource="policies",
    label="title",
    dates=("start_date", "end_date"),
    search_fields=("title", "summary", "actors__name", "actors__aliases", "excerpt"),
    stored_search=True,
    link_arrays=("countries", "actors", "topics"),
    timeline=Timeline(title="title", country=("jurisdiction", "countries"), actor=("actors",)),
    colour="#0072B2",
    columns=(
        "url",
        "slug",
        "title",
        "summary",
        "kind",
        "status",
        "jurisdiction",
        "countries",
        "actors",
        "start_date",
        "end_date",
        "date_precision",
        "related",
        "topics",
        *CITATION,
        *TIMESTAMPS,
    ),
    facets=("status", "kind", "jurisdiction", "country", "topic", "year"),
)
