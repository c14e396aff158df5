"""One viewset per record type: a serializer, a FilterSet, and the shared read path."""

import csv
import hashlib
import io
import itertools
import re

from django.db import transaction
from django.http import StreamingHttpResponse
from django.utils.cache import patch_vary_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from .. import filtersets
from ..provenance import lock_cited_source
from ..records import normalise_key
from ..redaction import RedactionRefused, redact_history, redactable_fields
from . import exports, serializers
from .exceptions import PreconditionFailed
from .filtering import reject_unknown_parameters
from .history import HistoryReader, newer_than, older_than, parse_as_of
from .pagination import Rows
from .permissions import CanRedact
from .reading import Prepared, ReadPlan, ResourceUrls
from .renderers import safe_rows
from .serializers import HistoryEntrySerializer, RedactionRequestSerializer, RedactionSerializer

SPARSE_PARAMETERS = [
    OpenApiParameter("fields", OpenApiTypes.STR, description="Comma-separated fields to return (default: all)."),
    OpenApiParameter("omit", OpenApiTypes.STR, description="Comma-separated fields to leave out."),
]
AS_OF_PARAMETER = OpenApiParameter(
    "as_of", OpenApiTypes.DATETIME, description="ISO 8601 date-time: the record as it was at that moment."
)
DETAIL_PARAMETERS = {"fields", "omit", "format", "as_of"}
CSV_CHUNK = 2000
# Columns an ETag is computed from, read alongside whatever fields a detail asks for.
VERSION = ("id", "updated_at")


@extend_schema_view(
    list=extend_schema(parameters=SPARSE_PARAMETERS),
    retrieve=extend_schema(parameters=[*SPARSE_PARAMETERS, AS_OF_PARAMETER]),
)
class RecordViewSet(viewsets.ModelViewSet):
    """Lists and details are read through a `ReadPlan` compiled from the serializer;
    writes go through the serializer and answer with the same representation."""

    lookup_field = "slug"
    lookup_value_regex = "[^/]+"
    _plans = {}
    _history_readers = {}

    @property
    def model(self):
        return self.serializer_class.Meta.model

    def get_queryset(self):
        return self.model.objects.order_by(self.lookup_field)

    @property
    def plan(self):
        if self.serializer_class not in self._plans:
            self._plans[self.serializer_class] = ReadPlan(self.serializer_class)
        return self._plans[self.serializer_class]

    def get_lookup_value(self):
        return self.kwargs[self.lookup_field]

    def get_object(self):
        queryset, lookup = self.get_queryset(), {self.lookup_field: self.get_lookup_value()}
        if self.request.method not in SAFE_METHODS and transaction.get_connection(queryset.db).in_atomic_block:
            lock_cited_source(self.model, **lookup)  # first: the order a source's own write locks in
            # Locked until the write's transaction ends: the If-Match check and the write are atomic.
            # Outside a write's transaction (OPTIONS asks for the record as a PUT would, to describe
            # the form) there is nothing to hold a lock for, and PostgreSQL refuses one.
            queryset = queryset.select_for_update()
        try:
            obj = queryset.get(**lookup)
        except self.model.DoesNotExist:
            raise NotFound(
                f"No {self.model._meta.verbose_name} with {self.lookup_field} “{self.kwargs[self.lookup_field]}”."
            ) from None
        self.check_object_permissions(self.request, obj)
        return obj

    def field_names(self, detail):
        """The representation's fields, narrowed by `fields=` and `omit=`."""
        available = self.plan.detail_names if detail else self.plan.list_names
        names = available
        params = self.request.query_params
        errors = {}
        if params.get("fields") and params.get("omit"):  # `fields=slug&omit=slug` would be empty objects
            raise ValidationError({"omit": ["Use either fields or omit, not both."]})
        for param in ("fields", "omit"):
            # Exact names: `fields=,,` or `fields=slug, title` is a mistake, as the schema's enum says.
            requested = params[param].split(",") if params.get(param) else []
            unknown = [name for name in requested if name not in available]
            if unknown:
                listed = ", ".join(f"“{name}”" for name in unknown)
                errors[param] = [f"Unknown field(s): {listed}. Available: {', '.join(available)}."]
            elif requested and param == "fields":
                names = [name for name in available if name in requested]
            elif requested:
                names = [name for name in names if name not in requested]
        if errors:
            raise ValidationError(errors)
        return names

    def read_one(self, **lookup):
        """The record's representation and the row it was read from (with its version columns)."""
        names = self.field_names(detail=True)
        columns = self.plan.columns(names)
        columns += [column for column in VERSION if column not in columns]
        ((field, value),) = lookup.items()
        if field == self.lookup_field and isinstance(value, str):
            rows = Prepared.rows(self.model, field, value, columns)  # the detail's hot path
        else:
            rows = list(self.model.objects.filter(**lookup).values(*columns))
        if not rows:
            raise NotFound(
                f"No {self.model._meta.verbose_name} with {self.lookup_field} “{self.kwargs.get(self.lookup_field)}”."
            )
        return self.plan.represent(rows, names, self.request)[0], rows[0]

    def detail_response(self, status=200, headers=None, **lookup):
        data, row = self.read_one(**lookup)
        response = Response(data, status=status, headers=headers)
        return self.versioned(response, self.get_etag(row["id"], row["updated_at"]))

    # Versions: every detail carries an ETag; If-Match guards writes, If-None-Match saves reads. -------

    def get_etag(self, pk, updated_at):
        """A strong ETag naming one version of a record: its id and last write, hashed (no extra query)."""
        version = f"{self.model._meta.label}:{pk}:{updated_at.isoformat()}"
        return f'"{hashlib.sha256(version.encode()).hexdigest()[:32]}"'

    def check_preconditions(self, instance):
        """`If-Match` must name the current version, or the write is refused with 412.

        Called with the record's row locked (see `get_object`), so no other write can slip in
        between this check and ours.
        """
        header = self.request.headers.get("If-Match")
        if header is not None and not etag_matches(header, self.get_etag(instance.pk, instance.updated_at)):
            raise PreconditionFailed(
                "The record has changed since you read it (If-Match does not name its current ETag): "
                "read it again, reapply your change, and send the new ETag."
            )

    def versioned(self, response, etag):
        response["ETag"] = etag
        patch_vary_headers(response, ["Accept"])  # one version, JSON or CSV
        return response

    def not_modified(self, etag):
        """A 304 when `If-None-Match` names this version (GET only), else None."""
        header = self.request.headers.get("If-None-Match")
        if header is not None and etag_matches(header, etag, weak=True):
            return self.versioned(Response(status=status.HTTP_304_NOT_MODIFIED), etag)
        return None

    def list(self, request, *args, **kwargs):
        names = self.field_names(detail=False)
        queryset, columns = self.filter_queryset(self.get_queryset()), self.plan.columns(names)
        paged = {"page", "page_size", "cursor"} & set(request.query_params)
        if request.accepted_renderer.format == "csv" and not paged:
            return self.stream_csv(queryset.values(*columns), names)
        # Counted without joins, paged by primary key first (policy.api.pagination).
        page = self.paginate_queryset(Rows(queryset, columns))
        return self.get_paginated_response(self.plan.represent(page, names, request))

    def retrieve(self, request, *args, **kwargs):
        reject_unknown_parameters(request, DETAIL_PARAMETERS)
        if "as_of" in request.query_params:
            return self.retrieve_as_of(parse_as_of(request.query_params["as_of"]))
        lookup = {self.lookup_field: self.get_lookup_value()}
        self.field_names(detail=True)  # a malformed `fields`/`omit` is a 400 before an unchanged record is a 304
        if "If-None-Match" in request.headers:  # one cheap query may spare the whole representation
            row = self.model.objects.filter(**lookup).values(*VERSION).first()
            unchanged = row and self.not_modified(self.get_etag(row["id"], row["updated_at"]))
            if unchanged:
                return unchanged
        return self.detail_response(**lookup)

    @property
    def history_reader(self):
        if self.serializer_class not in self._history_readers:
            self._history_readers[self.serializer_class] = HistoryReader(self.plan)
        return self._history_readers[self.serializer_class]

    def retrieve_as_of(self, moment):
        reader = self.history_reader
        row = reader.as_of(reader.record_id(self.lookup_field, self.get_lookup_value()), moment)
        # A past version never changes: its history entry names it.
        etag = self.get_etag(row["id"], row["history_date"]).replace('"', '"h', 1)
        unchanged = self.not_modified(etag)
        data = reader.represent(row, self.field_names(detail=True), self.request, moment)
        return unchanged or self.versioned(Response(data), etag)

    @extend_schema(
        responses=HistoryEntrySerializer(many=True),
        description="The record's changes, newest first: who, when, what kind, and each field's old and new value.",
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, *args, **kwargs):
        reject_unknown_parameters(request, {"page", "page_size", "format"})
        reader = self.history_reader
        entries = reader.entries(reader.record_id(self.lookup_field, self.get_lookup_value()))
        page = self.paginate_queryset(entries.values())
        older = older_than(entries, page[-1]) if page else None
        newer = newer_than(entries, page[0]) if page and reader.links else None  # where its links end
        return self.get_paginated_response(reader.changes(page, older, request, newer))

    @extend_schema(
        parameters=[OpenApiParameter("history_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        request=RedactionRequestSerializer,
        responses=RedactionSerializer,
        description="Administrators only (`policy.add_redaction`): remove the named free-text fields' values "
        "in this history entry from every entry of the record that held them, recording who, when and why. "
        "Refused (400) while the record still holds the value.",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"history/(?P<history_id>[^/]+)/redact",  # any id routes here, so a bad one is the API's 404
        permission_classes=[CanRedact],
        filter_backends=[],
    )
    def redact(self, request, *args, history_id, **kwargs):
        reject_unknown_parameters(request, {"format"})
        reader = self.history_reader
        entries = reader.entries(reader.record_id(self.lookup_field, self.get_lookup_value()))
        entry = entries.filter(history_id=history_id).first() if re.fullmatch("[0-9]{1,18}", history_id) else None
        if entry is None:
            raise NotFound(f"This {self.model._meta.verbose_name} has no history entry {history_id}.")
        body = RedactionRequestSerializer(data=request.data, context={"redactable": redactable_fields(self.model)})
        body.is_valid(raise_exception=True)
        fields, reason = body.validated_data["fields"], body.validated_data["reason"]
        try:
            redaction = redact_history(self.model, entry, fields, reason=reason, user=request.user)
        except RedactionRefused as refused:
            raise ValidationError({refused.field: [refused.message]}) from None
        return Response(RedactionSerializer(redaction).data)

    def csv_header(self):
        """The columns of a CSV page, for one that has no rows."""
        return self.field_names(detail=False) if self.action == "list" else list(HistoryEntrySerializer().fields)

    def stream_csv(self, queryset, names):
        """The whole filtered list, streamed a chunk of rows at a time so memory stays flat at any size."""

        def rows():
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(names)
            rows = queryset.iterator(chunk_size=CSV_CHUNK)
            while chunk := list(itertools.islice(rows, CSV_CHUNK)):
                # Cells straight from the rows (ReadPlan.cells): no representation built to be flattened.
                writer.writerows(safe_rows(self.plan.cells(chunk, names, self.request)))
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
            yield buffer.getvalue()

        # A slot (or 429) and a write timeout, so stalled exports cannot hold every worker (exports.py).
        response = StreamingHttpResponse(exports.bounded(self.request, rows()), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.basename}.csv"'
        return response

    # Writes: each in one transaction, so a request that fails half-way leaves nothing behind. -------

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        with transaction.atomic():
            serializer.is_valid(raise_exception=True)
            self.perform_create(serializer)
        instance = serializer.instance
        location = ResourceUrls(request).detail(self.model, getattr(instance, self.lookup_field))
        return self.detail_response(status=status.HTTP_201_CREATED, headers={"Location": location}, pk=instance.pk)

    def update(self, request, *args, partial=False, **kwargs):
        with transaction.atomic():
            instance = self.get_object()
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)  # a malformed body is a 400 before a stale one is a 412
            self.check_preconditions(instance)
            self.perform_update(serializer)
        return self.detail_response(pk=instance.pk)

    def perform_update(self, serializer):
        # A write that changes nothing writes nothing: `updated_at`, the ETag and the history stay.
        if not serializer.changes_anything():
            return
        serializer.save()

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            instance = self.get_object()
            self.check_preconditions(instance)
            self.perform_destroy(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)


def etag_matches(header, etag, weak=False):
    """Whether an If-Match (strong comparison) or If-None-Match (`weak=True`) header names `etag`."""
    tags = [tag.strip() for tag in header.split(",")]
    if "*" in tags:
        return True
    if weak:
        tags = [tag.removeprefix("W/") for tag in tags]
    return etag in tags


class CountryViewSet(RecordViewSet):
    serializer_class = serializers.CountrySerializer
    filterset_class = filtersets.CountryFilterSet
    lookup_field = "code"

    def get_lookup_value(self):
        return normalise_key(self.model, self.kwargs[self.lookup_field])


class TopicViewSet(RecordViewSet):
    serializer_class = serializers.TopicSerializer
    filterset_class = filtersets.TopicFilterSet


class ActorViewSet(RecordViewSet):
    serializer_class = serializers.ActorSerializer
    filterset_class = filtersets.ActorFilterSet


class SourceViewSet(RecordViewSet):
    serializer_class = serializers.SourceSerializer
    filterset_class = filtersets.SourceFilterSet


class EventViewSet(RecordViewSet):
    serializer_class = serializers.EventSerializer
    filterset_class = filtersets.EventFilterSet


class PolicyViewSet(RecordViewSet):
    serializer_class = serializers.PolicySerializer
    filterset_class = filtersets.PolicyFilterSet


class AidPackageViewSet(RecordViewSet):
    serializer_class = serializers.AidPackageSerializer
    filterset_class = filtersets.AidPackageFilterSet


class StatementViewSet(RecordViewSet):
    serializer_class = serializers.StatementSerializer
    filterset_class = filtersets.StatementFilterSet


class StatisticViewSet(RecordViewSet):
    serializer_class = serializers.StatisticSerializer
    filterset_class = filtersets.StatisticFilterSet
