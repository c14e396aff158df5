from django.urls import path
from django.views.decorators.cache import cache_page
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views
from .auth import TokenView
from .timeline import TimelineView

SCHEMA_CACHE_SECONDS = 3600


class DocsView(SpectacularSwaggerSplitView):
    # A page, not an API operation: OPTIONS would describe it through the page's HTML template
    # renderer, which has no template for that (a 500).
    http_method_names = ["get", "head"]


class Router(DefaultRouter):
    """The API root also lists the endpoints that are not resources."""

    extra_root_entries = {"timeline": "timeline", "schema": "schema", "docs": "docs"}

    def get_api_root_view(self, api_urls=None):
        list_name = self.routes[0].name
        entries = {prefix: list_name.format(basename=basename) for prefix, _, basename in self.registry}
        return self.APIRootView.as_view(api_root_dict={**entries, **self.extra_root_entries})


router = Router()
router.register("policies", views.PolicyViewSet, basename="policy")
router.register("aid-packages", views.AidPackageViewSet, basename="aidpackage")
router.register("statements", views.StatementViewSet, basename="statement")
router.register("statistics", views.StatisticViewSet, basename="statistic")
router.register("events", views.EventViewSet, basename="event")
router.register("actors", views.ActorViewSet, basename="actor")
router.register("countries", views.CountryViewSet, basename="country")
router.register("topics", views.TopicViewSet, basename="topic")
router.register("sources", views.SourceViewSet, basename="source")

urlpatterns = [
    # Generating the schema takes a few hundred milliseconds and it changes only with the code.
    path("schema/", cache_page(SCHEMA_CACHE_SECONDS)(SpectacularAPIView.as_view()), name="schema"),
    # The split view serves its start-up script as a file, which the Content-Security-Policy allows.
    path("docs/", DocsView.as_view(url_name="schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema", template_name="policy/redoc.html"), name="redoc"),
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("timeline/", TimelineView.as_view(), name="timeline"),
    *router.urls,
]
