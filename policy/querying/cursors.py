"""Keyset pages (`cursor=`): rows after (or before) the boundary row a cursor names, so page 10,000
costs what page 1 costs. Cursors are opaque to clients: base64 of the direction, the ordering they
belong to and the boundary row's ordering values (policy.querying.pagination serves them)."""

import base64
import binascii
import datetime
import json
from decimal import Decimal

from django.db import connections
from django.db.models import Q
from django.utils.timezone import is_naive, make_aware
from rest_framework.exceptions import ValidationError
from rest_framework.utils.urls import remove_query_param, replace_query_param

from . import plans
from .by_keys import RowsByKeys


def exact(value):
    """JSON for a boundary value, losing nothing (DjangoJSONEncoder rounds times to milliseconds)."""
    return str(value) if isinstance(value, Decimal) else value.isoformat()


def cursor_link(request, signature, direction, values):
    """This request's URL, moved to the keyset page `direction` of the row whose ordering values are `values`."""
    payload = json.dumps({"d": direction, "o": signature, "v": values}, default=exact)
    token = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
    url = remove_query_param(request.build_absolute_uri(), "page")
    return replace_query_param(url, "cursor", token)


def continuing_link(rows, request, row_id):
    """The keyset page after the row `row_id` of `rows`: where a numbered list's pages stop
    (MAX_PAGE_OFFSET), its last page's `next` goes on by cursor instead of to a page it refuses."""
    signature = rows.ordering()
    fields = [name.lstrip("-") for name in signature]
    boundary = rows.queryset.model._default_manager.using(rows.queryset.db).filter(pk=row_id).values(*fields).get()
    return cursor_link(request, signature, "after", [boundary[name] for name in fields])


class CursorPage:
    """One keyset page: rows after (or before) the boundary row a cursor names."""

    def __init__(self, rows, request, paginator):
        self.request, self.size = request, paginator.get_page_size(request)
        queryset = rows.queryset
        self.model = queryset.model
        self.spec = [(name.lstrip("-"), name.startswith("-")) for name in rows.ordering()]
        self.signature = [("-" if desc else "") + name for name, desc in self.spec]
        self.nulls_largest = connections[queryset.db].vendor == "postgresql"
        direction, boundary = self.decode(request.query_params[paginator.cursor_query_param])
        spec = self.spec if direction == "after" else [(name, not desc) for name, desc in self.spec]
        order = [("-" if desc else "") + name for name, desc in spec]
        fields = [name for name, _ in self.spec]
        # Counted first: past COUNT_LIMIT matches a date range walks the key's index (policy.querying.plans).
        self.count, self.count_is_exact = rows.counted()
        ordered = queryset.order_by(*order) if self.count_is_exact else plans.key_walk(queryset, self.size + 1, order)
        found = []
        for region in self.regions(spec, boundary):
            wanted = self.size + 1 - len(found)
            keys = ordered.filter(region).values("pk")[:wanted]
            found += RowsByKeys.read(keys, [*rows.columns, *fields], order)
            if len(found) > self.size:
                break
        more = len(found) > self.size
        found = found[: self.size]
        if direction == "before":
            found.reverse()
        self.rows = found
        has_next = more if direction == "after" else boundary is not None
        has_previous = boundary is not None if direction == "after" else more
        self.next = self.link("after", found[-1]) if found and has_next else None
        self.previous = self.link("before", found[0]) if found and has_previous else None

    def regions(self, spec, boundary):
        """The rows past `boundary`, as conditions to read in turn, each one range of the leading
        field's index: NULLs sort apart (last or first, by database and direction), and a single
        `a < x OR a IS NULL OR …` made SQLite sort the whole table rather than walk its index."""
        if boundary is None:
            return [Q()]
        (name, desc), rest = spec[0], spec[1:]
        value, nulls_after = boundary[0], self.nulls_largest != desc
        ties = beyond(rest, boundary[1:], self.nulls_largest) if rest else Q(pk__in=[])
        if value is None:
            nulls = Q(**{f"{name}__isnull": True}) & ties
            return [nulls] if nulls_after else [nulls, Q(**{f"{name}__isnull": False})]
        values = Q(**{f"{name}__{'lte' if desc else 'gte'}": value}) & ~(Q(**{name: value}) & ~ties)
        return [values, Q(**{f"{name}__isnull": True})] if nulls_after else [values]

    def link(self, direction, row):
        return cursor_link(self.request, self.signature, direction, [row[name] for name, _ in self.spec])

    def decode(self, token):
        if not token:
            return "after", None
        invalid = ValidationError({"cursor": ["Invalid cursor: use the `next` or `previous` link of a list page."]})
        try:
            data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            direction, signature, values = data["d"], data["o"], data["v"]
        except (ValueError, TypeError, KeyError, binascii.Error, RecursionError):  # "[[[[…": too deep for json
            raise invalid from None
        if signature != self.signature:
            raise ValidationError({"cursor": ["This cursor belongs to another ordering: start again with cursor=."]})
        if direction not in ("after", "before") or not isinstance(values, list) or len(values) != len(self.spec):
            raise invalid
        try:
            fields = [self.model._meta.pk if n == "pk" else self.model._meta.get_field(n) for n, _ in self.spec]
            return direction, [None if v is None else boundary(f, v) for f, v in zip(fields, values, strict=True)]
        except Exception:  # a tampered value of the wrong type, or out of range
            raise invalid from None


def beyond(spec, boundary, nulls_largest):
    """Rows strictly past `boundary` in `spec` order, NULLs placed where the database sorts them."""
    (name, desc), *rest = spec
    value = boundary[0]
    nulls_after = nulls_largest != desc
    if value is None:
        past = Q(pk__in=[]) if nulls_after else Q(**{f"{name}__isnull": False})
        equal = Q(**{f"{name}__isnull": True})
    else:
        past = Q(**{f"{name}__{'lt' if desc else 'gt'}": value})
        if nulls_after:
            past |= Q(**{f"{name}__isnull": True})
        equal = Q(**{name: value})
    return past | (equal & beyond(rest, boundary[1:], nulls_largest)) if rest else past


def boundary(field, value):
    """A cursor's value for `field`, as the database will compare it; a date-time in UTC (one that
    overflows there, like 9999-12-31T23:59:59-23:59, is refused here rather than in the query)."""
    value = field.to_python(value)
    if isinstance(value, datetime.datetime):
        value = (make_aware(value) if is_naive(value) else value).astimezone(datetime.UTC)
    elif isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(value)
    return value
