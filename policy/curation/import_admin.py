"""The admin's import page for the review queue: a CSV, XLSX or JSONL file of records checked (a dry
run) or imported as suggestions or published records (policy.curation.importing), and the empty
templates to fill in; uploads over settings.IMPORT_MAX_BYTES are refused before they are read."""

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from . import importing, queue, tabular

MEGABYTE = 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(help_text="A .csv (UTF-8), .xlsx or .jsonl file: one record a row.")
    record_type = forms.ChoiceField(
        choices=[("", "from the file name"), *((name, name) for name in queue.BY_NAME)], required=False
    )
    publish = forms.BooleanField(required=False, help_text="Create the records, not suggestions (add permission).")
    dry_run = forms.BooleanField(required=False, initial=True, help_text="Check and report; write nothing.")


class ImportPage:
    """A ModelAdmin's import page and template downloads (`import/`, `template/<type>.<csv|xlsx>`)."""

    def get_urls(self):
        own = [
            path("import/", self.admin_site.admin_view(self.import_view), name="policy_suggestion_import"),
            path(
                "template/<str:record_type>.<str:fmt>",
                self.admin_site.admin_view(self.template_view),
                name="policy_suggestion_template",
            ),
        ]
        return own + super().get_urls()

    def template_view(self, request, record_type, fmt):
        if record_type not in queue.BY_NAME or fmt not in ("csv", "xlsx"):
            raise Http404("No such template.")
        content_type = (
            "text/csv" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response = HttpResponse(tabular.template(record_type, fmt), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{record_type}.{fmt}"'
        return response

    @csrf_exempt  # the size is checked before anything reads the body; the form itself is CSRF-protected
    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        limit = settings.IMPORT_MAX_BYTES
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if request.method == "POST" and length > limit + 64 * 1024:
            return self.import_page(request, ImportForm(), error=self.size_error(length, limit), status=413)
        return csrf_protect(self.import_form)(request)

    @staticmethod
    def size_error(size, limit):
        return f"The upload is {size / MEGABYTE:,.1f} MB; the import limit is {limit / MEGABYTE:,.0f} MB."

    def import_form(self, request):
        form = ImportForm(request.POST or None, request.FILES or None)
        if not form.is_valid():
            return self.import_page(request, form)
        upload, data = form.cleaned_data["file"], form.cleaned_data
        if upload.size > settings.IMPORT_MAX_BYTES:
            return self.import_page(request, form, error=self.size_error(upload.size, settings.IMPORT_MAX_BYTES))
        try:
            record_type = tabular.detect_type(upload.name, data["record_type"] or None)
            if data["publish"] and not request.user.has_perm(f"policy.add_{queue.BY_NAME[record_type].model_name}"):
                return self.import_page(
                    request, form, error=f"You may not add {record_type} records: import as suggestions."
                )
            report = importing.import_file(
                upload.name,
                upload.read(),
                record_type=record_type,
                dry_run=data["dry_run"],
                publish=data["publish"],
                user=request.user,
            )
        except tabular.FileError as error:
            return self.import_page(request, form, error=f"{upload.name}: {error}")
        return self.import_page(request, form, report=report)

    def import_page(self, request, form, *, report=None, error=None, status=200):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import records",
            "form": form,
            "report": report,
            "error": error,
            "limit_mb": settings.IMPORT_MAX_BYTES // MEGABYTE,
            "types": list(queue.BY_NAME),
            "queue_url": reverse("admin:policy_suggestion_changelist") + "?state__exact=pending",
        }
        return TemplateResponse(request, "policy/admin/curation/import.html", context, status=status)
