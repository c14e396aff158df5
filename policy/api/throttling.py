"""Rate limits: anonymous clients by address, signed-in ones by user, sign-in attempts by
address and by username, and an anonymous client's expensive requests by address.

The rates come from settings.THROTTLE_RATES, read on every request rather than once at import
as DRF's own classes do, so a deployment's environment (THROTTLE_ANON, THROTTLE_USER,
THROTTLE_LOGIN, THROTTLE_EXPENSIVE) and a test's settings override both take effect. A rate of
None means no limit. Over the limit: 429 with `Retry-After` (seconds). A client's address is the
socket's unless REST_FRAMEWORK["NUM_PROXIES"] says how many proxies' X-Forwarded-For to trust.
"""

import hashlib
from collections.abc import Mapping

from django.conf import settings
from rest_framework import throttling
from rest_framework.request import Request


class SettingsRate:
    def get_rate(self):
        return settings.THROTTLE_RATES.get(self.scope)


class AnonRateThrottle(SettingsRate, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(SettingsRate, throttling.UserRateThrottle):
    pass


def submitted_username(request):
    """The username a sign-in request names ('' if none): from DRF's parsed body or a form post."""
    data = request.data if isinstance(request, Request) else request.POST
    value = data.get("username") if isinstance(data, Mapping) else None
    return value.strip().casefold() if isinstance(value, str) else ""


class SignInAddressThrottle(SettingsRate, throttling.SimpleRateThrottle):
    """Sign-in attempts from one address, to any username. Works on a plain Django request too
    (the admin login), so the token endpoint and the admin share one count."""

    scope = "login"

    def get_cache_key(self, request, view):
        return f"throttle_login_address_{self.get_ident(request)}"


class SignInUsernameThrottle(SettingsRate, throttling.SimpleRateThrottle):
    """Sign-in attempts at one username, from any address: spreading guesses over many
    addresses does not multiply them."""

    scope = "login"

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
