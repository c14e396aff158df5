"""The review queue in the admin: suggestions by source and state, edited, accepted or rejected one
at a time or in bulk (a message per row); the import page; and slugs proposed on record forms."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.text import Truncator
from rest_framework.exceptions import ValidationError

from .. import records
from ..models import Suggestion
from ..slugs import label_of, propose_slug
from . import queue
from .import_admin import ImportPage

READ_ONLY = ("excerpt_start", "excerpt_end", "state", "origin", "origin_detail", "confidence", "reason")
READ_ONLY += ("reviewed_by", "reviewed_at", "record_key", "created_by", "created_at")


class ProposedSlug:
    """A record form whose slug may be left empty: it is then proposed from the title, name or text."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        declared = records.BY_MODEL.get(self._meta.model)
        if "slug" in self.fields and self.instance.pk is None and declared is not None:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = f"Leave empty to propose one from the {declared.label} (unique, ASCII)."

    def clean(self):
        data = super().clean()
        declared = records.BY_MODEL.get(self._meta.model)
        proposing = declared and "slug" in self.fields and "slug" not in self.errors
        if proposing and self.instance.pk is None and not data.get("slug"):
            data["slug"] = propose_slug(self._meta.model, label_of(declared, data))
        return data


def with_proposed_slug(form_class):
    return type(form_class.__name__, (ProposedSlug, form_class), {})


class RejectForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class Review:
    """Accepting and rejecting suggestions: one on its change form (“Save and accept”, “Reject”), or the
    selected ones in bulk, with a message per suggestion."""

    def response_change(self, request, obj):
        """“Save and accept” / “Reject” on the change form: one suggestion at a time. One that fails stays
        on its form with the error alone (the edits are saved), not under "changed successfully"."""
        if "_accept" in request.POST:
            done = self.accept_one(request, obj)
        elif "_reject" in request.POST:
            done = self.reject_one(request, obj, request.POST.get("rejection_reason", ""))
        else:
            done = True
        return super().response_change(request, obj) if done else HttpResponseRedirect(request.get_full_path())

    def reject_one(self, request, obj, reason):
        try:
            queue.reject(obj, request.user, reason)
        except ValidationError as error:
            self.message_user(request, f"#{obj.pk}: {queue.error_text(error)} (the edits are saved)", messages.ERROR)
            return False
        self.message_user(request, f"Rejected suggestion #{obj.pk}.")
        return True

    def accept_one(self, request, obj):
        declared = queue.BY_NAME.get(obj.record_type)
        if declared and not request.user.has_perm(f"policy.add_{declared.model_name}"):
            self.message_user(request, f"#{obj.pk}: you may not add {declared.resource}.", messages.ERROR)
            return False
        try:
            queue.accept(obj, request.user)
        except ValidationError as error:
            text = queue.error_text(error)
            if obj.state == Suggestion.State.PENDING:  # the error stays with the suggestion, for the list
                Suggestion.objects.filter(pk=obj.pk).update(reason=f"Not accepted: {text}")
            self.message_user(
                request, f"#{obj.pk} ({obj.record_type} “{Truncator(obj.summary).chars(40)}”): {text}", messages.ERROR
            )
            return False
        self.message_user(request, f"#{obj.pk}: created {obj.record_type} {obj.record_key}.")
        return True

    @admin.action(description="Accept selected suggestions (create the records)", permissions=["change"])
    def accept_selected(self, request, queryset):
        # Counted before accepting: the admin's queryset may filter by state, which accepting changes.
        chosen = list(queryset.select_related("source").order_by("id"))
        accepted = sum(self.accept_one(request, obj) for obj in chosen)
        self.message_user(request, f"Accepted {accepted} of {len(chosen)} suggestions.")

    @admin.action(description="Reject selected suggestions (with a reason)…", permissions=["change"])
    def reject_selected(self, request, queryset):
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            rejected, chosen = 0, list(queryset.order_by("id"))
            for obj in chosen:
                try:
                    queue.reject(obj, request.user, form.cleaned_data["reason"])
                    rejected += 1
                except ValidationError as error:
                    self.message_user(request, f"#{obj.pk}: {queue.error_text(error)}", messages.ERROR)
            self.message_user(request, f"Rejected {rejected} of {len(chosen)} suggestions.")
            return None
        context = {**self.admin_site.each_context(request), "form": form, "suggestions": queryset, "opts": self.opts}
        return TemplateResponse(request, "policy/admin/curation/reject.html", context)


@admin.register(Suggestion)
class SuggestionAdmin(Review, ImportPage, admin.ModelAdmin):
    fields = ("record_type", "fields", "source", "excerpt", *READ_ONLY)
    list_display = ("id", "record_type", "proposal", "source", "state", "origin", "origin_detail", "reason")
    list_filter = ("state", "record_type", "origin", ("source", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("source",)
    search_fields = ("excerpt", "origin_detail", "reason", "record_key")
    ordering = ("source__title", "id")  # grouped by source
    readonly_fields = READ_ONLY
    autocomplete_fields = ("source",)
    actions = ["accept_selected", "reject_selected"]
    change_list_template = "policy/admin/curation/change_list.html"
    change_form_template = "policy/admin/curation/change_form.html"

    @admin.display(description="Proposed")
    def proposal(self, obj):
        return Truncator(obj.summary).chars(90)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "record_type":
            return forms.ChoiceField(choices=[(name, name) for name in queue.BY_NAME], label="Record type")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:  # proposed by hand in the admin
            obj.origin, obj.created_by = Suggestion.Origin.PERSON, request.user
        super().save_model(request, obj, form, change)
