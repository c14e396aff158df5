"""The review queue's Python API: propose a record, accept it (creating the real record through the
API's own validation) or reject it. The admin, `/api/v1/suggestions/`, `import_records` and the
extractors all go through these three functions.
"""

from django.db import transaction
from django.utils import timezone
from rest_framework import serializers as drf

from .. import locking, records, representation
from ..history import HISTORY_ENTRY
from ..models import Suggestion

BY_NAME = {t.name: t for t in records.TYPES}


def serializer_class(record_type):
    """The API's serializer for a RecordType name (`statement` → StatementSerializer)."""
    declared = BY_NAME[record_type]
    return representation.serializer_for(declared)


def propose(
    record_type,
    fields,
    *,
    source=None,
    excerpt="",
    excerpt_start=None,
    excerpt_end=None,
    origin,
    origin_detail="",
    confidence=None,
    created_by=None,
):
    """An unsaved suggestion: the caller saves it (or bulk_creates many) in its own transaction."""
    if record_type not in BY_NAME:
        raise ValueError(f"Unknown record type {record_type!r}. Types: {', '.join(BY_NAME)}.")
    if origin not in Suggestion.Origin.values:
        raise ValueError(f"Unknown origin {origin!r}. Origins: {', '.join(Suggestion.Origin.values)}.")
    return Suggestion(
        record_type=record_type,
        fields=dict(fields),
        source=source,
        excerpt=excerpt or "",
        excerpt_start=excerpt_start,
        excerpt_end=excerpt_end,
        origin=origin,
        origin_detail=origin_detail,
        confidence=confidence,
        created_by=created_by,
    )


def payload(suggestion, fields=None):
    """What the API's POST would be sent: the proposed fields (edited by `fields`) with the citation."""
    if not isinstance(suggestion.fields or {}, dict):  # written past the API's and the admin's checks
        raise drf.ValidationError({"fields": ["Must be an object: the proposed record's fields. Edit the suggestion."]})
    data = {**(suggestion.fields or {}), **(fields or {})}
    declared = BY_NAME.get(suggestion.record_type)
    if declared is not None and declared.cited:
        if suggestion.source_id is not None:
            data.setdefault("source", suggestion.source.slug)
        if suggestion.excerpt:
            data.setdefault("excerpt", suggestion.excerpt)
    return data


def accept(suggestion, user, *, fields=None):
    """Create the suggested record (edited by `fields`) as the API's POST would, in one transaction,
    and mark the suggestion accepted. Raises rest_framework's ValidationError (`.detail`: messages
    by field) and changes nothing when the record is invalid or the suggestion is not pending."""
    if suggestion.record_type not in BY_NAME:
        raise drf.ValidationError({"record_type": [f"Unknown record type “{suggestion.record_type}”."]})
    with transaction.atomic():
        locked = locked_pending(suggestion)
        # The reviewer reads the errors: a closest passage only from a text they may read (policy.licensing).
        serializer = serializer_class(locked.record_type)(data=payload(locked, fields), context={"user": user})
        serializer.is_valid(raise_exception=True)
        record = serializer.save()
        note_in_history(record, user, f"accepted suggestion #{locked.pk}")
        if fields:
            locked.fields = {**(locked.fields or {}), **fields}
        locked.state = Suggestion.State.ACCEPTED
        locked.reviewed_by = user
        locked.reviewed_at = timezone.now()
        locked.reason = ""
        locked.record_key = str(getattr(record, BY_NAME[locked.record_type].key))
        locked.save()
    refresh(suggestion, locked)
    return record


def reject(suggestion, user, reason):
    """Mark a pending suggestion rejected, with who, when and why."""
    if not (reason or "").strip():
        raise drf.ValidationError({"reason": ["Say why the suggestion is rejected."]})
    with transaction.atomic():
        locked = locked_pending(suggestion)
        locked.state = Suggestion.State.REJECTED
        locked.reviewed_by = user
        locked.reviewed_at = timezone.now()
        locked.reason = reason.strip()
        locked.save()
    refresh(suggestion, locked)
    return suggestion


def locked_pending(suggestion):
    """The suggestion afresh, its row locked until the transaction ends (policy.locking); a 400 unless
    it is still pending (another editor may have accepted or rejected it meanwhile)."""
    row = locking.locked(Suggestion.objects.select_related("source")).get(pk=suggestion.pk)
    if row.state != Suggestion.State.PENDING:
        raise drf.ValidationError({"state": [f"Suggestion #{row.pk} is already {row.state}."]})
    return row


def note_in_history(record, user, reason):
    """The record's creation entry names the suggestion it came from and who accepted it."""
    entry = getattr(record, HISTORY_ENTRY, None)
    if entry is None:
        return
    entry.history_change_reason = reason
    if user is not None and user.is_authenticated:
        entry.history_user = user
    entry.save(update_fields=["history_change_reason", "history_user"])


def refresh(suggestion, saved):
    for name in ("fields", "state", "reviewed_by_id", "reviewed_at", "reason", "record_key"):
        setattr(suggestion, name, getattr(saved, name))


def error_text(error):
    """A ValidationError's messages on one line: `speaker: Object with slug=x does not exist.`"""
    detail = getattr(error, "detail", error)
    return "; ".join(flatten(detail))


def flatten(detail, prefix=""):
    if isinstance(detail, dict):
        for name, value in detail.items():
            yield from flatten(value, f"{prefix}{name}." if name != "non_field_errors" else prefix)
    elif isinstance(detail, list):
        for value in detail:
            yield from flatten(value, prefix)
    else:
        yield f"{prefix.rstrip('.')}: {detail}" if prefix else str(detail)
