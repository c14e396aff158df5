"""The admin site: Django's, with sign-in attempts limited as the token endpoint's are.

Wrong passwords beyond THROTTLE_LOGIN (per address and per username, one count shared with
`/api/v1/auth/token/`) are refused before the password is even checked — the right one too —
with the login page, a message saying how long to wait, 429 and `Retry-After` (issue #11,
item 12: 60 wrong passwords in 21 seconds, then the right one, had gone through).
"""

import math

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from .sign_in import sign_in_wait


class SignInForm(AdminAuthenticationForm):
    def clean(self):
        wait = sign_in_wait(self.request)
        if wait is not None:
            self.request.sign_in_wait = math.ceil(wait)
            raise ValidationError(
                f"Too many sign-in attempts. Try again in {self.request.sign_in_wait} seconds.", code="throttled"
            )
        return super().clean()


class AdminSite(admin.AdminSite):
    login_form = SignInForm

    def login(self, request, extra_context=None):
        response = super().login(request, extra_context)
        wait = getattr(request, "sign_in_wait", None)
        if wait is not None:
            response.status_code = 429
            response["Retry-After"] = str(wait)
        return response
