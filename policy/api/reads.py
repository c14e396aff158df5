"""A viewset's reads, orchestrated over its read plan (policy.reading.plan): the fields a request asks
for (`fields=`, `omit=`), lists (a page, or the whole list streamed as CSV) and details."""

import itertools

from django.http import StreamingHttpResponse
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.reverse import reverse

from .. import facets
from ..querying import plans
from ..querying.pagination import Rows, count_key
from ..querying.parameters import DETAIL_PARAMETERS, PAGE_PARAMETERS, reject_unknown_parameters
from ..querying.prepared import Prepared
from ..reading.as_of import parse_as_of
from ..reading.plan import read_plan
from ..reading.renamed import current_key
from ..representation import HistoryEntrySerializer
from . import exports
from .conditional import VERSION
from .renderers import csv_filename

# Rows a whole-list export holds at once. A peak over rest of +3 MB a worker at 200, +6 at 500, +20 at 2,000;
# 200 and 500 streamed 300,000 statements in the same time on either engine (bench/README.md, "Worker memory").
CSV_CHUNK = 200


def sparse_fields(available, params):
    """The names of `available` a request's `fields=` or `omit=` leaves (a 400 naming unknown ones)."""
    names = available
    errors = {}
    if params.get("fields") and params.get("omit"):  # `fields=slug&omit=slug` would be empty objects
        raise ValidationError({"omit": ["Use either fields or omit, not both."]})
    for param in ("fields", "omit"):
        # Exact names: `fields=,,` or `fields=slug, title` is a mistake, as the schema's enum says.
        requested = params[param].split(",") if params.get(param) else []
        unknown = [name for name in requested if name not in available]
        if unknown:
            listed = ", ".join(f"“{name}”" for name in unknown)
            errors[param] = [f"Unknown field(s): {listed}. Available: {', '.join(available)}."]
        elif requested and param == "fields":
            names = [name for name in available if name in requested]
        elif requested:
            names = [name for name in names if name not in requested]
    if errors:
        raise ValidationError(errors)
    return names


def exported(queryset, columns, key):
    """A whole filtered list about to be exported, read through its filters' indexes when its count says it
    holds few matches (plans.sorted_matches): one bounded count, where walking the key's index to find few
    rows read most of the table (16 s at a million statements for an export of the last hour's changes)."""
    if not queryset.query.where:
        return queryset
    rows = Rows(queryset, columns)
    rows.count_key = key
    rows.counted()
    return plans.sorted_matches(queryset) if rows.few else queryset


class ListReads:
    """A list: a page (with the facets asked for), or the whole filtered list streamed as CSV."""

    @property
    def facet_names(self):
        """The facets this list may count (`?facets=`): its record type's (policy.facets)."""
        return list(facets.facets_of(self.model._meta.model_name))

    def requested_facets(self, request):
        names = facets.requested(request.query_params.get(facets.PARAMETER), self.facet_names)
        if names and request.accepted_renderer.format == "csv":
            raise ValidationError(
                {facets.PARAMETER: ["Facets are counted in the JSON list only; CSV has no place for them."]}
            )
        return names

    def list(self, request, *args, **kwargs):
        names = self.field_names(detail=False)
        queryset, columns = self.filter_queryset(self.get_queryset()), self.plan.columns(names)
        facet_names = self.requested_facets(request)
        if request.accepted_renderer.format == "csv" and not PAGE_PARAMETERS & set(request.query_params):
            return self.whole_list_csv(exported(queryset, columns, count_key(request)).values(*columns), names)
        # Counted without joins, paged by primary key first (policy.querying.pagination).
        page = self.paginate_queryset(Rows(queryset, columns))
        response = self.get_paginated_response(self.plan.represent(page, names, request))
        if facet_names:
            counts, current = facets.counted(queryset, facet_names, key=count_key(request))
            response.data[facets.PARAMETER], response.data[facets.STALE] = counts, not current
        return response

    def csv_header(self):
        """The columns of a CSV page, for one that has no rows."""
        return self.field_names(detail=False) if self.action == "list" else list(HistoryEntrySerializer().fields)

    def whole_list_csv(self, queryset, names):
        """The whole filtered list, streamed a chunk of rows at a time so memory stays flat at any size."""

        def chunks():
            rows = queryset.iterator(chunk_size=CSV_CHUNK)
            while chunk := list(itertools.islice(rows, CSV_CHUNK)):
                # Cells straight from the rows (ReadPlan.cells): no representation built to be flattened.
                yield self.plan.cells(chunk, names, self.request)

        text = self.request.accepted_renderer.stream(names, chunks())
        # A slot (or 429) and a write timeout, so stalled exports cannot hold every worker (exports.py).
        response = StreamingHttpResponse(exports.bounded(self.request, text), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{csv_filename(self.request)}"'
        return response


class DetailReads:
    """A detail: the record now (or `as_of=`), or 304 while `If-None-Match` names its version."""

    def retrieve(self, request, *args, **kwargs):
        reject_unknown_parameters(request, DETAIL_PARAMETERS)
        if "as_of" in request.query_params:
            return self.retrieve_as_of(parse_as_of(request.query_params["as_of"]))
        lookup = {self.lookup_field: self.get_lookup_value()}
        self.field_names(detail=True)  # a malformed `fields`/`omit` is a 400 before an unchanged record is a 304
        try:
            return self.unchanged_or_detail(request, lookup)
        except NotFound:
            # Still a 404, which a consumer of the change feed reads as "gone from this key" (a later entry
            # says where); a person reading it is told where the record is now.
            renamed = current_key(self.model, self.lookup_field, lookup[self.lookup_field])
            if renamed is None:
                raise
            url = reverse(f"{self.basename}-detail", kwargs={self.lookup_field: renamed}, request=request)
            name, old = self.model._meta.verbose_name, lookup[self.lookup_field]
            raise NotFound(f"No {name} with {self.lookup_field} “{old}”: it is now “{renamed}”, {url}") from None

    def unchanged_or_detail(self, request, lookup):
        if "If-None-Match" in request.headers:  # one cheap query may spare the whole representation
            row = self.model.objects.filter(**lookup).values(*VERSION).first()
            unchanged = row and self.not_modified(self.get_etag(row["id"], row["updated_at"]))
            if unchanged:
                return unchanged
        return self.detail_response(**lookup)

    def read_one(self, **lookup):
        """The record's representation and the row it was read from (with its version columns)."""
        names = self.field_names(detail=True)
        columns = self.plan.columns(names)
        columns += [column for column in VERSION if column not in columns]
        ((field, value),) = lookup.items()
        if field == self.lookup_field and isinstance(value, str):
            rows = Prepared.rows(self.model, field, value, columns)  # the detail's hot path
        else:
            rows = list(self.model.objects.filter(**lookup).values(*columns))
        if not rows:
            raise NotFound(
                f"No {self.model._meta.verbose_name} with {self.lookup_field} “{self.kwargs.get(self.lookup_field)}”."
            )
        return self.plan.represent(rows, names, self.request)[0], rows[0]

    def detail_response(self, status=200, headers=None, **lookup):
        data, row = self.read_one(**lookup)
        response = Response(data, status=status, headers=headers)
        return self.versioned(response, self.get_etag(row["id"], row["updated_at"]))


class Reads(ListReads, DetailReads):
    """A viewset's reads, lists and details alike over its read plan and the fields a request asks for."""

    @property
    def plan(self):
        return read_plan(self.serializer_class)

    def field_names(self, detail):
        """The representation's fields, narrowed by `fields=` and `omit=`."""
        return sparse_fields(self.plan.detail_names if detail else self.plan.list_names, self.request.query_params)
