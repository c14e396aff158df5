"""A record's history as the API documents it (its entries are built by
policy.reading.history_reader), and redaction's request and answer (policy.redaction)."""

from rest_framework import serializers

from . import fields


class FieldChangeSerializer(serializers.Serializer):
    """Documents a history entry's field change (built by policy.reading.history_reader)."""

    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class HistoryEntrySerializer(serializers.Serializer):
    history_id = serializers.IntegerField()
    timestamp = serializers.DateTimeField()
    user = serializers.CharField(
        allow_null=True,
        help_text="Who made the change: their username for signed-in readers; for anonymous readers their "
        "display name (first and last name) or null.",
    )
    change = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    changes = FieldChangeSerializer(many=True)


class RedactionRequestSerializer(serializers.Serializer):
    """What to remove from a history entry (policy.redaction): free-text fields of the record."""

    reason = fields.CharField(max_length=2000, help_text="Why: kept with the redaction.")
    fields = serializers.ListField(child=fields.CharField(), allow_empty=False, max_length=50)  # then the name

    def validate_fields(self, names):
        allowed = self.context["redactable"]
        unknown = sorted(set(names) - set(allowed))
        if unknown:
            raise serializers.ValidationError(
                f"Cannot redact {', '.join(unknown)}. Redactable fields: {', '.join(allowed)}."
            )
        return sorted(set(names))


class RedactionSerializer(serializers.Serializer):
    history_id = serializers.IntegerField()
    fields = serializers.ListField(child=serializers.CharField())
    entries = serializers.ListField(
        child=serializers.IntegerField(), help_text="Every history entry that held one of the values and lost it."
    )
    reason = serializers.CharField()
    redacted_by = serializers.CharField(source="redacted_by.username", allow_null=True, default=None)
    redacted_at = serializers.DateTimeField()
