"""Admin actions beyond editing: "Suggest records" on sources (policy.suggest into the review queue)."""

from django.contrib import admin, messages

from .suggest.source import SuggestRefused, suggest_for_source


@admin.action(description="Suggest records", permissions=["suggest"])
def suggest_records(modeladmin, request, queryset):
    """The machine's suggestions for each selected source, replacing its pending ones: each source is
    one transaction, so a refused source leaves its queue as it was."""
    for source in queryset.order_by("slug"):
        try:
            run = suggest_for_source(source, replace=True, user=request.user)
        except SuggestRefused as refused:
            modeladmin.message_user(request, str(refused), messages.ERROR)
            continue
        modeladmin.message_user(request, f"Suggested for review: {run.message}", messages.SUCCESS)


class SuggestsRecords:
    """Mixed into the sources' ModelAdmin: the action, for users who may add suggestions."""

    actions = [suggest_records]

    def has_suggest_permission(self, request):
        return request.user.has_perm("policy.add_suggestion")
