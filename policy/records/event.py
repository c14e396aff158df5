"""An event: a summit, meeting, election or crisis, with its participants."""

from ..models import Event
from .base import CITATION, TIMESTAMPS, RecordType, Timeline

EVENT = RecordType(
    name="event",
    model=Event,
    resource="events",
    label="title",
    dates=("start_date", "end_date"),
    search_fields=("title", "location", "participants__name", "participants__aliases", "excerpt"),
    stored_search=True,
    link_arrays=("participants", "countries", "topics"),
    timeline=Timeline(title="title", country=("countries",), actor=("participants",)),
    colour="#E69F00",
    columns=(
        "url",
        "slug",
        "title",
        "kind",
        "status",
        "start_date",
        "end_date",
        "date_precision",
        "location",
        "participants",
        "countries",
        "topics",
        *CITATION,
        *TIMESTAMPS,
    ),
    facets=("kind", "status", "country", "topic", "year"),
)
