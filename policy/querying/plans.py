"""The shape of a page's queries where a planner cannot tell on its own (issue #18): which index a
date range's first page reads on SQLite (`key_walk`), and how PostgreSQL is given the page's keys
(`among`).

A list filtered by a range of its main date alone, in its key's order (the default: slug), reaches
its page one of two ways: read the range from the date's index and sort it by key, or walk the key's
index and keep the rows in the range until the page is full. The first costs the range's size, the
second the table's over the range's; with the date in the key's index (migration 0015) the walk
reads that index alone. PostgreSQL's statistics tell its planner which is cheaper. SQLite's do not:
it always read the date's index first, and at a million statements sorted a year's 40,000 for a
page of 50 (30–40 ms; the walk, 0.1 ms).

The list's bounded count, taken before its page (policy.querying.pagination, and a keyset page's in
policy.querying.cursors), tells instead: past settings.COUNT_LIMIT matches, the page's query names the
date as `+said_on`, which SQLite reads through no index, so it walks the key's (the count keeps reading
the date's index). A walk reads about (rows wanted) × (table ÷ range) entries, so only a page of few
rows from the start of the list, or from a keyset boundary, walks; a deep numbered page (OFFSET) does
not, as the count does not prove the range large enough for it. The same rows in the same order either
way: only the plan differs."""

from django.conf import settings
from django.db import connections
from django.db.models import BooleanField, F, Func, Q
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual, Range
from django.db.models.sql.where import AND, WhereNode

from .. import search
from ..records import BY_MODEL
from ..search.sqlite import WALKS_ITS_ORDER, PageOrderHint

RANGE_LOOKUPS = (GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual, Range)
# A walk is asked for COUNT_LIMIT ÷ WALKED_SHARE rows at most: past COUNT_LIMIT matches it then reads a
# tenth of the key's index at worst (~5 ms at a million statements on SQLite; 100 rows by default).
WALKED_SHARE = 10


def key_walk(queryset, rows_wanted, order=None):
    """`queryset` in `order` (else its own), for its first `rows_wanted` rows when it holds more than
    COUNT_LIMIT: on SQLite, a list filtered by a range of its main date alone and ordered by its key
    walks the key's index (its date conditions unindexed in an ordered query)."""
    ordered = queryset.order_by(*order) if order else queryset
    if rows_wanted * WALKED_SHARE > settings.COUNT_LIMIT or connections[queryset.db].vendor != "sqlite":
        return ordered
    record_type = BY_MODEL.get(queryset.model)
    ordering = ordered.query.order_by or queryset.model._meta.ordering
    if record_type is None or not record_type.main_date or not ordering or not isinstance(ordering[0], str):
        return ordered
    where = queryset.query.where
    if ordering[0].lstrip("-") != record_type.key or not date_range_alone(where, record_type.main_date):
        return ordered
    # The key is unique: what follows it in the ordering (`pk`) orders nothing, and would make SQLite
    # walk the key's own unique index, which lacks the date, rather than migration 0015's.
    walking = queryset.order_by(ordering[0])
    walking.query.where = WhereNode([unindexed(lookup) for lookup in where.children], connector=AND)
    return walking


def date_range_alone(where, date):
    """Whether every condition of `where` bounds the column `date` (and there is one at least)."""
    if where.connector != AND or where.negated or not where.children:
        return False
    return all(bounds(lookup, date) for lookup in where.children)


def bounds(lookup, date):
    column = getattr(lookup, "lhs", None)
    return isinstance(lookup, RANGE_LOOKUPS) and getattr(getattr(column, "target", None), "name", None) == date


def unindexed(lookup):
    """The same comparison of `+column` (in an ordered query: policy.search.sqlite.PageOrderHint)."""
    column = lookup.lhs
    return type(lookup)(PageOrderHint(column, output_field=column.output_field), lookup.rhs)


def sorted_matches(queryset):
    """`queryset` (a list holding at most COUNT_LIMIT matches, as its count just said), ordered so that
    SQLite reads the matches through their filters' indexes and sorts them, rather than walking the
    order's index until the page is full: a walk that finds few matches reads most of the table (a
    `?updated_after=` of the last hour at a million statements: 18 s, against 1 ms through the
    timestamp's index). Each ordering column is written `+column`, which SQLite reads through no index;
    the same rows in the same order. PostgreSQL's statistics tell its planner as much."""
    if connections[queryset.db].vendor != "sqlite" or not queryset.query.where:
        return queryset
    if WALKS_ITS_ORDER in queryset.query.annotations:  # a frequent word's matches: the walk was chosen for them
        return queryset
    ordering = queryset.query.order_by or queryset.model._meta.ordering
    if not ordering or not all(isinstance(term, str) for term in ordering):
        return queryset
    return queryset.order_by(*(unindexed_order(term) for term in ordering))


def unindexed_order(term):
    column = PageOrderHint(F(term.lstrip("-")))
    return column.desc() if term.startswith("-") else column.asc()


def count_first(queryset):
    """Whether a list is counted before its page is read, as the count may change how the page is read:
    past COUNT_LIMIT a search is not ranked (policy.querying.pagination, Rows.unrank), and on SQLite a date
    range walks its key's index (key_walk). Otherwise the page comes first, and one that ends the list (a
    speaker's few statements in a date range) is not counted at all (issue #18: a query fewer)."""
    return connections[queryset.db].vendor != "postgresql" or search.ranked(queryset)


class KeyAmong(Func):
    """`id = ANY(ARRAY(<the page's keys>))`: PostgreSQL plans it in 0.6 ms where `id IN (<the page's
    keys>)`, a join it may reorder with the page's four others, took 1.0–1.5 ms (at a million statements,
    more than running it: issue #18)."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        (key, key_params), (keys, keys_params) = (compiler.compile(e) for e in self.get_source_expressions())
        return f"{key} = ANY({keys})", (*key_params, *keys_params)


# The same condition, as SQL around the keys' own (policy.querying.by_keys), by engine.
AMONG_SQL = {"postgresql": " = ANY(ARRAY({keys}))"}
IN_SQL = " IN ({keys})"


def among(page_keys):
    """The condition that a row is one of `page_keys` (a sliced `values("pk")` queryset)."""
    if connections[page_keys.db].vendor == "postgresql":
        # Imported here: django.contrib.postgres needs psycopg, which a worker serving SQLite never loads.
        from django.contrib.postgres.expressions import ArraySubquery

        return KeyAmong(F("pk"), ArraySubquery(page_keys))
    return Q(pk__in=page_keys)
