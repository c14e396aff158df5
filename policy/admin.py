"""The editors' admin: one ModelAdmin per model, all on django-simple-history's base.

Every record's history (who changed what, and when) is one click away. Validation is
the models' own `clean()` and constraints, which ModelAdmin forms run, so an excerpt
that is not in its source's text is refused here exactly as it is by the API.
"""

from django.contrib import admin
from django.utils.text import Truncator

from . import records
from .admin_actions import SuggestsRecords
from .admin_bases import CITATION, CitedAdmin, HistoryAdmin, RecordAdmin
from .admin_curation import ActorForm, cite_context
from .models import (
    Actor,
    AidPackage,
    Country,
    Event,
    Policy,
    PolicyRelation,
    Redaction,
    Source,
    Statement,
    Statistic,
    Topic,
)

admin.site.site_header = "Policy Records · editors"
admin.site.site_title = "Policy Records admin"
admin.site.index_title = "Records"


@admin.register(Country)
class CountryAdmin(RecordAdmin):
    list_display = ("code", "iso3", "name", "updated_at")
    search_fields = ("name", "code", "iso3")


@admin.register(Actor)
class ActorAdmin(RecordAdmin):
    form = ActorForm
    list_display = ("name", "kind", "role", "country", "updated_at")
    list_filter = ("kind", "country")
    list_select_related = ("country",)
    search_fields = ("name", "slug", "aliases", "role")
    autocomplete_fields = ("country",)


@admin.register(Topic)
class TopicAdmin(RecordAdmin):
    list_display = ("name", "slug", "updated_at")
    search_fields = ("name", "slug", "description")


@admin.register(Source)
class SourceAdmin(SuggestsRecords, RecordAdmin):
    list_display = ("title", "kind", "publisher", "published_on", "date_precision", "has_text")
    list_filter = ("kind", "date_precision", "published_on")
    list_select_related = ("publisher",)
    search_fields = ("title", "slug", "url", "publisher__name")
    autocomplete_fields = ("publisher",)
    date_hierarchy = "published_on"
    change_form_template = "policy/admin/source_change_form.html"  # its text, to cite by selecting

    class Media:
        css = {"all": ("policy/admin.css",)}
        js = ("policy/cite.js",)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.text:
            context["cite"] = cite_context(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(boolean=True, description="Text held")
    def has_text(self, obj):
        return bool(obj.text)


@admin.register(Event)
class EventAdmin(CitedAdmin):
    list_display = ("title", "kind", "status", "start_date", "end_date", "date_precision", "location", "source")
    list_filter = ("status", "kind", "countries", "topics", "date_precision", "start_date")
    list_select_related = ("source",)
    search_fields = ("title", "slug", "location", "excerpt", "participants__name", "participants__aliases")
    autocomplete_fields = ("source", "participants", "countries", "topics")
    date_hierarchy = "start_date"


class CitedLinkInline(admin.StackedInline):
    """A link between policies is a claim: it is edited with its citation, checked like a record's."""

    model = PolicyRelation
    autocomplete_fields = ("from_policy", "to_policy", "source")
    formfield_overrides = RecordAdmin.formfield_overrides
    extra = 0


class PolicyRelationInline(CitedLinkInline):
    """Relations from this policy: it reverses, replaces, extends or implements another."""

    fk_name = "from_policy"
    fields = (("relation", "to_policy"), "source", "excerpt", "notes")
    verbose_name = "relation to another policy"
    verbose_name_plural = "relations to other policies"


class InversePolicyRelationInline(CitedLinkInline):
    """Relations to this policy, e.g. the later policy that reverses it."""

    fk_name = "to_policy"
    fields = (("from_policy", "relation"), "source", "excerpt", "notes")
    verbose_name = "relation from another policy"
    verbose_name_plural = "relations from other policies"


@admin.register(Policy)
class PolicyAdmin(CitedAdmin):
    list_display = ("title", "kind", "status", "jurisdiction", "start_date", "end_date", "date_precision")
    list_filter = ("status", "kind", "jurisdiction", "countries", "topics", "date_precision", "start_date")
    list_select_related = ("jurisdiction",)
    search_fields = ("title", "slug", "summary", "excerpt", "actors__name", "actors__aliases")
    autocomplete_fields = ("source", "jurisdiction", "countries", "actors", "topics")
    date_hierarchy = "start_date"
    inlines = (PolicyRelationInline, InversePolicyRelationInline)


@admin.register(PolicyRelation)
class PolicyRelationAdmin(HistoryAdmin):
    list_display = ("from_policy", "relation", "to_policy", "source")
    list_filter = ("relation",)
    list_select_related = ("from_policy", "to_policy", "source")
    search_fields = ("from_policy__title", "from_policy__slug", "to_policy__title", "to_policy__slug", "excerpt")
    autocomplete_fields = ("from_policy", "to_policy", "source")
    formfield_overrides = RecordAdmin.formfield_overrides
    fieldsets = ((None, {"fields": ("from_policy", "relation", "to_policy")}), CITATION)
    readonly_fields = ("excerpt_in_context", "excerpt_start", "excerpt_end")
    excerpt_in_context = CitedAdmin.excerpt_in_context

    def view_on_site(self, obj):
        """A link is shown, with its citation, on its from-policy's page."""
        return RecordAdmin.view_on_site(self, obj.from_policy)

    class Media:
        css = {"all": ("policy/admin.css",)}


@admin.register(AidPackage)
class AidPackageAdmin(CitedAdmin):
    list_display = (
        "title",
        "donor",
        "value_qualifier",
        "amount",
        "currency",
        "kind",
        "status",
        "announced_on",
        "date_precision",
    )
    list_filter = (
        "status",
        "kind",
        "value_qualifier",
        "donor",
        "recipients",
        "topics",
        "date_precision",
        "announced_on",
    )
    list_select_related = ("donor",)
    search_fields = ("title", "slug", "channel", "excerpt", "announced_by__name", "announced_by__aliases")
    autocomplete_fields = ("source", "donor", "recipients", "announced_by", "policy", "event", "topics")
    date_hierarchy = "announced_on"


@admin.register(Statement)
class StatementAdmin(CitedAdmin):
    list_display = ("quote", "speaker", "kind", "said_on", "date_precision", "language", "is_translation")
    list_filter = ("kind", "countries", "topics", "is_translation", "date_precision", "said_on")
    list_select_related = ("speaker",)
    search_fields = ("text", "slug", "speaker__name", "speaker__aliases", "addressee__name")
    autocomplete_fields = ("source", "speaker", "event", "addressee", "policies", "countries", "topics")
    date_hierarchy = "said_on"

    @admin.display(description="Text", ordering="text")
    def quote(self, obj):
        return Truncator(obj.text).chars(100)


@admin.register(Statistic)
class StatisticAdmin(CitedAdmin):
    list_display = (
        "title",
        "indicator",
        "value_qualifier",
        "value",
        "unit",
        "period_start",
        "period_end",
        "date_precision",
        "publisher",
    )
    list_filter = ("unit", "value_qualifier", "is_derived", "countries", "topics", "date_precision", "period_start")
    list_select_related = ("publisher",)
    search_fields = ("title", "slug", "indicator", "notes", "publisher__name", "publisher__aliases")
    autocomplete_fields = ("source", "countries", "publisher", "topics")
    date_hierarchy = "period_start"


@admin.register(Redaction)
class RedactionAdmin(admin.ModelAdmin):
    """The record of every redaction (who, when, what, why), read-only: redactions are made through
    `POST /api/v1/<resource>/<key>/history/<history_id>/redact/` (policy.redaction)."""

    list_display = ("redacted_at", "redacted_by", "record_type", "record_id", "history_id", "fields", "reason")
    list_filter = ("record_type", "redacted_at")
    readonly_fields = [field.name for field in Redaction._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# A declared record type without a ModelAdmin above gets the shared one (policy.records).
for record_type in records.TYPES:
    if not admin.site.is_registered(record_type.model):
        admin.site.register(record_type.model, CitedAdmin if record_type.cited else RecordAdmin)

# The review queue, the import page, and slugs proposed on every record's add form (policy.curation.admin).
from .curation.admin import with_proposed_slug  # noqa: E402

for model_admin in admin.site._registry.values():
    if model_admin.model in records.BY_MODEL and records.BY_MODEL[model_admin.model].key == "slug":
        model_admin.form = with_proposed_slug(model_admin.form)
        label = records.BY_MODEL[model_admin.model].label
        if label in ("title", "name"):
            model_admin.prepopulated_fields = {"slug": (label,)}
