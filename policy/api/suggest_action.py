"""`POST /api/v1/sources/<slug>/suggest/`: the machine's suggestions for a source's text, added to the
review queue (policy.suggest). Editors only: the `policy.add_suggestion` permission."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from ..querying.parameters import reject_unknown_parameters
from ..representation.base import KnownKeysOnly
from ..suggest.source import SuggestRefused, suggest_for_source


class CanSuggest(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_perm("policy.add_suggestion"))


class SuggestRequestSerializer(KnownKeysOnly, serializers.Serializer):
    replace = serializers.BooleanField(
        default=False, help_text="Replace the source's pending suggestions from the extractor (atomically)."
    )


class SuggestRunSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="The source's slug.")
    created = serializers.IntegerField(help_text="Suggestions added to the review queue.")
    replaced = serializers.IntegerField(help_text="Pending suggestions from the extractor they replace.")
    by_type = serializers.DictField(child=serializers.IntegerField(), help_text="Suggestions per record type.")


class SuggestAction:
    @extend_schema(
        request=SuggestRequestSerializer,
        responses={201: SuggestRunSerializer},
        summary="Suggest records from the source's text",
        description="Editors only (`policy.add_suggestion`): read the source's text and add the records it "
        "suggests (quotes, figures, money, dates and events, new actors), each with its excerpt, offsets, "
        "confidence and rule, to the review queue — all or none. A source with no text, a text over the "
        "limit, or pending suggestions from the extractor without `replace` is a 400.",
    )
    @action(detail=True, methods=["post"], permission_classes=[CanSuggest], filter_backends=[])
    def suggest(self, request, *args, **kwargs):
        reject_unknown_parameters(request, {"format"})
        source = self.get_object()
        body = SuggestRequestSerializer(data=request.data if request.data is not None else {})
        body.is_valid(raise_exception=True)
        try:
            run = suggest_for_source(source, replace=body.validated_data["replace"], user=request.user)
        except SuggestRefused as refused:
            raise ValidationError({refused.field: [str(refused)]}) from None
        data = {"source": source.slug, "created": run.created, "replaced": run.replaced, "by_type": run.by_type}
        return Response(SuggestRunSerializer(data).data, status=status.HTTP_201_CREATED)
