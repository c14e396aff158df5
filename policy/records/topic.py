"""A topic: reference data that records are filed under."""

from ..models import Topic
from .base import RecordType

TOPIC = RecordType(
    name="topic",
    model=Topic,
    resource="topics",
    label="name",
    search_fields=("slug", "name", "description"),
    pick_list=True,
)
