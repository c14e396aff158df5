"""A source: the document a cited record's excerpt is quoted from."""

from ..models import Source
from .base import TIMESTAMPS, RecordType

SOURCE = RecordType(
    name="source",
    model=Source,
    resource="sources",
    label="title",
    dates=("published_on",),
    search_fields=("title", "publisher__name", "notes"),
    stored_search=True,
    columns=(
        "url",
        "slug",
        "title",
        "kind",
        "publisher",
        "document_url",
        "published_on",
        "date_precision",
        "text_license",
        "notes",
        *TIMESTAMPS,
    ),
    facets=("kind", "publisher", "year"),
)
