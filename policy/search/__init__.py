"""`search=`: a record matches when one of its search fields contains the text searched for.

A FilterSet's `search_fields` name the texts a search reaches: the record's own columns
(`text`, `title`) and related records' names (`speaker__aliases`). Related records' names are
matched in their own small table and joined back by key (`speaker_id IN (SELECT …)`, through
the link table for many-to-many), never by a join, so no record comes back twice.

Each engine has its module: policy.search.postgresql (full text and trigrams over GIN indexes,
ranked) and policy.search.sqlite (FTS5 trigram indexes, or LIKE). Which record types have a
stored document and an FTS5 index is declared per type (policy.records, `stored_search`).
"""

from django.conf import settings
from django.db import connections
from django.db.models import Value

from ..records import TYPES
from .fields import split_fields
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
    "bounded_count",
    "find",
    "forget_fts_indexes",
    "fts_indexes",
    "fts_indexing_deferred",
    "fts_phrase",
    "more_than",
    "ranked",
    "split_fields",
    "substring_search",
    "unranked",
]


# Record types whose document is a stored column on PostgreSQL (policy.records; migration 0003).
STORED_DOCUMENTS = {t.model_name for t in TYPES if t.stored_search}

# The records a search found, as `query.annotations[MORE_THAN]`: its own index alone holds more
# than this many matches (issue #18). An alias, so it survives the filters and orderings applied after.
MORE_THAN = "search_matches_more_than"


def find(queryset, search_fields, value, ranked):
    """The records of `queryset` whose search fields contain `value`, by the database's engine:
    full text and trigrams on PostgreSQL (ranked first when `ranked`), FTS5 or LIKE elsewhere.

    On SQLite, a search whose FTS5 index holds more than settings.COUNT_LIMIT matches (counted
    there anyway, to choose the page's plan) says so on the queryset (`more_than`): a list whose only
    filter it is need not count them again (policy.querying.pagination). On PostgreSQL, which has no query
    to spare (a list costs a fixed number of queries, tests/test_indexes.py), the list's one count
    query asks the stored document's index first (`bounded_count`)."""
    if connections[queryset.db].vendor == "postgresql":
        return on_postgresql().search(queryset, search_fields, value, ranked=ranked)
    limit = settings.COUNT_LIMIT
    found, beyond = substring_search(queryset, search_fields, value, limit)
    return found.alias(**{MORE_THAN: Value(limit)}) if beyond else found


def more_than(queryset):
    """How many records `queryset` is known to hold more than, without counting: the bound its search
    found (`find`) when the search is its only condition; else None."""
    query = queryset.query
    if MORE_THAN not in query.annotations or len(query.where.children) != 1:
        return None
    return query.annotations[MORE_THAN].value


def bounded_count(queryset, limit, counted):
    """A list's bounded count (`counted`: its SQL and params) answered from its search's index
    first where the engine can (PostgreSQL: policy.search.postgresql.bounded_count); else None."""
    if connections[queryset.db].vendor == "postgresql":
        return on_postgresql().bounded_count(queryset, limit, counted)
    return None


def ranked(queryset):
    """Whether `queryset` is ordered by its search's rank first (only PostgreSQL ranks)."""
    return connections[queryset.db].vendor == "postgresql" and on_postgresql().ranked(queryset)


def unranked(queryset):
    """`queryset` without its search's rank in front of its ordering (only PostgreSQL ranks)."""
    if connections[queryset.db].vendor != "postgresql":
        return queryset
    return on_postgresql().unranked(queryset)


def on_postgresql():
    """policy.search.postgresql, imported on PostgreSQL's first search: it needs psycopg, which a worker
    serving SQLite never loads (policy/wsgi.py: 11 MB of every worker's memory)."""
    from . import postgresql

    return postgresql
