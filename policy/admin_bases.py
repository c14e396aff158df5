"""What every record's admin shares (policy.admin registers one per model on these): the record's own
fields first, then grouped fieldsets; "View on site" from the declaration; text kept as typed; and, for
a record drawn from a source, its citation with the excerpt in context."""

import contextvars

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from . import records
from .admin_curation import OFFSETS, CitationForm
from .curation.prefill import proposed_fields
from .days import CalendarDateField
from .models import Source
from .reading.citation import excerpt_in_context


class VerbatimTextField(forms.CharField):
    """Text kept as typed: browsers post textarea line breaks as CRLF and Django strips
    the ends, either of which would stop a multi-line excerpt matching its source."""

    def __init__(self, **kwargs):
        super().__init__(strip=False, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if value else value


# The user a change form is drawn for: a display method gets only the record, and a ModelAdmin is shared by
# every thread, so the request cannot live on it.
DRAWN_FOR = contextvars.ContextVar("policy_admin_user", default=None)

TIMESTAMPS = ("Timestamps", {"fields": (("created_at", "updated_at"),), "classes": ("collapse",)})
CITATION = (
    "Citation",
    {"fields": ("source", "excerpt", "excerpt_in_context", ("excerpt_start", "excerpt_end"), "notes")},
)


def existing_records(model, name, value):
    """False when `name` is a relation of `model` and `value` (a key, or a list of them) names a record
    that does not exist, or is no key at all; True otherwise."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return True
    if not field.is_relation or field.related_model is None:
        return True
    keys = set(value if isinstance(value, list) else [value])
    try:
        return field.related_model._default_manager.filter(pk__in=keys).count() == len(keys)
    except (ValueError, TypeError, ValidationError):
        return False


def well_formed(model, key):
    """Whether `key` (a URL's part) can be `model`'s primary key."""
    try:
        model._meta.pk.to_python(key)
    except ValidationError:
        return False
    return True


class HistoryAdmin(SimpleHistoryAdmin):
    """simple_history's history pages; a key that cannot be a record's (`abc/history/`) is answered as
    Django's admin answers it elsewhere, a redirect saying no such record exists, instead of a 500."""

    def history_view(self, request, object_id, extra_context=None):
        if not well_formed(self.model, unquote(object_id)):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        history = self.model.history.model
        if not (well_formed(self.model, unquote(object_id)) and well_formed(history, version_id)):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class RecordAdmin(HistoryAdmin):
    """The record's own fields first, in model order, then the grouped fieldsets."""

    grouped_fieldsets = (TIMESTAMPS,)
    readonly_fields = ("created_at", "updated_at")
    formfield_overrides = {
        models.TextField: {"form_class": VerbatimTextField},
        models.URLField: {"assume_scheme": "https"},  # Django 6's default, and what sources use
        models.DateField: {"form_class": CalendarDateField},  # 2021-02-30 "is not a day of the calendar"
    }
    list_per_page = 50
    show_full_result_count = False  # a filtered changelist would otherwise count the whole table too

    def view_on_site(self, obj):
        """“View on site” opens the record's public page (policy.web), named by the declaration."""
        declared = records.BY_MODEL.get(type(obj))
        if declared is None:
            return None
        return reverse("web:record", kwargs={"resource": declared.resource, "key": getattr(obj, declared.key)})

    def changeform_view(self, request, *args, **kwargs):
        token = DRAWN_FOR.set(request.user)
        try:
            response = super().changeform_view(request, *args, **kwargs)
            return response.render() if hasattr(response, "render") else response  # drawn while DRAWN_FOR holds
        finally:
            DRAWN_FOR.reset(token)

    def get_changeform_initial_data(self, request):
        """The add form's values from the URL, less a related record that does not exist: Django's
        autocomplete widget fails on `?source=x` (a 500), where the form should just start empty."""
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            if not existing_records(self.model, name, value):
                del initial[name]
        return initial

    def get_fieldsets(self, request, obj=None):
        grouped = set(flatten_fieldsets(self.grouped_fieldsets))
        own = [name for name in self.get_fields(request, obj) if name not in grouped]
        return [(None, {"fields": own}), *self.grouped_fieldsets]


class CitedAdmin(RecordAdmin):
    """A record drawn from a source: the citation gets its own fieldset; the offsets are read-only inputs
    that a selection (or a refused excerpt's closest passage) fills (policy.admin_curation)."""

    form = CitationForm
    grouped_fieldsets = (CITATION, TIMESTAMPS)
    readonly_fields = ("excerpt_in_context", "created_at", "updated_at")

    class Media:
        css = {"all": ("policy/admin.css",)}
        js = ("policy/cite.js",)

    def get_form(self, request, obj=None, **kwargs):
        # The offsets are the form's own fields (the model's are not editable): not the model form's.
        if kwargs.get("fields", ()) is None:  # get_fields() asking which fields the form has: all of them
            return super().get_form(request, obj, **kwargs)
        fields = kwargs.pop("fields", None) or flatten_fieldsets(self.get_fieldsets(request, obj))
        return super().get_form(request, obj, fields=[name for name in fields if name not in OFFSETS], **kwargs)

    def get_changeform_initial_data(self, request):
        """A selection's source, excerpt and offsets (GET), and what they tell (policy.curation.prefill)."""
        initial = super().get_changeform_initial_data(request)
        offsets = [int(initial[name]) if str(initial.get(name, "")).isdigit() else None for name in OFFSETS]
        proposed = proposed_fields(self.model, initial.get("source"), initial.get("excerpt", ""), *offsets)
        return {**proposed, **initial}  # what the URL gives wins

    @admin.display(description="Excerpt in context")
    def excerpt_in_context(self, obj):
        if obj.pk is None:
            return "Shown once the record is saved."
        citation = excerpt_in_context(obj, DRAWN_FOR.get())
        held = citation.located or Source.objects.filter(pk=obj.source_id).exclude(text="").exists()
        context = {"citation": citation, "has_text": held, "source_title": obj.source.title}
        return render_to_string("policy/admin/citation.html", {**context, "page_url": self.view_on_site(obj)})
