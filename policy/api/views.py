"""One viewset per record type: a serializer, a FilterSet, and the shared behaviour of a record's
resource, composed along DRF's seams:

- reads (sparse fields, lists, details, whole lists streamed as CSV): policy.api.reads, over the
  read plan of policy.reading.plan;
- versions (ETags, `If-Match`, `If-None-Match`): policy.api.conditional;
- the record's past (`as_of=`, history, redaction): policy.api.history_actions;
- writes, each one transaction with the record's row locked: policy.api.writes; lists of them
  (POST or PATCH a JSON list to a list endpoint): policy.api.bulk.
"""

from django.utils.cache import patch_vary_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from .. import facets, filtersets
from .. import representation as serializers
from ..licensing import may_read_every_text
from ..records import normalise_key
from .bulk import BulkWrites
from .conditional import Versions
from .history_actions import HistoryActions
from .reads import Reads
from .suggest_action import SuggestAction
from .writes import LockedWrites

SPARSE_PARAMETERS = [
    OpenApiParameter("fields", OpenApiTypes.STR, description="Comma-separated fields to return (default: all)."),
    OpenApiParameter("omit", OpenApiTypes.STR, description="Comma-separated fields to leave out."),
]
AS_OF_PARAMETER = OpenApiParameter(
    "as_of", OpenApiTypes.DATETIME, description="ISO 8601 date-time: the record as it was at that moment."
)


@extend_schema_view(
    list=extend_schema(parameters=SPARSE_PARAMETERS),
    retrieve=extend_schema(parameters=[*SPARSE_PARAMETERS, AS_OF_PARAMETER]),
)
class RecordViewSet(Reads, Versions, HistoryActions, BulkWrites, LockedWrites, viewsets.ModelViewSet):
    """Lists and details are read through a `ReadPlan` compiled from the serializer;
    writes go through the serializer and answer with the same representation; a list of
    them is written all or nothing (policy.api.bulk)."""

    lookup_field = "slug"
    lookup_value_regex = "[^/]+"

    @property
    def model(self):
        return self.serializer_class.Meta.model

    @property
    def extra_query_parameters(self):
        return [facets.PARAMETER] if self.facet_names else []

    def get_queryset(self):
        return self.model.objects.order_by(self.lookup_field)


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


class SourceViewSet(SuggestAction, RecordViewSet):
    serializer_class = serializers.SourceSerializer
    filterset_class = filtersets.SourceFilterSet

    # Editors and the public may read different texts (policy.licensing): a version, two representations.
    def get_etag(self, pk, updated_at):
        etag = super().get_etag(pk, updated_at)
        return etag if may_read_every_text(self.request.user) else etag.replace('"', '"p', 1)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ["Authorization", "Cookie"])
        return response


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
