"""Pagination: page numbers by default, keyset cursors on request, and counts that stay cheap.

Every list answers `{"count", "next", "previous", "results"}` (policy.api.paginator); the pages show the same.

- **Pages** (`page`, `page_size`: default 50, max 1000; a malformed value is a 400). A page's
  rows are found first as primary keys — the filters, the ordering and OFFSET/LIMIT over the
  record's own table and indexes — and only then read with the related columns their
  representation needs, so the joins touch 50 rows, not every row skipped or ranked.
- **Counts** come from policy.cache.cached_count: taken over the filtered table alone (no
  joins) and reused until the data changes. A list of a growing table (policy.records:
  `stored_search`; not countries, topics or actors) counts its matches up to settings.COUNT_LIMIT
  and stops there (issue #18: a new search or filter would otherwise count a million rows on
  its first request): beyond it `count` is COUNT_LIMIT and the response adds
  `"count_is_exact": false` (there are more; the last page, and `page=last`, know exactly how
  many). A page never depends on its count: it reads
  `page_size + 1` rows, and the extra row says whether a next page exists. A cached count that
  missed a write (another process's, or one that bypassed Django) is only a stale number, and
  not even that where the rows prove it wrong (the last page knows exactly how many there are).
- **Cursors** (`cursor=`, empty for the first page): keyset pagination (policy.querying.cursors).
  `next`/`previous` carry an opaque cursor holding the boundary row's ordering values, so page 10,000 costs what page
  1 costs (OFFSET must walk every row it skips). Works with any `ordering=`; a search is then
  ordered by that ordering or the default one rather than by rank.
- **Depth**: a page that would skip more than settings.MAX_PAGE_OFFSET rows is a 400 saying how
  to get there cheaply (`deep_page_advice` of what is paged): OFFSET reads every row it skips.
"""

import math
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page as DjangoPage
from django.core.paginator import Paginator
from django.db import connections
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.settings import api_settings
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .. import search
from ..cache import cached_count
from ..reading.readers import ROW_ID
from ..records import BY_MODEL
from . import plans
from .by_keys import RowsByKeys
from .cursors import CursorPage, continuing_link
from .parameters import COMMON_PARAMETERS, WHOLE_NUMBER, requested_size

# Parameters that never change which records a list counts.
UNCOUNTED = COMMON_PARAMETERS | {"facets"}
# Beyond any table (and past what a database's OFFSET, a 64-bit integer, can hold).
MAX_OFFSET = 2**62


def count_key(request):
    """What a list counts, named by its path and filters (every parameter but the common ones, which
    choose a page or a representation): cheaper than compiling the count's SQL."""
    params = request.query_params
    filters = sorted((name, value) for name in params if name not in UNCOUNTED for value in params.getlist(name))
    return f"{request.path}?{urlencode(filters)}"


class Rows:
    """A list's filtered queryset, counted as is and read a page at a time as `.values()` rows."""

    ordered = True
    count_key = None  # set by the paginator
    many = False  # more than COUNT_LIMIT matches (unrank)
    few = False  # counted before the page, and COUNT_LIMIT matches at most (plans.sorted_matches)
    deep_page_advice = (
        "follow `cursor=` instead (empty for the first page, then each `next` link), "
        "at the same cost at any depth, or narrow the filters"
    )

    def __init__(self, queryset, columns):
        self.queryset, self.columns = queryset, columns

    def counted(self):
        """(count, exact): the matches of a growing table counted up to settings.COUNT_LIMIT; beyond
        it (COUNT_LIMIT, False). The small tables (thousands of rows at most) are counted exactly."""
        record_type = BY_MODEL.get(self.queryset.model)
        if record_type is None or not record_type.stored_search:  # a small table (countries, topics, actors)
            return cached_count(self.queryset, key=self.count_key), True
        limit = settings.COUNT_LIMIT
        known = search.more_than(self.queryset)  # a search alone, whose index already counted past the limit
        if known is not None and known >= limit:
            return limit, False
        key = f"{self.count_key}&count-limit={limit}" if self.count_key else None
        keys = unordered_keys(self.queryset)[: limit + 1]

        def count():
            try:
                inner, params = keys.query.get_compiler(keys.db).as_sql()
            except EmptyResultSet:
                return 0
            counted = (f"SELECT COUNT(*) FROM ({inner}) keys", params)
            found = search.bounded_count(self.queryset, limit, counted)
            # The SQL at hand, rather than `keys.count()`, which would build and compile it again.
            return selected_value(keys.db, *counted) if found is None else found

        found = cached_count(keys, key=key, count=count)
        self.few = found <= limit
        return (found, True) if self.few else (limit, False)

    def unrank(self):
        """More than COUNT_LIMIT matches: keep the list's order rather than a search's rank, which reads
        every match (PostgreSQL), and let the first rows walk that order's index (policy.querying.plans)."""
        self.queryset, self.many = search.unranked(self.queryset), True

    def has_row_at(self, offset):
        return bool(unordered_keys(self.queryset)[offset : offset + 1])

    def exact_count(self):
        return self.queryset.count()

    def ordering(self):
        query = self.queryset.query
        return list(dict.fromkeys([*(query.order_by or self.queryset.model._meta.ordering), "pk"]))

    def __getitem__(self, window):
        keys = plans.key_walk(self.queryset, window.stop) if self.many else self.queryset
        keys = plans.sorted_matches(keys) if self.few else keys
        return RowsByKeys.read(keys.values("pk")[window], self.columns, self.ordering())


def selected_value(using, sql, params):
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def unordered_keys(queryset):
    """The primary keys of `queryset` in no order, not even the model's default: what a bounded count
    reads (`SELECT COUNT(*) FROM (SELECT id … LIMIT n)`), in whichever order the database finds them."""
    keys = queryset.order_by().values("pk")
    keys.query.default_ordering = False
    return keys


def requested_number(request, queryset, size):
    """The request's `page`: a whole number from 1, or `last` (a 400 otherwise)."""
    raw = request.query_params.get("page")
    if raw is None:
        return 1
    if raw == "last":
        # Counted afresh: a stale cached count would name the wrong page.
        count = queryset.exact_count() if isinstance(queryset, Rows) else queryset.count()
        return max(1, math.ceil(count / size))
    if not WHOLE_NUMBER.fullmatch(raw) or int(raw) < 1:
        raise ValidationError({"page": [f"“{raw}” is not a page number (a whole number from 1)."]})
    return int(raw)


class NumberedPages:
    """One request's page of a list: numbered (`page`, `page_size`), or a keyset page (`cursor=`) of
    Rows. What the API's paginator (policy.api.paginator) and the pages (policy.web) both read."""

    page_query_param = "page"
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"
    max_page_size = 1000

    def __init__(self, page_size=None):
        self.page_size = page_size or api_settings.PAGE_SIZE
        self.page = self.cursor_page = None
        self.count_is_exact = True

    def get_page_size(self, request):
        return requested_size(request, self.page_size, self.max_page_size)

    def paginate_queryset(self, queryset, request):
        self.request = request
        if hasattr(queryset, "count_key"):
            queryset.count_key = count_key(request)
        if self.cursor_query_param in request.query_params and isinstance(queryset, Rows):
            if self.page_query_param in request.query_params:
                raise ValidationError({self.cursor_query_param: ["Use either page or cursor, not both."]})
            self.cursor_page = CursorPage(queryset, request, self)
            return self.cursor_page.rows
        size = self.get_page_size(request)
        number = requested_number(request, queryset, size)
        offset = (number - 1) * size
        if offset > settings.MAX_PAGE_OFFSET:
            self.refuse_deep_page(queryset, offset)
        rows, more, counted = read_page(queryset, offset, size)
        if not rows and number > 1:  # the count read_page took first, else one now, for the message
            known = counted if counted[0] is not None else counted_first(queryset)
            raise NotFound(past_the_end(number, size, *known))
        paginator = Paginator([], size)
        paginator.count, self.count_is_exact = reconciled(*counted, offset, rows, more)
        self.page, self.rows = Page(rows, number, paginator, more), queryset
        return rows

    def get_next_link(self):
        if not self.page.has_next():
            return None
        # The page after the deepest numbered one goes on by cursor: a `next` link is never refused.
        beyond = self.page.number * self.page.paginator.per_page > settings.MAX_PAGE_OFFSET
        if beyond and isinstance(self.rows, Rows):
            return continuing_link(self.rows, self.request, self.page.object_list[-1][ROW_ID])
        return replace_query_param(self.request.build_absolute_uri(), self.page_query_param, self.page.number + 1)

    def get_previous_link(self):
        if not self.page.has_previous():
            return None
        url, number = self.request.build_absolute_uri(), self.page.number - 1
        if number == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, number)

    def refuse_deep_page(self, queryset, offset):
        """A numbered page costs every row it skips: past MAX_PAGE_OFFSET, a 400 naming a cheaper way
        (or the 404 of a page past the end; the count may be cached, and decides only which refusal)."""
        if offset > MAX_OFFSET or not has_row_at(queryset, offset):
            size = self.get_page_size(self.request)
            raise NotFound(past_the_end(offset // size + 1, size, *counted_first(queryset)))
        advice = getattr(queryset, "deep_page_advice", "narrow the filters")
        message = f"Pages that skip more than {settings.MAX_PAGE_OFFSET:,} rows are not served: {advice}."
        raise ValidationError({self.page_query_param: [message]})

    def links(self):
        """(count, page number or None, next link, previous link), for a numbered or a keyset page alike."""
        if self.cursor_page is not None:
            return self.cursor_page.count, None, self.cursor_page.next, self.cursor_page.previous
        return self.page.paginator.count, self.page.number, self.get_next_link(), self.get_previous_link()

    @property
    def count_is_exact_now(self):
        """Whether the count `links()` gives is exact (False: counting stopped at COUNT_LIMIT)."""
        return self.cursor_page.count_is_exact if self.cursor_page is not None else self.count_is_exact


def counted_first(queryset):
    """(count, exact), taken before the page is read: a search matching more than COUNT_LIMIT records
    is then not ranked (Rows.unrank), as ranking reads every match."""
    if not isinstance(queryset, Rows):
        return queryset.count(), True
    count, exact = queryset.counted()
    if not exact:
        queryset.unrank()
    return count, exact


def read_page(queryset, offset, size):
    """(rows, whether a next page follows, (count, exact)): counted first where the count may change how
    the page is read (policy.querying.plans.count_first), else only when a next page follows (the rows
    of one that ends the list are its count: reconciled)."""
    first = not isinstance(queryset, Rows) or plans.count_first(queryset.queryset)
    counted = counted_first(queryset) if first else (None, True)
    # One row more than the page: whether a next page exists, read from the rows themselves.
    found = list(queryset[offset : offset + size + 1])
    rows, more = found[:size], len(found) > size
    if more and not first:
        counted = counted_first(queryset)
    return rows, more, counted


def past_the_end(number, size=None, count=None, exact=False):
    """The 404's message for a numbered page past the last: which page is the last, when the count is exact."""
    if size is None or count is None or not exact:
        return f"Page {number} is past the last page of this list."
    last = max(1, -(-count // size))
    return f"Page {number} is past the last page, {last}: {count:,} rows at {size} a page."


def has_row_at(queryset, offset):
    return queryset.has_row_at(offset) if isinstance(queryset, Rows) else offset < queryset.count()


def reconciled(count, exact, offset, rows, more):
    """A (perhaps cached, perhaps stale, perhaps bounded) count made consistent with the rows just
    read, and whether it is exact."""
    seen = offset + len(rows)
    if not more:
        return seen, True  # the last page: exactly this many
    return max(count, seen + 1), exact


class Page(DjangoPage):
    """A page read as `size + 1` rows: its neighbours are known from the rows, never from a count."""

    def __init__(self, rows, number, paginator, more):
        super().__init__(rows, number, paginator)
        self.more = more

    def has_next(self):
        return self.more

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1
