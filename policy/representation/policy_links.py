"""A policy and its typed links to other policies (reverses, replaces, extends, implements), each
cited like a record; read for a whole page with one query (PolicyLinks), written in the policy's
transaction, one link at a time so each lands in the change history."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from rest_framework import serializers

from ..choices import PolicyRelationKind
from ..models import Policy, PolicyRelation, Source
from ..reading.history import LINK_CITATION
from ..reading.readers import Compact
from ..records import POLICY
from . import fields
from .base import KnownKeysOnly, RecordSerializer, error_reader, model_errors
from .fields import CompactRelatedField


class PolicyLinks(Compact):
    """Reads a page's typed policy-to-policy links, each with its citation, with one query."""

    many = True
    citation = LINK_CITATION

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

    def get_attribute(self, instance):
        # A policy's links are its PolicyRelation rows, not the policies its `related` names: the
        # browsable API's edit form read the latter (a 500 for an editor on a linked policy's page).
        return instance.relations.select_related("to_policy", "source").order_by("relation", "to_policy__slug")


class PolicyLinkSerializer(KnownKeysOnly, serializers.Serializer):
    """A link to another policy, cited like a record: its source and the excerpt that states it."""

    relation = serializers.ChoiceField(choices=PolicyRelationKind.choices)
    policy = CompactRelatedField(queryset=Policy.objects.all(), source="to_policy")  # read from a PolicyRelation
    source = CompactRelatedField(queryset=Source.objects.all())
    excerpt = fields.CharField(help_text="The verbatim span of the source's text that states the link.")
    excerpt_start = serializers.IntegerField(read_only=True, allow_null=True)
    excerpt_end = serializers.IntegerField(read_only=True, allow_null=True)
    notes = fields.CharField(required=False, allow_blank=True, default="")

    class Meta:
        list_serializer_class = PolicyLinkListSerializer

    def validate(self, attrs):
        if "to_policy" in attrs:  # the writes (PolicySerializer) name the target `policy`, as the body does
            attrs["policy"] = attrs.pop("to_policy")
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
            raise serializers.ValidationError(model_errors(exc, error_reader(self.context))) from None
        return attrs


class PolicySerializer(RecordSerializer):
    related = PolicyLinkSerializer(
        many=True, required=False, help_text="This policy reverses/replaces/extends/implements these."
    )

    class Meta(RecordSerializer.Meta):
        model = Policy
        fields = list(POLICY.columns)

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
