"""`/<resource>/`: a record type's list for people — the API's filters, order, pages and facets,
read through the same FilterSet and paginator, and shown as a form, a table and counts.

The query is the API's: `/statements/?speaker=joe-biden&ordering=-said_on` is
`/api/v1/statements/?speaker=joe-biden&ordering=-said_on` as a page. Unknown or malformed
parameters are the API's 400, with its messages, on the page. Empty form fields (a form sends
every one) are dropped by a redirect, so addresses stay short and shareable.
"""

from types import SimpleNamespace
from urllib.parse import urlsplit

import django_filters
from django.http import Http404, QueryDict
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request

from .. import facets
from ..api.filtering import StrictFilterBackend, reject_unknown_parameters
from ..api.pagination import PageNumberPagination, Rows, count_key
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


class ListPage:
    """One page of a resource's list: filters applied (or the API's 400), rows, facets, links."""

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
        filters = self.filterset_class.base_filters
        repeatable = {name for name, f in filters.items() if isinstance(f, django_filters.MultipleChoiceFilter)}
        reject_unknown_parameters(self.request, {*filters, *PAGE_PARAMETERS}, repeatable)
        view = SimpleNamespace(filterset_class=self.filterset_class, extra_query_parameters=PAGE_PARAMETERS)
        queryset = self.resource.model.objects.order_by(self.resource.key)
        return StrictFilterBackend().filter_queryset(self.request, queryset, view)

    def context(self):
        try:
            queryset = self.filtered()
            paginator = PageNumberPagination()
            rows = paginator.paginate_queryset(
                Rows(queryset, table.value_columns(self.columns, self.resource)), self.request
            )
        except ValidationError as error:
            self.errors = error.detail if isinstance(error.detail, dict) else {"": error.detail}
            return self.base_context() | {"status": 400}
        except NotFound as missing:  # a page past the last, as in the API
            raise Http404(str(missing.detail)) from None
        return self.base_context() | {
            "status": 200,
            "rows": table.table_rows(self.resource, self.columns, rows),
            "count": paginator.page.paginator.count if paginator.cursor_page is None else paginator.cursor_page.count,
            "count_is_exact": paginator.count_is_exact
            if paginator.cursor_page is None
            else paginator.cursor_page.count_is_exact,
            "page_number": paginator.page.number if paginator.cursor_page is None else None,
            "next": relative(
                paginator.get_next_link() if paginator.cursor_page is None else paginator.cursor_page.next
            ),
            "previous": relative(
                paginator.get_previous_link() if paginator.cursor_page is None else paginator.cursor_page.previous
            ),
            "facets": self.facets(queryset),
        }

    def base_context(self):
        return {
            "resource": self.resource,
            "controls": controls(self.filterset_class, self.query, self.errors),
            "filtered": any(name not in PAGE_PARAMETERS for name in self.query),
            "advanced": any(name not in (*PAGE_PARAMETERS, "search", "ordering") for name in self.query),
            "errors": [
                {"name": name, "messages": [str(m) for m in messages]} for name, messages in self.errors.items()
            ],
            "headers": self.headers(),
            "json_url": self.api_link(self.query, facets=",".join(self.resource.type.facets) or None),
            "csv_url": self.api_link(self.filter_query(), format="csv"),
        }

    def api_link(self, query, **extra):
        params = encoded(query, **{name: value for name, value in extra.items() if value})
        return f"{self.resource.api_url()}?{params}" if params else self.resource.api_url()

    def headers(self):
        """The columns' headings; a sortable one links to its order, reversed if already chosen."""
        current = self.query.get("ordering", "")
        headers = []
        for column in self.columns:
            sort = None
            if column.sort:
                state = (
                    "ascending" if current == column.sort else "descending" if current == f"-{column.sort}" else None
                )
                target = f"-{column.sort}" if state == "ascending" else column.sort
                sort = {"href": "?" + encoded(self.filter_query(), ordering=target), "state": state}
            headers.append({"label": column.label, "sort": sort})
        return headers

    def facets(self, queryset):
        """Each declared facet's entries, each linking to the list with its filter set (or removed)."""
        shown = []
        declared = facets.facets_of(self.resource.name)
        for name, entries in facets.counted(queryset, list(declared), key=count_key(self.request)).items():
            facet = declared[name]
            for entry in entries:
                value = entry[facet.key]
                params = facet.filter_params(value)
                active = all(str(v) in self.query.getlist(k) for k, v in params.items())
                change = dict.fromkeys(params) if active else params
                entry.update(value=value, active=active, href="?" + encoded(self.filter_query(), **change))
            if entries:
                shown.append({"name": name, "label": name.replace("_", " ").capitalize(), "entries": entries})
        return shown
