"""Rate limits: anonymous clients by address, signed-in ones by user, sign-in attempts by
address and by username, and an anonymous client's expensive requests by address.

The rates come from settings.THROTTLE_RATES, read on every request rather than once at import
as DRF's own classes do, so a deployment's environment (THROTTLE_ANON, THROTTLE_USER,
THROTTLE_LOGIN, THROTTLE_EXPENSIVE) and a test's settings override both take effect; sign-in
attempts are counted in policy.sign_in, which the admin's login shares. A rate of
None means no limit. Over the limit: 429 with `Retry-After` (seconds). A client's address is the
socket's unless REST_FRAMEWORK["NUM_PROXIES"] says how many proxies' X-Forwarded-For to trust.
"""

from rest_framework import throttling

# An anonymous client's expensive reads and sign-in attempts are limited below the API, since the
# pages (policy.web.throttling) and the admin's login share their counts.
from ..expensive_reads import ExpensiveRateThrottle, is_expensive
from ..sign_in import SIGN_IN_THROTTLES, SettingsRate, sign_in_wait

__all__ = [
    "SIGN_IN_THROTTLES",
    "AnonRateThrottle",
    "ExpensiveRateThrottle",
    "UserRateThrottle",
    "is_expensive",
    "sign_in_wait",
]


class AnonRateThrottle(SettingsRate, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(SettingsRate, throttling.UserRateThrottle):
    pass
