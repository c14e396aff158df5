"""Change history: one entry per write, whoever makes it and however.

django-simple-history records a save, and then one more entry for every
many-to-many change, and skips `loaddata`'s raw saves. A record's history should
read as its writes: one entry for "created with these topics", one for "changed
status and countries". So a save remembers its history entry on the instance, and
many-to-many changes made on that same instance right after (as the serializers,
the admin's forms and `loaddata` all do) amend that entry instead of adding one.
"""

from django.conf import settings
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record

from .adapters.simple_history import resnapshot_m2m

HISTORY_ENTRY = "_history_entry"


class RecordHistory(HistoricalRecords):
    def post_save(self, instance, created, using=None, **kwargs):
        if hasattr(instance, "skip_history_when_saving") or not history_enabled():
            return
        # Fixtures are data too: record raw saves (loaddata) like any other.
        self.create_historical_record(instance, "+" if created else "~", using=using)

    def get_change_reason_for_object(self, instance, history_type, using):
        # No reason is an empty one, as the API's writes record it (policy.batch): NULL read “None” in the
        # admin's history, under “Change reason”.
        return super().get_change_reason_for_object(instance, history_type, using) or ""

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if reverse or hasattr(instance, "skip_history_when_saving") or not history_enabled():
            return
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        entry = getattr(instance, HISTORY_ENTRY, None)
        if entry is None:
            self.create_historical_record(instance, "~")
            return
        # Re-snapshot the entry's many-to-many rows from the current state.
        resnapshot_m2m(self, entry, instance)


@receiver(post_create_historical_record)
def remember_entry(sender, instance, history_instance, **kwargs):
    if history_instance.history_type != "-":
        setattr(instance, HISTORY_ENTRY, history_instance)


def history_enabled():
    """Off only while a backup is restored (`manage.py restore`): the backup carries the history itself."""
    return getattr(settings, "SIMPLE_HISTORY_ENABLED", True)


def history(**kwargs):
    """Change history for a record type (who, when, what), many-to-many fields included."""
    return RecordHistory(inherit=False, **kwargs)
