"""`/<resource>/`: a record type's list for people — the API's filters, order, pages and facets,
read through the same FilterSet and paginator, and shown as a form, a table and counts.

The query is the API's: `/statements/?speaker=joe-biden&ordering=-said_on` is
`/api/v1/statements/?speaker=joe-biden&ordering=-said_on` as a page. Unknown or malformed
parameters are the API's 400, with its messages, on the page. Empty form fields (a form sends
every one) are dropped by a redirect, so addresses stay short and shareable.
"""

from urllib.parse import urlsplit

from django.http import Http404, QueryDict
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request

from .. import facets
from ..querying.pagination import NumberedPages, Rows, count_key
from ..querying.parameters import repeatable_filters, strictly_filtered
from . import columns as table
from .filter_form import controls

PAGE_PARAMETERS = ("page", "cursor")


def has_empty_values(query):
    return any(value == "" for _, values in query.lists() for value in values)


def without_empty(query):
    """The query without the empty values a submitted form carries."""
    kept = QueryDict(mutable=True)
    for name, values in query.lists():
        if values := [value for value in values if value != ""]:
            kept.setlist(name, values)
    return kept


def encoded(query, **changes):
    """`query` (a QueryDict) as a query string, with `changes` (None drops a parameter)."""
    params = query.copy()
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params.setlist(name, value if isinstance(value, list) else [value])
    return params.urlencode()


def relative(url):
    """A link the API's paginator built (absolute), as a path and query."""
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def sort_headers(columns, current, query):
    """The columns' headings; a sortable one links to its order (`query` with it), reversed if `current`."""
    headers = []
    for column in columns:
        sort = None
        if column.sort:
            state = "ascending" if current == column.sort else "descending" if current == f"-{column.sort}" else None
            target = f"-{column.sort}" if state == "ascending" else column.sort
            sort = {"href": "?" + encoded(query, ordering=target), "state": state}
        headers.append({"label": column.label, "sort": sort})
    return headers


def facet_change(query, repeatable, params, active):
    """What a facet entry's link does to `query`: a value already chosen is removed (the others of its
    parameter stay); a new value of a repeatable filter joins the chosen ones (repeat = OR, as
    in the API); a year's date range replaces the range chosen."""
    change = {}
    for name, value in params.items():
        chosen = query.getlist(name)
        if active:
            change[name] = [v for v in chosen if v != str(value)] or None
        elif name in repeatable:
            change[name] = [*chosen, str(value)]
        else:
            change[name] = str(value)
    return change


def entry_params(facet, value, query):
    """The parameters a facet's entry sets. A year's date range is cut to the range chosen, so that its
    link lists the records its count counts (within March 2021, “2021 · 1” linked to the whole year's 6);
    a range that already lies in the year is that year chosen: its entry is marked, its link removes it."""
    params = facet.filter_params(value)
    if not facet.year:
        return params
    after, before = query.get("date_after") or "", query.get("date_before") or "9999-12-31"
    return {"date_after": max(params["date_after"], after), "date_before": min(params["date_before"], before)}


class ListPage:
    """One page of a resource's list: filters applied (or the API's 400), rows, facets, links."""

    page_size = None  # the API's (settings.REST_FRAMEWORK)

    def __init__(self, resource, request):
        self.resource, self.request = resource, Request(request)
        self.filterset_class = resource.filterset_class
        self.query = request.GET
        self.columns = table.columns_for(resource)
        self.errors = {}

    def filter_query(self):
        """The query without its page: what the facets, sort links and exports keep."""
        return QueryDict(encoded(self.query, **dict.fromkeys(PAGE_PARAMETERS)), mutable=True)

    def filtered(self):
        # The web's own parameters only (the API's `format`, `fields`, `page_size` are not the page's).
        queryset = self.resource.model.objects.order_by(self.resource.key)
        return strictly_filtered(self.request, queryset, self.filterset_class, known=PAGE_PARAMETERS)

    def context(self):
        try:
            queryset = self.filtered()
            pages = NumberedPages(self.page_size)
            rows = pages.paginate_queryset(
                Rows(queryset, table.value_columns(self.columns, self.resource)), self.request
            )
        except ValidationError as error:
            self.errors = error.detail if isinstance(error.detail, dict) else {"": error.detail}
            return self.base_context() | {"status": 400}
        except NotFound as missing:  # a page past the last, as in the API
            raise Http404(str(missing.detail)) from None
        count, number, following, previous = pages.links()
        return self.base_context() | {
            "status": 200,
            "rows": table.table_rows(self.resource, self.columns, rows),
            "count": count,
            "count_is_exact": pages.count_is_exact_now,
            "page_number": number,
            "next": relative(following),
            "previous": relative(previous),
            **self.facets(queryset),
        }

    def base_context(self):
        return {
            "resource": self.resource,
            "controls": controls(self.filterset_class, self.query, self.errors),
            "filtered": any(name not in PAGE_PARAMETERS for name in self.query),
            "advanced": any(name not in (*PAGE_PARAMETERS, "search", "ordering") for name in self.query),
            "errors": [{"name": name, "messages": [str(m) for m in found]} for name, found in self.errors.items()],
            "headers": sort_headers(self.columns, self.query.get("ordering", ""), self.filter_query()),
            "json_url": self.api_link(self.query, facets=",".join(self.resource.type.facets) or None),
            "csv_url": self.api_link(self.filter_query(), format="csv"),
        }

    def api_link(self, query, **extra):
        params = encoded(query, **{name: value for name, value in extra.items() if value})
        return f"{self.resource.api_url()}?{params}" if params else self.resource.api_url()

    def facets(self, queryset):
        """Each declared facet's entries, each linking to the list with its filter set (or removed),
        and whether the counts are from before the latest write (being recounted)."""
        shown = []
        declared = facets.facets_of(self.resource.name)
        counts, current = facets.counted(queryset, list(declared), key=count_key(self.request))
        kept, repeatable = self.filter_query(), repeatable_filters(self.filterset_class)  # the same for every entry
        for name, entries in counts.items():
            facet = declared[name]
            for entry in entries:
                value = entry[facet.key]
                params = entry_params(facet, value, self.query)
                active = all(str(v) in self.query.getlist(k) for k, v in params.items())
                href = "?" + encoded(kept, **facet_change(self.query, repeatable, params, active))
                entry.update(value=value, active=active, href=href)
            if entries:
                shown.append({"name": name, "label": name.replace("_", " ").capitalize(), "entries": entries})
        return {"facets": shown, "facets_stale": not current}
