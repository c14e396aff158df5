"""Sign-in attempts, limited per address and per username with one count for every worker of a
server: shared by the API's token endpoint (policy.api.auth) and the admin's login
(policy.admin_site), so it lives below both.

The rate is settings.THROTTLE_RATES["login"] (THROTTLE_LOGIN), read on every attempt; None means
no limit. Over it: the seconds to wait (`sign_in_wait`), which both callers answer with 429.
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
    """A throttle whose rate is read from settings.THROTTLE_RATES on every request (DRF's classes read
    it once, at import), so a deployment's environment and a test's settings override take effect."""

    def get_rate(self):
        return settings.THROTTLE_RATES.get(self.scope)


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
