"""A statistic: one published figure for a period, with its unit and publisher."""

from ..models import Statistic
from .base import CITATION, TIMESTAMPS, RecordType, Timeline

STATISTIC = RecordType(
    name="statistic",
    model=Statistic,
    resource="statistics",
    label="title",
    dates=("period_start", "period_end"),
    search_fields=("title", "indicator", "publisher__name", "notes"),
    stored_search=True,
    link_arrays=("countries", "topics"),
    timeline=Timeline(title="title", country=("countries",), actor=("publisher",)),
    colour="#D55E00",
    columns=(
        "url",
        "slug",
        "title",
        "indicator",
        "value",
        "value_qualifier",
        "unit",
        "period_start",
        "period_end",
        "date_precision",
        "countries",
        "publisher",
        "is_derived",
        "topics",
        *CITATION,
        *TIMESTAMPS,
    ),
    facets=("unit", "publisher", "country", "topic", "year"),
)
