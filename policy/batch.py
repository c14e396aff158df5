"""Writing many records in one transaction (an import, a bulk POST): the same checks as one write,
each answered once per batch instead of once per record.

Inside `many_writes()`:
- a cited source is read and locked once (policy.provenance.locked_source): the lock holds until
  the batch's transaction ends, so its text cannot change under the batch;
- a check constraint (`date_precision in (day, month, year)`) is asked of the database once per
  distinct value of the fields it reads, not once per record;
- a related record named by its key is fetched once per batch (policy.representation.fields), and
  not again to prove it exists (the model's foreign-key validation);
- proposed slugs remember the ones the batch already gave out, and `reserve_slugs` asks the
  database about a whole file's proposals at once (policy.slugs).

`create_all` then writes validated records with `bulk_create`: the records, their many-to-many
links and one history entry per record (with its many-to-many snapshot, as a single write's is).
"""

import contextlib
import contextvars
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.constraints import CheckConstraint
from django.utils import timezone

BATCH_SIZE = 1000
_current = contextvars.ContextVar("many_writes", default=None)


@dataclass
class Batch:
    sources: dict = field(default_factory=dict)  # source id → (slug, text), read under lock
    checks: dict = field(default_factory=dict)  # (model, constraint, values) → error message or None
    slugs_given: dict = field(default_factory=dict)  # model → slugs proposed in this batch
    slugs_free: dict = field(default_factory=dict)  # model → slugs the database was asked about and lacks
    related: dict = field(default_factory=dict)  # (model, key field, key) → the related record
    families: dict = field(default_factory=dict)  # (model, base) → the database's base and base-N slugs


@contextlib.contextmanager
def many_writes():
    """A batch scope (see the module docstring); nested scopes share the outer one."""
    if _current.get() is not None:
        yield _current.get()
        return
    token = _current.set(Batch())
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def current():
    """The batch being written, or None outside `many_writes()`."""
    return _current.get()


def full_clean(instance, exclude, fetched=()):
    """`instance.full_clean` as a record's write runs it; in a batch, without re-fetching `fetched`
    (foreign keys the serializer resolved) and with each check constraint's answer remembered."""
    batch = current()
    if batch is None:
        instance.full_clean(exclude=exclude, validate_unique=False)
        return
    errors = {}
    try:
        instance.full_clean(exclude=set(exclude) | set(fetched), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        check_constraints(batch, instance, exclude)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def check_constraints(batch, instance, exclude):
    model = type(instance)
    for constraint in model._meta.constraints:
        if not isinstance(constraint, CheckConstraint):
            constraint.validate(model, instance, exclude=exclude)
            continue
        names = sorted(constraint.condition.referenced_base_fields)
        if set(names) & set(exclude):
            continue
        key = (model, constraint.name, tuple(getattr(instance, name, None) for name in names))
        if key not in batch.checks:
            try:
                constraint.validate(model, instance, exclude=exclude)
                batch.checks[key] = None
            except ValidationError as error:
                batch.checks[key] = error
        if batch.checks[key] is not None:
            raise batch.checks[key]


def creates_plainly(serializer):
    """Whether the serializer's create is ModelSerializer's own (fields and many-to-many links, nothing
    nested), so `create_all` may write its records in bulk."""
    from rest_framework.serializers import ModelSerializer

    return type(serializer).create is ModelSerializer.create


def create_all(model, rows, *, user=None, reason=None):
    """Create a record of `model` per validated-data dict of `rows`, in bulk; the saved records.
    Each gets its excerpt's offsets, its many-to-many links and one history entry ("+"), whose
    snapshot of the links is the one a single write would leave."""
    from .cache import on_write
    from .models.base import Citation
    from .provenance import excerpt_offsets, locked_source

    many = {f.name: f for f in model._meta.many_to_many}
    links = [{name: list(data.pop(name)) for name in many if name in data} for data in rows]
    records = [model(**data) for data in rows]
    if issubclass(model, Citation):
        for record in records:
            text = locked_source(record.source_id)[1]
            span = excerpt_offsets(text, record.excerpt, record.excerpt_start, record.excerpt_end)
            record.excerpt_start, record.excerpt_end = span or (None, None)
    with transaction.atomic(savepoint=False):
        model.objects.bulk_create(records, batch_size=BATCH_SIZE)
        through_rows = {name: link_rows(many[name], records, links) for name in many}
        entries = history_entries(model, records, user, reason)
        if entries:
            snapshot_links(model, entries, records, through_rows)
        on_write(model)
    return records


def link_rows(many_field, records, links):
    """The through rows of one many-to-many field, created; [(record index, through row)]."""
    through = many_field.remote_field.through
    source_name, target_name = many_field.m2m_field_name(), many_field.m2m_reverse_field_name()
    pairs = [
        (index, through(**{source_name: record, target_name: related}))
        for index, record in enumerate(records)
        for related in links[index].get(many_field.name, ())
    ]
    through.objects.bulk_create([row for _, row in pairs], batch_size=BATCH_SIZE)
    return pairs


def history_entries(model, records, user, reason):
    from .history import history_enabled

    manager = getattr(model, "history", None)
    if manager is None or not history_enabled():
        return []
    return manager.bulk_history_create(
        records,
        batch_size=BATCH_SIZE,
        default_user=user,
        default_change_reason=reason or "",
        default_date=timezone.now(),
    )


def snapshot_links(model, entries, records, through_rows):
    """Each entry's copy of its record's links at creation (simple-history's m2m history models)."""
    history_model = entries[0].__class__
    for tracked in getattr(history_model, "_history_m2m_fields", ()):
        name = tracked.name
        snapshot = apps.get_model(model._meta.app_label, f"{history_model.__name__}_{name}")
        copied = [f.name for f in through_rows[name][0][1]._meta.fields] if through_rows[name] else []
        snapshot.objects.bulk_create(
            [
                snapshot(history=entries[index], **{column: getattr(row, column) for column in copied})
                for index, row in through_rows[name]
            ],
            batch_size=BATCH_SIZE,
        )


def fetched_relations(model, attrs):
    """The foreign keys among `attrs` that hold a saved record (fetched by the serializer)."""
    return {
        name
        for name, value in attrs.items()
        if isinstance(value, models.Model)
        and value.pk is not None
        and isinstance(model._meta.get_field(name), models.ForeignKey)
    }


def unique_check_off(serializer, key):
    """Take the `key` field's uniqueness check (a query per item) off the serializer, for a batch that
    checks all its keys at once (`existing_keys`); the check's message, or None if it had none."""
    from rest_framework.validators import UniqueValidator

    key_field = serializer.fields.get(key)
    unique = [v for v in getattr(key_field, "validators", []) if isinstance(v, UniqueValidator)]
    if not unique:
        return None
    key_field.validators = [v for v in key_field.validators if not isinstance(v, UniqueValidator)]
    return str(unique[0].message)


def existing_keys(model, key, keys, chunk=500):
    """The keys among `keys` (normalised as the type's key is) that records already have: one query
    per `chunk` keys."""
    from .records import normalise_key

    wanted = sorted({normalise_key(model, value) for value in keys if isinstance(value, str) and value})
    found = set()
    for start in range(0, len(wanted), chunk):
        lookup = {f"{key}__in": wanted[start : start + chunk]}
        found |= set(model.objects.filter(**lookup).values_list(key, flat=True))
    return found
