"""One viewset per record type: a serializer, a FilterSet, and the shared read path."""

import csv

from django.db import transaction
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from .. import filtersets
from . import serializers
from .filtering import reject_unknown_parameters
from .history import HistoryReader, older_than, parse_as_of
from .reading import ReadPlan
from .renderers import csv_row
from .serializers import HistoryEntrySerializer

SPARSE_PARAMETERS = [
    OpenApiParameter("fields", OpenApiTypes.STR, description="Comma-separated fields to return (default: all)."),
    OpenApiParameter("omit", OpenApiTypes.STR, description="Comma-separated fields to leave out."),
]
AS_OF_PARAMETER = OpenApiParameter(
    "as_of", OpenApiTypes.DATETIME, description="ISO 8601 date-time: the record as it was at that moment."
)
DETAIL_PARAMETERS = {"fields", "omit", "format", "as_of"}
CSV_CHUNK = 2000


class _Echo:
    def write(self, value):
        return value


@extend_schema_view(
    list=extend_schema(parameters=SPARSE_PARAMETERS), retrieve=extend_schema(parameters=SPARSE_PARAMETERS)
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
        try:
            obj = self.get_queryset().get(**{self.lookup_field: self.get_lookup_value()})
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
        for param in ("fields", "omit"):
            requested = [name.strip() for name in params.get(param, "").split(",") if name.strip()]
            unknown = [name for name in requested if name not in available]
            if unknown:
                errors[param] = [f"Unknown field(s): {', '.join(unknown)}. Available: {', '.join(available)}."]
            elif requested and param == "fields":
                names = [name for name in available if name in requested]
            elif requested:
                names = [name for name in names if name not in requested]
        if errors:
            raise ValidationError(errors)
        return names

    def read_one(self, **lookup):
        rows = self.plan.read(self.model.objects.filter(**lookup), self.field_names(detail=True), self.request)
        if not rows:
            raise NotFound(
                f"No {self.model._meta.verbose_name} with {self.lookup_field} “{self.kwargs.get(self.lookup_field)}”."
            )
        return rows[0]

    def list(self, request, *args, **kwargs):
        names = self.field_names(detail=False)
        queryset = self.filter_queryset(self.get_queryset()).values(*self.plan.columns(names))
        if request.accepted_renderer.format == "csv" and not {"page", "page_size"} & set(request.query_params):
            return self.stream_csv(queryset, names)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.plan.represent(page, names, request))

    def retrieve(self, request, *args, **kwargs):
        reject_unknown_parameters(request, DETAIL_PARAMETERS)
        if "as_of" in request.query_params:
            return self.retrieve_as_of(parse_as_of(request.query_params["as_of"]))
        return Response(self.read_one(**{self.lookup_field: self.get_lookup_value()}))

    @property
    def history_reader(self):
        if self.serializer_class not in self._history_readers:
            self._history_readers[self.serializer_class] = HistoryReader(self.plan)
        return self._history_readers[self.serializer_class]

    def retrieve_as_of(self, moment):
        reader = self.history_reader
        row = reader.as_of(reader.record_id(self.lookup_field, self.get_lookup_value()), moment)
        return Response(reader.represent(row, self.field_names(detail=True), self.request, moment))

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
        return self.get_paginated_response(reader.changes(page, older, request))

    def stream_csv(self, queryset, names):
        """The whole filtered list, streamed in chunks so memory stays flat at any size."""
        writer = csv.DictWriter(_Echo(), fieldnames=names)

        def rows():
            yield writer.writeheader()
            chunk = []
            for row in queryset.iterator(chunk_size=CSV_CHUNK):
                chunk.append(row)
                if len(chunk) == CSV_CHUNK:
                    yield from self.csv_lines(writer, chunk, names)
                    chunk = []
            yield from self.csv_lines(writer, chunk, names)

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.basename}.csv"'
        return response

    def csv_lines(self, writer, rows, names):
        for item in self.plan.represent(rows, names, self.request):
            yield writer.writerow(csv_row(item))

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        with transaction.atomic():
            serializer.is_valid(raise_exception=True)
            instance = serializer.save()
        data = self.read_one(pk=instance.pk)
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": data.get("url", "")})

    def update(self, request, *args, partial=False, **kwargs):
        with transaction.atomic():
            instance = self.get_object()
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            serializer.save()
        return Response(self.read_one(pk=instance.pk))

    def perform_destroy(self, instance):
        with transaction.atomic():
            instance.delete()


class CountryViewSet(RecordViewSet):
    serializer_class = serializers.CountrySerializer
    filterset_class = filtersets.CountryFilterSet
    lookup_field = "code"

    def get_lookup_value(self):
        return self.kwargs["code"].upper()


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
