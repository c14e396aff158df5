"""Redacting history: an administrator removes a value from every history entry of a record that held it.

Deleted or corrected content would otherwise stay public in `/history/`, `?as_of=`, the history CSV
and the record's page for good. History rows are snapshots, so a value set once stands in every
entry up to the one that changed it: the value is replaced by REDACTED in all of them, the entries
before and after keep their own values, and a Redaction records who did it, when, why and where.
Only text a person wrote can be redacted (not keys, choices or codes), and only once the record no
longer holds it: correct or delete the record first.
"""

from django.db import models, transaction

from .models import Redaction

REDACTED = "[redacted]"


def redactable_fields(model):
    """Names of the record's free-text fields: text, not a key, a choice or a short code."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField))
        and not field.unique
        and not field.choices
        and (field.max_length is None or field.max_length >= len(REDACTED))
    ]


class RedactionRefused(ValueError):
    """A reader-facing reason, keyed by the request's field it concerns."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field, self.message = field, message


@transaction.atomic
def redact_history(model, entry, fields, *, reason, user):
    """Remove `fields`' values in history `entry` (a historical row of `model`) from every entry of that
    record holding the same value; return the Redaction."""
    history = model.history.model
    live = model.objects.filter(pk=entry.id).values(*fields).first()
    for name in fields:
        if live is not None and live[name] == getattr(entry, name):
            raise RedactionRefused("fields", f"The record still holds this {name}: change the record first.")
    touched = set()
    for name in fields:
        value = getattr(entry, name)
        if value in (None, "", REDACTED):
            continue
        holding = history.objects.filter(id=entry.id, **{name: value})
        touched.update(holding.values_list("history_id", flat=True))
        holding.update(**{name: REDACTED})
    if not touched:
        raise RedactionRefused("fields", "No entry of this record holds these values any more: nothing to redact.")
    return Redaction.objects.create(
        record_type=model._meta.label_lower,
        record_id=entry.id,
        history_id=entry.history_id,
        fields=list(fields),
        entries=sorted(touched),
        reason=reason,
        redacted_by=user if user.is_authenticated else None,
    )
