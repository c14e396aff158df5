"""An event: a summit, meeting, election or crisis, with its participants."""

from ..models import Event
from .base import RecordType, Timeline

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
    facets=("kind", "status", "country", "topic", "year"),
)
