"""Which reads are expensive — a search, a whole-list CSV export, a deep page: the reads whose cost
grows with the table — and the rate an anonymous client's expensive reads share, by address
(THROTTLE_EXPENSIVE). Below the API, because the API (policy.api.throttling) and the pages
(policy.web.throttling) count them in one allowance.
"""

from django.conf import settings
from rest_framework import throttling

from .sign_in import SettingsRate


def whole_number(raw, default):
    # isdigit() alone admits "²", which int() refuses.
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else default


def page_offset(request):
    """Rows a page-number request asks to skip, read leniently (the paginator validates); a page
    too long to read, or `page=last` (only the count knows where it is), counts as deep."""
    params = request.query_params
    page = params.get("page", "1")
    if page == "last" or (page.isascii() and page.isdigit() and len(page) > 9):
        return settings.EXPENSIVE_PAGE_OFFSET
    size = min(whole_number(params.get("page_size", ""), settings.REST_FRAMEWORK["PAGE_SIZE"]), 1000)
    return max(whole_number(page, 1) - 1, 0) * size


def is_expensive(request):
    """A search, a whole-list CSV export or a deep page: the reads whose cost grows with the table."""
    params = request.query_params
    if request.method not in ("GET", "HEAD"):
        return False
    if params.get("search", "").strip() or params.get("q", "").strip():  # a list's search, or /search/
        return True
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is not None and renderer.format == "csv" and not {"page", "page_size", "cursor"} & set(params):
        return True
    return page_offset(request) >= settings.EXPENSIVE_PAGE_OFFSET


class ExpensiveRateThrottle(SettingsRate, throttling.AnonRateThrottle):
    """An anonymous client's expensive reads, by address, on top of its overall rate: a few
    hundred milliseconds each at scale, they would otherwise be 120 a minute too."""

    scope = "expensive"

    def allow_request(self, request, view):
        return not is_expensive(request) or super().allow_request(request, view)
