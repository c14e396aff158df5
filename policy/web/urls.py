from django.urls import path

from . import search, views
from .resources import RESOURCES
from .timeline import timeline_page

app_name = "web"

# One explicit pair of routes per record type (no catch-all): `/policies/`, `/policies/<slug>/`.
urlpatterns = [
    path("", views.home, name="home"),
    # Browsers ask for /favicon.ico on every page, the admin's and the API's too.
    path("favicon.ico", views.favicon),
    path("timeline/", timeline_page, name="timeline"),
    path("search/", search.search_page, name="search"),
    *(path(f"{prefix}/", views.record_list, {"resource": prefix}, name="list") for prefix in RESOURCES),
    *(path(f"{prefix}/<str:key>/", views.record_page, {"resource": prefix}, name="record") for prefix in RESOURCES),
]
