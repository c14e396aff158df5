"""`search=`: a record matches when one of its search fields contains the text searched for.

A FilterSet's `search_fields` name the texts a search reaches: the record's own columns
(`text`, `title`) and related records' names (`speaker__aliases`). Related records' names are
matched in their own small table and joined back by key (`speaker_id IN (SELECT …)`, through
the link table for many-to-many), never by a join, so no record comes back twice.

Each engine has its module: policy.search.postgresql (full text and trigrams over GIN indexes,
ranked) and policy.search.sqlite (FTS5 trigram indexes, or LIKE). Which record types have a
stored document and an FTS5 index is declared per type (policy.records, `stored_search`).
"""

from django.db import connections

from .fields import split_fields
from .postgresql import STORED_DOCUMENTS, search, tsquery
from .sqlite import (
    FREQUENT,
    FTS_TRIGGERS,
    TRIGRAM,
    forget_fts_indexes,
    fts_indexes,
    fts_indexing_deferred,
    fts_phrase,
    substring_search,
)

__all__ = [
    "FREQUENT",
    "FTS_TRIGGERS",
    "STORED_DOCUMENTS",
    "TRIGRAM",
    "find",
    "forget_fts_indexes",
    "fts_indexes",
    "fts_indexing_deferred",
    "fts_phrase",
    "search",
    "split_fields",
    "substring_search",
    "tsquery",
]


def find(queryset, search_fields, value, ranked):
    """The records of `queryset` whose search fields contain `value`, by the database's engine:
    full text and trigrams on PostgreSQL (ranked first when `ranked`), FTS5 or LIKE elsewhere."""
    if connections[queryset.db].vendor == "postgresql":
        return search(queryset, search_fields, value, ranked=ranked)
    return substring_search(queryset, search_fields, value)
