"""Rate limits: anonymous clients by address, signed-in ones by user, sign-in attempts by
address and by username, and an anonymous client's expensive requests by address.

The rates come from settings.THROTTLE_RATES, read on every request rather than once at import
as DRF's own classes do, so a deployment's environment (THROTTLE_ANON, THROTTLE_USER,
THROTTLE_LOGIN, THROTTLE_EXPENSIVE) and a test's settings override both take effect; sign-in
attempts are counted in policy.sign_in, which the admin's login shares. A rate of
None means no limit. Over the limit: 429 with `Retry-After` (seconds). A client's address is the
socket's unless REST_FRAMEWORK["NUM_PROXIES"] says how many proxies' X-Forwarded-For to trust.
"""

from django.conf import settings
from rest_framework import throttling

# Sign-in attempts are limited below the API, since the admin's login shares their count.
from ..sign_in import SIGN_IN_THROTTLES, SettingsRate, sign_in_wait

__all__ = ["SIGN_IN_THROTTLES", "AnonRateThrottle", "ExpensiveRateThrottle", "UserRateThrottle", "sign_in_wait"]


class AnonRateThrottle(SettingsRate, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(SettingsRate, throttling.UserRateThrottle):
    pass


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


class ExpensiveRateThrottle(AnonRateThrottle):
    """An anonymous client's expensive reads, by address, on top of its overall rate: a few
    hundred milliseconds each at scale, they would otherwise be 120 a minute too."""

    scope = "expensive"

    def allow_request(self, request, view):
        return not is_expensive(request) or super().allow_request(request, view)
