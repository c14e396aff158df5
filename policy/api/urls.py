from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from . import views
from .timeline import TimelineView

router = DefaultRouter()
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
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("auth/token/", obtain_auth_token, name="auth-token"),
    path("timeline/", TimelineView.as_view(), name="timeline"),
    *router.urls,
]
