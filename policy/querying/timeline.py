"""The timeline: every dated record of every type, in one chronological list (`/api/v1/timeline/`
and the `/timeline/` page read it alike).

Each page is merged from one query per record type, each reading only the first
`offset + page_size` rows of its own date index, plus one count per type — a fixed
number of queries, and never a whole table in Python.
"""

import heapq
from collections import OrderedDict
from functools import cached_property, reduce
from operator import or_

from django import forms
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Substr
from rest_framework.exceptions import ValidationError

from .. import records
from ..cache import cached_count, counts_are_shareable, data_version
from ..days import CalendarDateField
from ..filters import KeyMultipleChoiceField, invalid_choice, related_condition
from ..models import Actor, Country, Topic
from .parameters import reject_unknown_parameters, repeatable_fields

TITLE_LENGTH = 200


# The dated record types, each with its main date, title and relations (policy.records).
TYPES = records.ON_TIMELINE


class TimelineQuery(forms.Form):
    """The timeline's parameters, declared once: the view validates with it and the schema lists it."""

    date_after = CalendarDateField(required=False, help_text="On or after this date (YYYY-MM-DD).")
    date_before = CalendarDateField(required=False, help_text="On or before this date (YYYY-MM-DD).")
    type = forms.MultipleChoiceField(
        choices=[(name, name) for name in TYPES],
        required=False,
        help_text="Repeat for OR.",
        error_messages=invalid_choice(TYPES),
    )
    country = KeyMultipleChoiceField(
        queryset=Country.objects.all(), to_field_name="code", required=False, help_text="Country code; repeat for OR."
    )
    actor = KeyMultipleChoiceField(
        queryset=Actor.objects.all(), to_field_name="slug", required=False, help_text="Actor slug; repeat for OR."
    )
    topic = KeyMultipleChoiceField(
        queryset=Topic.objects.all(), to_field_name="slug", required=False, help_text="Topic slug; repeat for OR."
    )
    ordering = forms.ChoiceField(
        choices=[("date", "date"), ("-date", "-date")],
        required=False,
        error_messages=invalid_choice(["date", "-date"], "orderings of the timeline"),
        help_text="Chronological (default) or reverse.",
    )


def chronological(row):
    return row["record_date"], row["record_type"], row["slug"]


class TypePart:
    """One record type's share of a timeline request; its queryset is built only when needed."""

    def __init__(self, name, query):
        self.name, self.query = name, query
        self.db = router.db_for_read(TYPES[name].model)

    @cached_property
    def queryset(self):
        return type_queryset(self.name, TYPES[self.name], self.query)

    def count(self):
        return self.queryset.count()


class MergedTimeline:
    """A lazily merged, sliceable view of the per-type querysets (what Django's Paginator needs)."""

    def __init__(self, parts, descending):
        self.parts, self.descending = parts, descending

    count_key = None  # set by the paginator: the request's path and filters
    deep_page_advice = "narrow the timeline with `date_after`/`date_before` (or `ordering=-date` for the latest)"

    def count(self):
        key = self.count_key
        return sum(cached_count(part, key=key and f"{key}#{part.name}") for part in self.parts)

    def exact_count(self):
        return sum(part.count() for part in self.parts)

    def __getitem__(self, page):
        version = self.count_key and (self.count_key, data_version(), page.stop)
        parts = [rows(part, page.stop, version and (*version, part.name)) for part in self.parts]
        merged = heapq.merge(*parts, key=chronological, reverse=self.descending)
        return list(merged)[page.start : page.stop]


# Compiled SQL of recent timeline pages, by request path, filters, data version and type. A page
# is five small queries, and building and compiling them took longer than running them; the
# landing page and other popular ones are asked for again and again.
COMPILED = OrderedDict()
COMPILED_SIZE = 256


def rows(part, stop, key):
    """The first `stop` rows of a type's part as dicts, its SQL compiled once per `key` (None: not kept)."""
    # Inside a transaction (a test's too) filters may name records that a rollback takes back.
    if key is None or not counts_are_shareable(part.db):
        return list(part.queryset[:stop])
    if key in COMPILED:
        COMPILED.move_to_end(key)
    else:
        try:
            COMPILED[key] = part.queryset[:stop].query.sql_with_params()
        except EmptyResultSet:  # a query Django knows matches nothing has no SQL (running it returns [])
            return []
        if len(COMPILED) > COMPILED_SIZE:
            COMPILED.popitem(last=False)
    sql, params = COMPILED[key]
    alias = part.db
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def given(value):
    # An absent key filter may clean to `queryset.none()`: testing a queryset for truth would run it.
    return not value.query.is_empty() if isinstance(value, QuerySet) else bool(value)


def type_queryset(name, spec, query):
    qs = spec.model.objects.filter(**{f"{spec.main_date}__isnull": False})
    if query["date_after"]:
        qs = qs.filter(**{f"{spec.main_date}__gte": query["date_after"]})
    if query["date_before"]:
        qs = qs.filter(**{f"{spec.main_date}__lte": query["date_before"]})
    for param, paths in spec.timeline.related.items():
        if given(query[param]):
            conditions = (related_condition(spec.model, path, query[param], qs.db) for path in paths)
            qs = qs.filter(reduce(or_, conditions, Q()))
    descending = query["ordering"] == "-date"
    order = [f"-{spec.main_date}", "-slug"] if descending else [spec.main_date, "slug"]
    # Annotation names must not clash with model fields ("title"); items are renamed once merged.
    return qs.order_by(*order).values(
        "slug",
        "date_precision",
        record_type=Value(name),
        record_date=F(spec.main_date),
        record_title=Substr(spec.timeline.title, 1, TITLE_LENGTH),
    )


def requested_timeline(request, known):
    """The request's timeline, merged lazily (nothing is read until it is sliced), and its cleaned
    query; a 400 for a parameter not in `known` or the form's fields, or a malformed one."""
    reject_unknown_parameters(
        request, {*known, *TimelineQuery.base_fields}, repeatable_fields(TimelineQuery.base_fields)
    )
    form = TimelineQuery(request.query_params)
    if not form.is_valid():
        raise ValidationError(form.errors)
    query = form.cleaned_data
    chosen = query["type"] or list(TYPES)
    return MergedTimeline([TypePart(name, query) for name in chosen], descending=query["ordering"] == "-date"), query
