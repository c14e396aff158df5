"""`/api/v1/changes/`: the change feed — every create, change and delete of every record type, oldest
first, by cursor (policy.reading.changes has the order and the guarantee)."""

from django import forms
from django.db import router
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from ..querying.parameters import reject_unknown_parameters
from ..reading.changes import CHANGE_KINDS, ChangeFeed, InvalidCursor, decode, encode, history_model
from ..reading.plan import ResourceUrls
from ..records import TYPES


class ChangesQuery(forms.Form):
    cursor = forms.CharField(required=False, max_length=200, strip=False)
    page_size = forms.IntegerField(required=False, min_value=1)


PAGE_SIZE, MAX_PAGE_SIZE = 50, 1000
CHANGES_QUERY = {"cursor", "page_size", "format"}

CHANGE_ENTRY = inline_serializer(
    "ChangeEntry",
    {
        "type": serializers.ChoiceField(choices=sorted(t.name for t in TYPES)),
        "key": serializers.CharField(help_text="The record's key at this change (for a delete, the key that went)."),
        "old_key": serializers.CharField(
            allow_null=True, help_text="The key before this change, when this change gave the record a new one."
        ),
        "change": serializers.ChoiceField(choices=list(CHANGE_KINDS.values())),
        "timestamp": serializers.DateTimeField(),
        "url": serializers.URLField(help_text="The record's API address under `key` (after a delete: a 404)."),
        "cursor": serializers.CharField(help_text="Where the feed goes on after this entry."),
    },
)
CHANGES_PAGE = inline_serializer(
    "ChangesPage",
    {
        "cursor": serializers.CharField(help_text="Store it; ask again with it for what changed since."),
        "next": serializers.URLField(allow_null=True, help_text="The next page; null when the feed is caught up."),
        "results": serializers.ListField(child=CHANGE_ENTRY),
    },
)
PARAMETERS = [
    OpenApiParameter(
        "cursor",
        OpenApiTypes.STR,
        description="Where to start: empty (or absent) for the beginning, else a `cursor` the feed gave.",
    ),
    OpenApiParameter(
        "page_size", OpenApiTypes.INT, description=f"Entries a page (default {PAGE_SIZE}, at most {MAX_PAGE_SIZE})."
    ),
]


class ChangesView(APIView):
    """Every create, change and delete of every record, oldest first (keyset pages by `cursor`)."""

    permission_classes = [permissions.AllowAny]  # read-only: GET is its only method
    http_method_names = ["get", "head", "options"]

    def csv_header(self):
        return list(CHANGE_ENTRY.fields)

    @extend_schema(parameters=PARAMETERS, responses=CHANGES_PAGE)
    def get(self, request):
        reject_unknown_parameters(request, CHANGES_QUERY)
        form = ChangesQuery(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors)
        token = form.cleaned_data["cursor"] or ""
        try:
            position = decode(token)
        except InvalidCursor:
            raise ValidationError({"cursor": ["Invalid cursor: use a `cursor` or `next` the feed gave."]}) from None
        size = min(form.cleaned_data["page_size"] or PAGE_SIZE, MAX_PAGE_SIZE)
        feed = ChangeFeed(router.db_for_read(history_model(TYPES[0].model)))
        entries, more = feed.page(position, size)
        urls = ResourceUrls(request)
        results = [
            {
                "type": entry["type"],
                "key": entry["key"],
                "old_key": entry["old_key"],
                "change": entry["change"],
                "timestamp": entry["timestamp"],
                "url": urls.detail(entry["record_type"].model, entry["key"]),
                "cursor": encode(entry["position"]),
            }
            for entry in entries
        ]
        last = results[-1]["cursor"] if results else token
        url = remove_query_param(request.build_absolute_uri(), "cursor")
        return Response(
            {"cursor": last, "next": replace_query_param(url, "cursor", last) if more else None, "results": results}
        )
