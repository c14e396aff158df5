"""The reference records' serializers that declare more than their columns: countries (ISO codes)
and sources (their licensed text). Topics and actors are their declarations' (serializer_for)."""

import re

from rest_framework import serializers

from ..models import Country, Source
from ..records import COUNTRY, SOURCE
from . import fields
from .base import RecordSerializer, with_detail_only


class CountrySerializer(RecordSerializer):
    class Meta:
        model = Country
        fields = list(COUNTRY.columns)
        extra_kwargs = {"url": {"lookup_field": "code"}}

    def validate_code(self, value):
        return self.iso_code("code", value, 2, "ISO 3166-1 alpha-2")

    def validate_iso3(self, value):
        return self.iso_code("iso3", value, 3, "ISO 3166-1 alpha-3")

    def iso_code(self, field, value, length, standard):
        # Upper-cased only here, after DRF's UniqueValidator saw the raw value, so shape and
        # uniqueness are checked again: "mx" must be a field error, not an IntegrityError.
        value = value.upper()
        if not re.fullmatch(f"[A-Z]{{{length}}}", value):
            raise serializers.ValidationError(f"Must be {length} letters ({standard}).")
        others = Country.objects.filter(**{field: value})
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(f"A country with {field} “{value}” already exists.")
        return value


class SourceSerializer(RecordSerializer):
    # `url` is every record's API address, so the document's own address gets another name.
    url = serializers.HyperlinkedIdentityField(view_name="source-detail", lookup_field="slug")
    document_url = fields.URLField(source="url", max_length=1000, required=False, allow_blank=True)
    text = fields.LicensedTextField(
        required=False,
        allow_blank=True,
        help_text="The source's full text, where we hold it; null where its licence (`text_license`) keeps it "
        "from this reader: anonymous readers get the excerpts and `document_url` instead. Written: null leaves "
        "the text as it is.",
    )

    class Meta(RecordSerializer.Meta):
        model = Source
        fields = with_detail_only(SOURCE.columns, "text", before="notes")  # a source's whole text: details only
        detail_only_fields = ["text"]
