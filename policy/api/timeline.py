"""`/api/v1/timeline/`: every dated record of every type, in one chronological list.

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
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from .. import records
from ..cache import cached_count, counts_are_shareable, data_version
from ..filters import ISO_DATE, KeyMultipleChoiceField, related_condition
from ..models import Actor, Country, Topic
from ..reading.plan import ResourceUrls
from .filtering import form_parameters, reject_unknown_parameters, repeatable_fields

TITLE_LENGTH = 200


# The dated record types, each with its main date, title and relations (policy.records).
TYPES = records.ON_TIMELINE


class TimelineQuery(forms.Form):
    """The timeline's parameters, declared once: the view validates with it and the schema lists it."""

    date_after = forms.DateField(
        required=False, input_formats=ISO_DATE, help_text="On or after this date (YYYY-MM-DD)."
    )
    date_before = forms.DateField(
        required=False, input_formats=ISO_DATE, help_text="On or before this date (YYYY-MM-DD)."
    )
    type = forms.MultipleChoiceField(
        choices=[(name, name) for name in TYPES], required=False, help_text="Repeat for OR."
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
        help_text="Chronological (default) or reverse.",
    )


TIMELINE_QUERY = {"page", "page_size", "format", *TimelineQuery.base_fields}


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


TIMELINE_PARAMETERS = form_parameters(TimelineQuery)

TIMELINE_ITEM = inline_serializer(
    "TimelineItem",
    {
        "type": serializers.ChoiceField(choices=list(TYPES)),
        "slug": serializers.CharField(),
        "title": serializers.CharField(),
        "date": serializers.DateField(),
        "date_precision": serializers.CharField(),
        "url": serializers.URLField(),
    },
    many=True,
)


# Not a GenericAPIView: it has no queryset, and the browsable API asks a GenericAPIView for one (to
# draw a filter form), which was a 500 for every browser.
class TimelineView(APIView):
    """Every dated event, policy, aid package, statement and statistic, in date order."""

    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS
    permission_classes = [permissions.AllowAny]  # read-only: GET is its only method
    http_method_names = ["get", "head", "options"]

    @cached_property
    def paginator(self):
        return self.pagination_class()

    def csv_header(self):
        return list(TIMELINE_ITEM.child.fields)

    @extend_schema(parameters=TIMELINE_PARAMETERS, responses=TIMELINE_ITEM)
    def get(self, request):
        reject_unknown_parameters(request, TIMELINE_QUERY, repeatable_fields(TimelineQuery.base_fields))
        form = TimelineQuery(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors)
        query = form.cleaned_data
        chosen = query["type"] or list(TYPES)
        timeline = MergedTimeline([TypePart(name, query) for name in chosen], descending=query["ordering"] == "-date")
        page = self.paginator.paginate_queryset(timeline, request, view=self)
        urls = ResourceUrls(request)
        items = [
            {
                "type": row["record_type"],
                "slug": row["slug"],
                "title": row["record_title"],
                "date": row["record_date"],
                "date_precision": row["date_precision"],
                "url": urls.detail(TYPES[row["record_type"]].model, row["slug"]),
            }
            for row in page
        ]
        return self.paginator.get_paginated_response(items)
