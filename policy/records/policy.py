"""A policy: a law, order, programme or agreement, and who issued it where."""

from ..models import Policy
from .base import RecordType, Timeline

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
    facets=("status", "kind", "jurisdiction", "country", "topic", "year"),
)
