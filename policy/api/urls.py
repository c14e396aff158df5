from django.urls import path, reverse
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.response import Response
from rest_framework.routers import APIRootView, DefaultRouter, SimpleRouter

from .. import filtersets, records
from ..representation import serializer_for
from . import views
from .auth import TokenView
from .changes import ChangesView
from .datapackage import DataPackageView
from .openapi import SchemaView
from .renderers import BrowsableAPIRenderer, JSONRenderer
from .search import SearchView
from .suggestions import SuggestionViewSet
from .timeline import TimelineView


class DocsView(SpectacularSwaggerSplitView):
    # A page, not an API operation: OPTIONS would describe it through the page's HTML template
    # renderer, which has no template for that (a 500).
    http_method_names = ["get", "head"]


class RootView(APIRootView):
    """The API root: JSON or the browsable page (a CSV of links is no list). Its links do not carry the
    root's own `?format=` or `.json` suffix, as DRF's reverse makes them do: the docs, the schema, the
    search and the zip refused `?format=api` or `csv` (a 400), and a suffix left the others out."""

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]

    def get(self, request, *args, **kwargs):
        namespace = request.resolver_match.namespace
        return Response(
            {
                key: request.build_absolute_uri(reverse(f"{namespace}:{name}" if namespace else name))
                for key, name in self.api_root_dict.items()
            }
        )


class Router(DefaultRouter):
    """The API root also lists the endpoints that are not resources; a list also takes PATCH (NetBox's
    bulk update: policy.api.bulk)."""

    routes = [
        DefaultRouter.routes[0]._replace(mapping={**DefaultRouter.routes[0].mapping, "patch": "bulk_partial_update"}),
        *DefaultRouter.routes[1:],
    ]
    APIRootView = RootView
    extra_root_entries = {
        "search": "search",
        "timeline": "timeline",
        "changes": "changes",
        "datapackage": "datapackage",
        "schema": "schema",
        "docs": "docs",
    }

    def get_api_root_view(self, api_urls=None):
        list_name = self.routes[0].name
        entries = {prefix: list_name.format(basename=basename) for prefix, _, basename in self.registry}
        return self.APIRootView.as_view(api_root_dict={**entries, **self.extra_root_entries})


def viewset_for(record_type):
    """The type's ViewSet: the one written in policy.api.views (`<Model>ViewSet`), else the shared
    RecordViewSet over the type's serializer and FilterSet, looked up by its key."""
    name = f"{record_type.model.__name__}ViewSet"
    written = getattr(views, name, None)
    if written is not None:
        return written

    def get_lookup_value(self):
        return record_type.normalise_key(self.kwargs[self.lookup_field])

    attrs = {
        "serializer_class": serializer_for(record_type),
        "filterset_class": filtersets.filterset_for(record_type),
        "lookup_field": record_type.key,
        "get_lookup_value": get_lookup_value,
    }
    return type(name, (views.RecordViewSet,), attrs)


# One route per declared record type (policy.records), in the declarations' order.
router = Router()
for record_type in records.TYPES:
    router.register(record_type.resource, viewset_for(record_type), basename=record_type.model_name)

# The review queue is for editors: routed apart, so the API root (a public list) does not name it.
suggestions = SimpleRouter()
suggestions.register("suggestions", SuggestionViewSet, basename="suggestion")

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    # The split view serves its start-up script as a file, which the Content-Security-Policy allows.
    path("docs/", DocsView.as_view(url_name="schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema", template_name="policy/redoc.html"), name="redoc"),
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("search/", SearchView.as_view(), name="search"),
    path("timeline/", TimelineView.as_view(), name="timeline"),
    path("changes/", ChangesView.as_view(), name="changes"),
    path("datapackage.zip", DataPackageView.as_view(), name="datapackage"),
    *router.urls,
    *suggestions.urls,
]
