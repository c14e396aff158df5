from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from . import search, views
from .resources import RESOURCES
from .timeline import timeline_page

app_name = "web"


def read_only(view):
    """The pages only read: any other method is a 405 naming GET and HEAD. CSRF-exempt, or the
    CSRF check (which runs before the view) would answer a write with its 403 page first."""
    return csrf_exempt(require_safe(view))


record_list, record_page = read_only(views.record_list), read_only(views.record_page)

# One explicit pair of routes per record type (no catch-all): `/policies/`, `/policies/<slug>/`.
urlpatterns = [
    path("", read_only(views.home), name="home"),
    # Browsers ask for /favicon.ico on every page, the admin's and the API's too.
    path("favicon.ico", read_only(views.favicon)),
    path("timeline/", read_only(timeline_page), name="timeline"),
    path("search/", read_only(search.search_page), name="search"),
    *(path(f"{prefix}/", record_list, {"resource": prefix}, name="list") for prefix in RESOURCES),
    *(path(f"{prefix}/<str:key>/", record_page, {"resource": prefix}, name="record") for prefix in RESOURCES),
]
