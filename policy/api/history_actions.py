"""A record's past, as a viewset's actions: `as_of=` on a detail, its change history, and redaction."""

import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from ..querying.parameters import reject_unknown_parameters
from ..reading.as_of import represent_as_of
from ..reading.history import newer_than, older_than
from ..reading.history_reader import history_reader
from ..redaction import RedactionRefused, redact_history, redactable_fields
from ..representation import HistoryEntrySerializer, RedactionRequestSerializer, RedactionSerializer
from .permissions import CanRedact


class HistoryActions:
    @property
    def history_reader(self):
        return history_reader(self.serializer_class)

    def record_id(self):
        return self.history_reader.record_id(self.lookup_field, self.get_lookup_value())

    def retrieve_as_of(self, moment):
        row = self.history_reader.as_of(self.record_id(), moment)
        # A past version never changes: its history entry names it.
        etag = self.get_etag(row["id"], row["history_date"]).replace('"', '"h', 1)
        unchanged = self.not_modified(etag)
        data = represent_as_of(self.history_reader, row, self.field_names(detail=True), self.request, moment)
        return unchanged or self.versioned(Response(data), etag)

    @extend_schema(
        responses=HistoryEntrySerializer(many=True),
        description="The record's changes, newest first: who, when, what kind, and each field's old and new value.",
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, *args, **kwargs):
        reject_unknown_parameters(request, {"page", "page_size", "format"})
        reader = self.history_reader
        entries = reader.entries(self.record_id())
        page = self.paginate_queryset(entries.values())
        older = older_than(entries, page[-1]) if page else None
        newer = newer_than(entries, page[0]) if page and reader.links else None  # where its links end
        return self.get_paginated_response(reader.changes(page, older, request, newer))

    @extend_schema(
        parameters=[OpenApiParameter("history_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        request=RedactionRequestSerializer,
        responses=RedactionSerializer,
        summary="Redact fields of one past version",
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
        entries = self.history_reader.entries(self.record_id())
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
