"""What every record's serializer shares: unknown body keys refused, text fields that take only
strings, related records written by key (policy.representation.fields), and the model's own
`full_clean` run on every write, so the API and the admin enforce the same rules."""

import copy
from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework import serializers
from rest_framework.settings import api_settings

from .. import batch, records
from ..licensing import passage_shown
from ..slugs import label_of, propose_slug
from . import fields
from .fields import CompactRelatedField

# What an HTML form of the browsable API sends besides the record's fields.
FORM_EXTRAS = {"csrfmiddlewaretoken"}


def with_detail_only(columns, name, before):
    """A serializer's fields: a type's list columns (policy.records) with a detail-only field where the
    detail shows it, before the column `before`; name it in the serializer's `detail_only_fields` too."""
    at = columns.index(before)
    return [*columns[:at], name, *columns[at:]]


def model_errors(exc, reader=None):
    """A model's ValidationError as a DRF error body: `__all__` under non_field_errors, and beside an
    excerpt's message the closest passage of its source, for programs (`excerpt_closest`: policy.closest).
    The passage (in both) only where `reader` may read the source's text; None is a command's, which may."""
    if reader is not None:
        exc = without_hidden_passages(exc, reader)
    detail = serializers.as_serializer_error(exc)
    if "__all__" in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop("__all__")
    for field, errors in getattr(exc, "error_dict", {}).items():
        found = next((error.closest for error in errors if getattr(error, "closest", None)), None)
        if found is not None:
            detail[f"{field}_closest"] = found.as_dict()
    return detail


def without_hidden_passages(exc, reader):
    """`exc` with an excerpt's error that quotes a text `reader` may not read replaced by its bare message."""
    if not hasattr(exc, "error_dict"):
        return exc
    return DjangoValidationError(
        {
            field: [
                error.without_passage
                if getattr(error, "closest", None) and not passage_shown(error.source_id, reader)
                else error
                for error in errors
            ]
            for field, errors in exc.error_dict.items()
        }
    )


def error_reader(context):
    """Who reads a write's errors: the request's user, or the one a caller names (`context["user"]`);
    None for a command."""
    request = context.get("request")
    return request.user if request is not None else context.get("user")


class KnownKeysOnly:
    """A body key that names no field is a 400 (`{"descripton": …}` was silently a no-op edit).
    Read-only fields (`url`, `created_at`, …) are fields: a record read and sent back is accepted."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields) - FORM_EXTRAS)
            if unknown:
                message = f"Unknown field. Fields: {', '.join(self.fields)}."
                raise serializers.ValidationError({name: [message] for name in unknown})
        return super().to_internal_value(data)


class RecordSerializer(KnownKeysOnly, serializers.ModelSerializer):
    serializer_related_field = CompactRelatedField
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: fields.CharField,
        models.TextField: fields.CharField,
        models.SlugField: fields.SlugField,
        models.URLField: fields.URLField,
        models.DateField: fields.DateField,
    }

    class Meta:
        # Omitted on create, the slug is proposed from the title, name or text (policy.slugs).
        extra_kwargs = {"url": {"lookup_field": "slug"}, "slug": {"required": False}}

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is None and "slug" in self.fields and not attrs.get("slug"):
            declared = records.BY_MODEL[self.Meta.model]
            attrs["slug"] = propose_slug(self.Meta.model, label_of(declared, attrs))
        model = self.Meta.model
        relations = {f.name for f in model._meta.get_fields() if f.many_to_many or f.one_to_many}
        instance = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in attrs.items():
            if name not in relations:
                setattr(instance, name, value)
        try:
            batch.full_clean(instance, relations, fetched=batch.fetched_relations(model, attrs))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(model_errors(exc, error_reader(self.context))) from None
        return attrs

    def changes_anything(self):
        """Whether saving the validated data would change the record (its values or its links)."""
        return self.values_change(self.validated_data)

    def values_change(self, data):
        for name, value in data.items():
            field = self.Meta.model._meta.get_field(name)
            if field.many_to_many:
                if set(getattr(self.instance, name).values_list("pk", flat=True)) != {related.pk for related in value}:
                    return True
            elif getattr(self.instance, name) != value:
                return True
        return False


def derived_serializer(record_type):
    """RecordSerializer over a declared type's model and `columns`: the serializer of every type that
    needs no validation or field of its own (policy.representation.serializer_for)."""
    meta = type("Meta", (RecordSerializer.Meta,), {"model": record_type.model, "fields": list(record_type.columns)})
    attrs = {"Meta": meta, "__module__": "policy.representation"}
    return type(f"{record_type.model.__name__}Serializer", (RecordSerializer,), attrs)
