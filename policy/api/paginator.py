"""The API's paginator (settings.REST_FRAMEWORK): DRF's plug-in over policy.querying.pagination,
which pages the lists, their counts and cursors; here only what is the API's own: the answer
`{"count", "next", "previous", "results"}`, the browsable API's page links and the schema."""

from django.conf import settings
from rest_framework import pagination
from rest_framework.response import Response

from ..querying.pagination import NumberedPages

CURSOR_PARAMETER = {
    "name": NumberedPages.cursor_query_param,
    "required": False,
    "in": "query",
    "description": "Keyset pagination: empty for the first page, then the cursor of a `next`/`previous` "
    "link. Pages cost the same at any depth. Not with `page`.",
    "schema": {"type": "string"},
}


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = NumberedPages.page_size_query_param
    max_page_size = NumberedPages.max_page_size
    page_query_description = (
        "A page number from 1, or `last`. A page that would skip more than 10,000 rows (MAX_PAGE_OFFSET) "
        "is a 400 saying how to reach it: on a list, `cursor=`."
    )

    def paginate_queryset(self, queryset, request, view=None):
        self.request, self.pages = request, NumberedPages(self.page_size)
        rows = self.pages.paginate_queryset(queryset, request)
        self.page = self.pages.page
        self.display_page_controls = (
            self.template is not None and self.page is not None and (self.page.has_next() or self.page.number > 1)
        )
        return rows

    def get_next_link(self):
        return self.pages.get_next_link()

    def get_previous_link(self):
        return self.pages.get_previous_link()

    def get_paginated_response(self, data):
        count, _, following, previous = self.pages.links()
        bound = {} if self.pages.count_is_exact_now else {"count_is_exact": False}  # only then: DESIGN.md's envelope
        return Response({"count": count, **bound, "next": following, "previous": previous, "results": data})

    def get_paginated_response_schema(self, schema):
        return with_count_bound(super().get_paginated_response_schema(schema))

    def get_schema_operation_parameters(self, view):
        if getattr(view, "action", None) != "list":  # history and the timeline page by number only
            return super().get_schema_operation_parameters(view)
        return [*super().get_schema_operation_parameters(view), CURSOR_PARAMETER]


def with_count_bound(described):
    """The paginated response's schema, with the count's bound documented (`count_is_exact`)."""
    properties = described["properties"]
    properties["count"]["description"] = (
        f"How many records the list holds, counted up to {settings.COUNT_LIMIT:,} (COUNT_LIMIT) on the growing "
        "record types; beyond, this limit, and `count_is_exact` is false."
    )
    count_is_exact = {
        "type": "boolean",
        "description": "Present, and false, only when there are more records than `count`: counting stopped at "
        "COUNT_LIMIT. The last page's `count` is always exact.",
    }
    described["properties"] = {"count": properties.pop("count"), "count_is_exact": count_is_exact, **properties}
    return described
