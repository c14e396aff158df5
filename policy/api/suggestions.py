"""`/api/v1/suggestions/`: the review queue, for editors only (policy.curation.queue).

Reading needs `policy.view_suggestion`; editing, accepting and rejecting `policy.change_suggestion`,
and accepting also the permission to add the proposed record's type. Anonymous requests are a 401.
Suggestions are not published records: this endpoint is not in the API root, the public lists,
the timeline, search or the CSV exports.
"""

import django_filters
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response

from .. import records
from ..curation import queue
from ..filters import invalid_choice
from ..models import Source, Suggestion
from ..querying.parameters import reject_unknown_parameters, strictly_filtered
from ..reading.plan import ResourceUrls
from ..representation import fields
from ..representation.base import KnownKeysOnly
from ..representation.fields import CompactRelatedField
from .paginator import PageNumberPagination
from .renderers import JSONRenderer

RECORD_TYPES = [t.name for t in records.TYPES]
CITATION = {"source", "excerpt", "excerpt_start", "excerpt_end"}


class EditorsOnly(permissions.BasePermission):
    """Signed-in editors: `view_suggestion` to read, `change_suggestion` to edit, accept or reject."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        needed = "view" if request.method in permissions.SAFE_METHODS else "change"
        return request.user.has_perm(f"policy.{needed}_suggestion")


class SuggestionSerializer(KnownKeysOnly, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="suggestion-detail")
    source = CompactRelatedField(queryset=Source.objects.all(), allow_null=True, required=False)
    excerpt = fields.CharField(required=False, allow_blank=True)
    fields = serializers.JSONField(
        required=False, help_text="The proposed record as `POST /api/v1/<resource>/` takes it, without its citation."
    )
    reviewed_by = serializers.CharField(source="reviewed_by.username", read_only=True, allow_null=True, default=None)
    created_by = serializers.CharField(source="created_by.username", read_only=True, allow_null=True, default=None)
    record_url = serializers.SerializerMethodField(help_text="The created record's API URL, once accepted.")

    class Meta:
        model = Suggestion
        fields = [
            "url",
            "id",
            "record_type",
            "fields",
            "source",
            "excerpt",
            "excerpt_start",
            "excerpt_end",
            "origin",
            "origin_detail",
            "confidence",
            "state",
            "reviewed_by",
            "reviewed_at",
            "reason",
            "record_key",
            "record_url",
            "created_by",
            "created_at",
        ]
        read_only_fields = [
            "record_type",
            "origin",
            "origin_detail",
            "confidence",
            "state",
            "reviewed_at",
            "reason",
            "record_key",
            "created_at",
        ]

    def get_record_url(self, suggestion) -> str | None:
        if not suggestion.record_key or suggestion.record_type not in queue.BY_NAME:
            return None
        model = queue.BY_NAME[suggestion.record_type].model
        return ResourceUrls(self.context["request"]).detail(model, suggestion.record_key)

    def validate_fields(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError("Must be an object: the proposed record's fields.")
        writable = self.writable_fields_of(self.instance.record_type)
        unknown = sorted(set(value) - writable)
        if unknown:
            kind = self.instance.record_type
            message = f"Not a field of a {kind}: {', '.join(unknown)}. Fields: {', '.join(sorted(writable))}."
            raise serializers.ValidationError(message)
        return value

    @staticmethod
    def writable_fields_of(record_type):
        record_serializer = queue.serializer_class(record_type)()
        return {name for name, field in record_serializer.fields.items() if not field.read_only} - CITATION

    def validate(self, attrs):
        if self.instance is not None and self.instance.state != Suggestion.State.PENDING:
            raise serializers.ValidationError({"state": [f"A {self.instance.state} suggestion cannot be edited."]})
        if self.partial and "fields" in attrs:
            attrs["fields"] = merged(self.instance.fields, attrs["fields"])
        return attrs


def merged(proposed, edits):
    """A PATCH's `fields` as a JSON merge patch (RFC 7386) of the proposed ones: the keys it names change,
    a null removes its key, the others stay (the queue has no PUT)."""
    kept = {**(proposed if isinstance(proposed, dict) else {}), **edits}
    return {key: value for key, value in kept.items() if value is not None}


class AcceptSerializer(KnownKeysOnly, serializers.Serializer):
    fields = serializers.JSONField(required=False, help_text="Edits to the proposed fields, merged before creating.")

    def validate_fields(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError("Must be an object: the fields to change.")
        return value


class RejectSerializer(KnownKeysOnly, serializers.Serializer):
    reason = fields.CharField(max_length=2000, help_text="Why the suggestion is rejected.")


class SuggestionFilterSet(django_filters.FilterSet):
    source = django_filters.CharFilter(field_name="source__slug", help_text="The cited source's slug.")
    state = django_filters.ChoiceFilter(
        choices=Suggestion.State.choices, error_messages=invalid_choice(Suggestion.State.values)
    )
    record_type = django_filters.ChoiceFilter(
        choices=[(name, name) for name in RECORD_TYPES], error_messages=invalid_choice(RECORD_TYPES)
    )
    origin = django_filters.ChoiceFilter(
        choices=Suggestion.Origin.choices, error_messages=invalid_choice(Suggestion.Origin.values)
    )

    class Meta:
        model = Suggestion
        fields = ["source", "state", "record_type", "origin"]


class SuggestionFilterBackend(django_filters.rest_framework.DjangoFilterBackend):
    """Strict like every list (policy.querying.parameters): an unknown or repeated parameter is a 400;
    the queue pages by number only and has no sparse fields."""

    def filter_queryset(self, request, queryset, view):
        return strictly_filtered(request, queryset, SuggestionFilterSet, known={"page", "page_size", "format"})


class SuggestionPagination(PageNumberPagination):
    def get_schema_operation_parameters(self, view):
        return super(PageNumberPagination, self).get_schema_operation_parameters(view)  # no `cursor`


@extend_schema_view(
    accept=extend_schema(request=AcceptSerializer, responses={200: SuggestionSerializer}),
    reject=extend_schema(request=RejectSerializer, responses={200: SuggestionSerializer}),
)
class SuggestionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """The review queue: proposed records, their citation and where they came from. Editors only."""

    queryset = Suggestion.objects.select_related("source", "reviewed_by", "created_by").order_by("id")
    serializer_class = SuggestionSerializer
    permission_classes = [EditorsOnly]
    filter_backends = [SuggestionFilterBackend]
    filterset_class = SuggestionFilterSet
    pagination_class = SuggestionPagination
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]  # no CSV export: nothing of the queue is exported
    http_method_names = ["get", "patch", "post", "head", "options"]
    editors_only = True  # policy.api.schema documents 401/403 on reads too
    lookup_value_regex = "[0-9]+"

    def get_object(self):
        try:
            return super().get_object()
        except Http404:  # DRF's "No Suggestion matches the given query.", unlike every other resource's 404
            raise NotFound(f"No suggestion with id “{self.kwargs[self.lookup_field]}”.") from None

    def filter_queryset(self, queryset):
        if self.action != "list":  # a detail or an action: strict parameters too
            reject_unknown_parameters(self.request, {"format"})
            return queryset
        return super().filter_queryset(queryset)

    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Create the proposed record (with `fields` edits) as its resource's POST would; 400 with the
        record's field errors, nothing changed, when it is invalid."""
        suggestion = self.get_object()
        body = AcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        declared = queue.BY_NAME.get(suggestion.record_type)
        if declared is not None and not request.user.has_perm(f"policy.add_{declared.model_name}"):
            raise PermissionDenied(f"Accepting creates a {declared.name}: you may not add {declared.resource}.")
        queue.accept(suggestion, request.user, fields=body.validated_data.get("fields"))
        return Response(self.get_serializer(suggestion).data)

    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject the suggestion, saying why."""
        suggestion = self.get_object()
        body = RejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        queue.reject(suggestion, request.user, body.validated_data["reason"])
        return Response(self.get_serializer(suggestion).data)
