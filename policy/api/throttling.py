"""Rate limits for anonymous clients (by IP address) and signed-in ones (by user).

The rates come from settings.THROTTLE_RATES, read on every request rather than once at import
as DRF's own classes do, so a deployment's environment (THROTTLE_ANON, THROTTLE_USER) and a
test's settings override both take effect. A rate of None means no limit. Over the limit:
429 with `Retry-After` (seconds).
"""

from django.conf import settings
from rest_framework import throttling


class SettingsRate:
    def get_rate(self):
        return settings.THROTTLE_RATES.get(self.scope)


class AnonRateThrottle(SettingsRate, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(SettingsRate, throttling.UserRateThrottle):
    pass
