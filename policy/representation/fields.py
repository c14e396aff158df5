"""Serializer fields for related records: written by public key, read as compact objects."""

import re

from rest_framework import serializers

from .. import batch
from ..days import calendar_problem
from ..records import key_field, label_field, normalise_key

__all__ = ["CompactRelatedField", "key_field", "label_field"]  # key_field, label_field: from the declarations


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class CompactRelatedField(serializers.SlugRelatedField):
    """A related record. Writes name it by slug (countries by code, case-insensitive);
    reads show `{slug|code, name|title, url}` (built by policy.reading.plan, which is
    why `to_representation` stays the plain key the browsable API's forms need)."""

    default_error_messages = {
        "does_not_exist": "No {model} with {slug_name} “{value}”.",
        "invalid": "Expected a {slug_name} string.",
    }

    def __init__(self, **kwargs):
        model = kwargs["queryset"].model
        kwargs.setdefault("slug_field", key_field(model))
        super().__init__(**kwargs)
        self.model = model
        self.label_field = label_field(model)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", slug_name=self.slug_field)
        if self.slug_field == key_field(self.model):
            data = normalise_key(self.model, data)
        writing = batch.current()
        if writing is None or self.get_queryset().query.has_filters():
            return self.fetch(data)
        found = (self.model, self.slug_field, data)
        if found not in writing.related:  # a batch looks each key up once (a key that fails is not kept)
            writing.related[found] = self.fetch(data)
        return writing.related[found]

    def fetch(self, data):
        try:
            return self.get_queryset().get(**{self.slug_field: data})
        except self.model.DoesNotExist:
            self.fail("does_not_exist", model=self.model._meta.verbose_name, slug_name=self.slug_field, value=data)


class StrictText:
    """Text takes JSON strings only: DRF would store 12 or 1e308 sent for a title as "12", "1e+308"."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class CharField(StrictText, serializers.CharField):
    pass


class SlugField(StrictText, serializers.SlugField):
    pass


class URLField(StrictText, serializers.URLField):
    pass


class DateField(serializers.DateField):
    """DRF calls 2021-02-30 a date of the wrong format; its format is right, its day is not."""

    def to_internal_value(self, value):
        if isinstance(value, str) and ISO_DATE.fullmatch(value) and (problem := calendar_problem(value)):
            raise serializers.ValidationError(problem, code="invalid")
        return super().to_internal_value(value)


class LicensedTextField(CharField):
    """A source's full text: written as any text, read as None by those its licence keeps it from
    (policy.licensing; read by policy.api.readers.LicensedText). A null written is no change, so a
    representation read with the text withheld and sent back is a valid write that keeps the text."""

    def validate_empty_values(self, data):
        if data is None:
            raise serializers.SkipField()
        return super().validate_empty_values(data)

    def reader(self):
        from ..reading.readers import LicensedText

        return LicensedText(self.source)
