"""One serializer per record type: the single declaration of its representation.

Writes are validated here (DRF field checks, then the model's own `full_clean`, so
the API and the admin enforce the same rules); reads are compiled from the same
declaration by policy.api.reading.
"""

import copy
import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from rest_framework import serializers
from rest_framework.settings import api_settings

from ..choices import PolicyRelationKind
from ..models import Actor, AidPackage, Country, Event, Policy, PolicyRelation, Source, Statement, Statistic, Topic
from . import fields
from .fields import CompactRelatedField
from .reading import Compact

RECORD_FIELDS = ["url", "slug"]
TIMESTAMPS = ["created_at", "updated_at"]
CITATION = ["source", "excerpt", "excerpt_start", "excerpt_end", "notes"]


# What an HTML form of the browsable API sends besides the record's fields.
FORM_EXTRAS = {"csrfmiddlewaretoken"}


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
    }

    class Meta:
        extra_kwargs = {"url": {"lookup_field": "slug"}}

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        relations = {f.name for f in model._meta.get_fields() if f.many_to_many or f.one_to_many}
        instance = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in attrs.items():
            if name not in relations:
                setattr(instance, name, value)
        try:
            instance.full_clean(exclude=relations, validate_unique=False)
        except DjangoValidationError as exc:
            detail = serializers.as_serializer_error(exc)
            if "__all__" in detail:
                detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop("__all__")
            raise serializers.ValidationError(detail) from None
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


class CountrySerializer(RecordSerializer):
    class Meta:
        model = Country
        fields = ["url", "code", "iso3", "name", *TIMESTAMPS]
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


class TopicSerializer(RecordSerializer):
    class Meta(RecordSerializer.Meta):
        model = Topic
        fields = [*RECORD_FIELDS, "name", "description", *TIMESTAMPS]


class ActorSerializer(RecordSerializer):
    class Meta(RecordSerializer.Meta):
        model = Actor
        fields = [*RECORD_FIELDS, "name", "kind", "role", "country", "aliases", "notes", *TIMESTAMPS]


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
        fields = [
            *RECORD_FIELDS,
            "title",
            "kind",
            "publisher",
            "document_url",
            "published_on",
            "date_precision",
            "text",
            "text_license",
            "notes",
            *TIMESTAMPS,
        ]
        detail_only_fields = ["text"]


class EventSerializer(RecordSerializer):
    class Meta(RecordSerializer.Meta):
        model = Event
        fields = [
            *RECORD_FIELDS,
            "title",
            "kind",
            "status",
            "start_date",
            "end_date",
            "date_precision",
            "location",
            "participants",
            "countries",
            "topics",
            *CITATION,
            *TIMESTAMPS,
        ]


class PolicyLinks(Compact):
    """Reads a page's typed policy-to-policy links, each with its citation, with one query."""

    many = True
    citation = ("excerpt", "excerpt_start", "excerpt_end", "notes")

    def __init__(self):
        super().__init__("to_policy", Policy)
        self.source = Compact("source", Source)
        self.columns = ()

    def fetch(self, ids, urls):
        by_owner = {}
        columns = [self.key_column, self.label_column, *self.source.columns, *self.citation]
        rows = (
            PolicyRelation.objects.filter(from_policy_id__in=ids)
            .order_by("from_policy_id", "relation", "to_policy__slug")
            .values("from_policy_id", "relation", *columns)
        )
        for row in rows:
            link = {
                "relation": row["relation"],
                "policy": self.value(row, urls),
                "source": self.source.value(row, urls),
            }
            link.update((name, row[name]) for name in self.citation)
            by_owner.setdefault(row["from_policy_id"], []).append(link)
        return by_owner


class PolicyLinkListSerializer(serializers.ListSerializer):
    def reader(self):
        return PolicyLinks()


class PolicyLinkSerializer(KnownKeysOnly, serializers.Serializer):
    """A link to another policy, cited like a record: its source and the excerpt that states it."""

    relation = serializers.ChoiceField(choices=PolicyRelationKind.choices)
    policy = CompactRelatedField(queryset=Policy.objects.all())
    source = CompactRelatedField(queryset=Source.objects.all())
    excerpt = fields.CharField(help_text="The verbatim span of the source's text that states the link.")
    excerpt_start = serializers.IntegerField(read_only=True, allow_null=True)
    excerpt_end = serializers.IntegerField(read_only=True, allow_null=True)
    notes = fields.CharField(required=False, allow_blank=True, default="")

    class Meta:
        list_serializer_class = PolicyLinkListSerializer

    def validate(self, attrs):
        # A PATCH makes nested fields optional, but a link is always written whole.
        missing = [name for name in ("relation", "policy", "source", "excerpt") if name not in attrs]
        if missing:
            raise serializers.ValidationError({name: [self.error_messages["required"]] for name in missing})
        # The link's own model check (policy.models.base.Citation): the same one every cited record runs.
        link = PolicyRelation(to_policy=attrs["policy"], **{k: v for k, v in attrs.items() if k != "policy"})
        try:
            link.clean_fields(exclude=["from_policy"])
            link.clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from None
        return attrs


class PolicySerializer(RecordSerializer):
    related = PolicyLinkSerializer(
        many=True, required=False, help_text="This policy reverses/replaces/extends/implements these."
    )

    class Meta(RecordSerializer.Meta):
        model = Policy
        fields = [
            *RECORD_FIELDS,
            "title",
            "summary",
            "kind",
            "status",
            "jurisdiction",
            "countries",
            "actors",
            "start_date",
            "end_date",
            "date_precision",
            "related",
            "topics",
            *CITATION,
            *TIMESTAMPS,
        ]

    def validate_related(self, links):
        seen = set()
        for link in links:
            target = link["policy"]
            if self.instance is not None and target.pk == self.instance.pk:
                raise serializers.ValidationError("A policy cannot be related to itself.")
            if (link["relation"], target.pk) in seen:
                raise serializers.ValidationError(f"Duplicate link: {link['relation']} {target.slug}.")
            seen.add((link["relation"], target.pk))
        return links

    def changes_anything(self):
        data = dict(self.validated_data)
        links = data.pop("related", None)
        if links is not None:
            # A link is its target and its citation: new words or notes for the same link are a change too.
            wanted = {
                (link["relation"], link["policy"].pk, link["source"].pk, link["excerpt"], link.get("notes", ""))
                for link in links
            }
            held = self.instance.relations.values_list("relation", "to_policy_id", "source_id", "excerpt", "notes")
            if set(held) != wanted:
                return True
        return self.values_change(data)

    @transaction.atomic
    def create(self, validated_data):
        links = validated_data.pop("related", [])
        policy = super().create(validated_data)
        self.save_links(policy, links)
        return policy

    @transaction.atomic
    def update(self, instance, validated_data):
        links = validated_data.pop("related", None)
        policy = super().update(instance, validated_data)
        if links is not None:
            policy.relations.all().delete()
            self.save_links(policy, links)
        return policy

    def save_links(self, policy, links):
        # One create per link (not bulk_create) so each lands in the change history.
        for link in links:
            citation = {name: link[name] for name in ("relation", "source", "excerpt")}
            citation["notes"] = link.get("notes", "")  # a PATCH skips the field's default
            PolicyRelation.objects.create(from_policy=policy, to_policy=link["policy"], **citation)


class AidPackageSerializer(RecordSerializer):
    class Meta(RecordSerializer.Meta):
        model = AidPackage
        fields = [
            *RECORD_FIELDS,
            "title",
            "donor",
            "recipients",
            "amount",
            "value_qualifier",
            "currency",
            "kind",
            "status",
            "announced_by",
            "announced_on",
            "date_precision",
            "period_start",
            "period_end",
            "channel",
            "policy",
            "event",
            "topics",
            *CITATION,
            *TIMESTAMPS,
        ]


class StatementSerializer(RecordSerializer):
    class Meta(RecordSerializer.Meta):
        model = Statement
        fields = [
            *RECORD_FIELDS,
            "speaker",
            "text",
            "kind",
            "said_on",
            "date_precision",
            "event",
            "addressee",
            "language",
            "is_translation",
            "policies",
            "countries",
            "topics",
            *CITATION,
            *TIMESTAMPS,
        ]


class StatisticSerializer(RecordSerializer):
    class Meta(RecordSerializer.Meta):
        model = Statistic
        fields = [
            *RECORD_FIELDS,
            "title",
            "indicator",
            "value",
            "value_qualifier",
            "unit",
            "period_start",
            "period_end",
            "date_precision",
            "countries",
            "publisher",
            "is_derived",
            "topics",
            *CITATION,
            *TIMESTAMPS,
        ]


class FieldChangeSerializer(serializers.Serializer):
    """Documents a history entry's field change (responses are built by policy.api.history)."""

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
