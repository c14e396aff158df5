"""An actor: a person, government or organisation that speaks, acts or publishes."""

from ..models import Actor
from .base import TIMESTAMPS, RecordType

ACTOR = RecordType(
    name="actor",
    model=Actor,
    resource="actors",
    label="name",
    search_fields=("name", "aliases", "role"),
    columns=("url", "slug", "name", "kind", "role", "country", "aliases", "notes", *TIMESTAMPS),
    facets=("kind", "country"),
)
