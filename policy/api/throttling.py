"""Rate limits: anonymous clients by address, signed-in ones by user, sign-in attempts by
address and by username, and an anonymous client's expensive requests by address.

The rates come from settings.THROTTLE_RATES, read on every request rather than once at import
as DRF's own classes do, so a deployment's environment (THROTTLE_ANON, THROTTLE_USER,
THROTTLE_LOGIN, THROTTLE_EXPENSIVE) and a test's settings override both take effect. A rate of
None means no limit. Over the limit: 429 with `Retry-After` (seconds). A client's address is the
socket's unless REST_FRAMEWORK["NUM_PROXIES"] says how many proxies' X-Forwarded-For to trust.
"""

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Mapping

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from rest_framework import throttling
from rest_framework.request import Request


class SettingsRate:
    def get_rate(self):
        return settings.THROTTLE_RATES.get(self.scope)


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


def submitted_username(request):
    """The username a sign-in request names ('' if none): from DRF's parsed body or a form post."""
    data = request.data if isinstance(request, Request) else request.POST
    value = data.get("username") if isinstance(data, Mapping) else None
    return value.strip().casefold() if isinstance(value, str) else ""


@contextlib.contextmanager
def sign_in_lock(alias):
    """Around a sign-in count's read and write: exclusive across the server's processes when the
    count is kept in files (Redis, where it is shared anyway, needs no lock here). The lock file is
    in the cache's own directory, as its settings name it (not the backend's private `_dir`)."""
    if not isinstance(caches[alias], FileBasedCache):
        yield
        return
    directory = os.path.abspath(settings.CACHES[alias]["LOCATION"])
    os.makedirs(directory, mode=0o700, exist_ok=True)
    with open(os.path.join(directory, "lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


class SignInThrottle(SettingsRate, throttling.SimpleRateThrottle):
    """Sign-in attempts, counted in the "sign_in" cache: one count for every worker of a server
    (settings.CACHES), so five gunicorn workers do not allow five times the rate."""

    scope = "login"
    cache_alias = "sign_in"

    @property
    def cache(self):
        return caches[self.cache_alias]

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        with sign_in_lock(self.cache_alias):
            return super().allow_request(request, view)


class SignInAddressThrottle(SignInThrottle):
    """Sign-in attempts from one address, to any username. Works on a plain Django request too
    (the admin login), so the token endpoint and the admin share one count."""

    def get_cache_key(self, request, view):
        return f"throttle_login_address_{self.get_ident(request)}"


class SignInUsernameThrottle(SignInThrottle):
    """Sign-in attempts at one username, from any address: spreading guesses over many
    addresses does not multiply them."""

    def get_cache_key(self, request, view):
        username = submitted_username(request)
        if not username:
            return None  # nothing to guess at: the address's count still applies
        return f"throttle_login_username_{hashlib.sha256(username.encode()).hexdigest()}"


SIGN_IN_THROTTLES = (SignInAddressThrottle, SignInUsernameThrottle)


def sign_in_wait(request):
    """None if this sign-in attempt may go ahead (it is then counted), else the seconds to wait."""
    waits = []
    for throttle in (cls() for cls in SIGN_IN_THROTTLES):
        if not throttle.allow_request(request, None):
            waits.append(throttle.wait())
    return max(waits) if waits else None
