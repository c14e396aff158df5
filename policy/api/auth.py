"""`/api/v1/auth/token/`: DRF's token view, with sign-in attempts limited.

DRF's own view has no throttle at all (`throttle_classes = ()`): it accepted 8.4 password
guesses a second, each a full password hash that slowed every other request (issue #11,
item 1). Here attempts count per address and per username, together with the admin login's.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.settings import api_settings

from .throttling import SIGN_IN_THROTTLES, AnonRateThrottle


@extend_schema_view(
    post=extend_schema(
        summary="Get your API token",
        description="Send your username and password (JSON or form fields `username`, `password`); the answer is "
        '`{"token": "…"}`, to send as `Authorization: Token …` with every write. The same token until it is '
        "revoked (`manage.py api_token revoke`). Attempts are limited per address and per username (429 with "
        '`Retry-After`).\n\nExample body: `{"username": "editor", "password": "…"}`',
    )
)
class TokenView(ObtainAuthToken):
    throttle_classes = [AnonRateThrottle, *SIGN_IN_THROTTLES]
    # Our parsers: DRF's own JSON parser let a body nested thousands deep through as a 500.
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES
