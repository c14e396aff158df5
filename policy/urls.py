from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("policy.api.urls")),
    path("", include("policy.web.urls")),
]

# Under /api/, errors Django answers itself are JSON too (policy.errors).
handler400 = "policy.errors.bad_request"
handler403 = "policy.errors.permission_denied"
handler404 = "policy.errors.page_not_found"
handler500 = "policy.errors.server_error"
