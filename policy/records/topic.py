"""A topic: reference data that records are filed under."""

from ..models import Topic
from .base import TIMESTAMPS, RecordType

TOPIC = RecordType(
    name="topic",
    model=Topic,
    resource="topics",
    label="name",
    search_fields=("slug", "name", "description"),
    columns=("url", "slug", "name", "description", *TIMESTAMPS),
    pick_list=True,
)
