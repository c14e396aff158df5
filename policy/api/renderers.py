"""Renderers: orjson for JSON (rendering is on every read's hot path), CSV for lists, and the browsable API."""

import csv
import io
import json
import re
from types import SimpleNamespace

import orjson
from rest_framework import exceptions, negotiation, renderers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.serializer_helpers import ReturnDict

from ..reading.readers import flat  # a CSV cell: the same whether streamed or rendered


class JSONRenderer(renderers.BaseRenderer):
    """Compact for programs; indented (two spaces) when asked, as the browsable API asks for the
    JSON it shows in a browser (or a client with `Accept: application/json; indent=2`)."""

    media_type = "application/json"
    format = "json"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        option = 0
        if (renderer_context or {}).get("indent") or "indent=" in (accepted_media_type or ""):
            option |= orjson.OPT_INDENT_2
        try:
            return orjson.dumps(data, default=str, option=option)
        except orjson.JSONEncodeError:
            # A key that is not a str (or is a subclass of it): orjson's slower path that takes any key,
            # only for the bodies that need it (it cost a list page a third more to render).
            return orjson.dumps(data, default=str, option=option | orjson.OPT_NON_STR_KEYS)


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable API, with a record's edit forms (HTML form and raw data, PUT and PATCH) filled
    with the record. DRF finds the record through the serializer behind the response's data; reads
    here are rendered without one (policy.reading.plan), so the forms showed an empty record whose
    first speaker and source were preselected."""

    def get_context(self, data, accepted_media_type, renderer_context):
        self.record = self.shown_record(renderer_context)
        context = super().get_context(data, accepted_media_type, renderer_context)
        if "facets" in renderer_context["request"].query_params:  # the format menu: CSV has no place for them (a 400)
            context["available_formats"] = [name for name in context["available_formats"] if name != "csv"]
        return context

    def get_breadcrumbs(self, request):
        """The last crumb is this page, with its query: `/api/v1/search/` without its `q` is a 400."""
        crumbs = super().get_breadcrumbs(request)
        if crumbs:
            crumbs[-1] = (crumbs[-1][0], request.get_full_path())
        return crumbs

    @staticmethod
    def shown_record(context):
        view, request, response = context.get("view"), context.get("request"), context.get("response")
        if getattr(view, "action", None) != "retrieve" or response is None or response.status_code != 200:
            return None
        if "as_of" in request.query_params:  # a past version: nothing to edit
            return None
        try:
            return view.get_object()  # a GET: no row lock
        except exceptions.APIException:
            return None

    def with_record(self, data):
        if getattr(self, "record", None) is None or getattr(data, "serializer", None) is not None:
            return data
        return ReturnDict(data, serializer=SimpleNamespace(instance=self.record, many=False))

    def get_rendered_html_form(self, data, view, method, request):
        return super().get_rendered_html_form(self.with_record(data), view, method, request)

    def get_raw_data_form(self, data, view, method, request):
        form = super().get_raw_data_form(self.with_record(data), view, method, request)
        if form is not None and method in ("PUT", "PATCH") and getattr(self, "record", None) is not None:
            # What may be sent back: the writable fields only (not `url`, `created_at`, offsets…).
            serializer = view.get_serializer(instance=self.record)
            writable = {name: value for name, value in serializer.data.items() if not serializer.fields[name].read_only}
            form.fields["_content"].initial = json.dumps(writable, indent=4, ensure_ascii=False, default=str)
        return form


# What a spreadsheet takes for the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A number as Python or a spreadsheet writes one (-12.5, -.5, -1e5, +3): a figure, never a formula.
PLAIN_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def spreadsheet_safe(cell):
    """A CSV cell a spreadsheet shows as text, never runs: one that starts like a formula gets a leading
    `'` (OWASP's advice), unless it is a plain number — a negative amount stays a number."""
    if cell.__class__ is str and cell.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def safe_rows(rows):
    """Every CSV row the API writes passes here (CSVRenderer.stream: streamed lists and pages alike)."""
    return ([spreadsheet_safe(cell) for cell in row] for row in rows)


def error_rows(data, prefix=""):
    """The `field,message` rows of an error body; a bulk write's errors name each item by its index
    (`1.excerpt`: policy.api.bulk)."""
    if isinstance(data, list):
        return [row for index, item in enumerate(data) for row in error_rows(item, f"{prefix}{index}.")]
    return [
        {"field": f"{prefix}{field}", "message": "; ".join(map(str, m if isinstance(m, list) else [m]))}
        for field, m in (data or {}).items()
    ]


def csv_filename(request):
    """A downloaded CSV's name, from its address: `statements.csv`, `timeline.csv`, `topics-migration-history.csv`."""
    parts = request.path.strip("/").split("/")[2:]  # after api/v1
    return "-".join(re.sub(r"[^\w.-]+", "_", part) for part in parts) + ".csv"


class CSVRenderer(renderers.BaseRenderer):
    """One row per record, written by `stream` alone: a whole list a chunk of rows at a time (the
    view streams it: policy.api.reads), or at once a page, a single record, or an error (as
    `field,message` rows)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:  # 204, 304
            return b""
        response = (renderer_context or {}).get("response")
        if isinstance(data, dict) and "results" in data:
            rows = data["results"]
        elif response is not None and response.status_code >= 400:
            rows = error_rows(data)
        else:
            rows = data if isinstance(data, list) else [data]
        # An empty page still has its header row (an empty body would also lose its Content-Type).
        view = (renderer_context or {}).get("view")
        if response is not None and response.status_code == 200 and not response.has_header("Content-Disposition"):
            response["Content-Disposition"] = f'attachment; filename="{csv_filename(renderer_context["request"])}"'
        names = list(rows[0]) if rows else getattr(view, "csv_header", lambda: [])()
        cells = ([flat(row.get(name)) for name in names] for row in rows)
        return "".join(self.stream(names, [cells])).encode("utf-8")

    def stream(self, names, chunks):
        """The CSV text of a header row and then each chunk of rows (lists of cells), a chunk at a time."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(names)
        for chunk in chunks:
            writer.writerows(safe_rows(chunk))
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()


class ContentNegotiation(negotiation.DefaultContentNegotiation):
    """An unknown `?format=` is a 400 naming the parameter (DRF answers 404, as for a URL suffix), and
    so is `format` given twice (DRF takes the last); the error is then rendered as JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        if len(request.query_params.getlist(self.settings.URL_FORMAT_OVERRIDE)) > 1:
            raise ValidationError({"format": ["Given more than once; this parameter takes one value."]})
        return super().select_renderer(request, renderers, format_suffix)

    def filter_renderers(self, renderers, format):
        chosen = [renderer for renderer in renderers if renderer.format == format]
        if not chosen:
            available = ", ".join(
                dict.fromkeys(renderer.format for renderer in renderers)
            )  # YAML's two media types: one format
            raise ValidationError({"format": [f"Unknown format “{format}”. Available: {available}."]})
        return chosen


class ErrorsAsJSON:
    """Mixed into a view that sends a document of its own (a zip, the OpenAPI schema): its errors and 304s,
    DRF Responses, are written as JSON whatever the client accepts, as every other error of the API is."""

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response):
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)
