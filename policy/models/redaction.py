"""A redaction: an administrator's removal of a value from a record's change history, itself recorded."""

from django.conf import settings
from django.db import models


class Redaction(models.Model):
    """Who removed which values from which history entries, when and why. Not itself kept in history:
    the values it removed must be nowhere."""

    record_type = models.CharField(max_length=100, help_text="The record's model, e.g. policy.statement.")
    record_id = models.BigIntegerField()
    history_id = models.BigIntegerField(help_text="The history entry the administrator named.")
    fields = models.JSONField(help_text="The fields whose value was removed.")
    entries = models.JSONField(help_text="Every history entry that held one of those values, and lost it.")
    reason = models.TextField()
    redacted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    redacted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-redacted_at", "-id"]
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def __str__(self):
        return f"{self.record_type} #{self.record_id}: {', '.join(self.fields)}"
