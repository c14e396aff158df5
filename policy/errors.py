"""Errors Django answers itself (no view, or a view that crashed), in the API's shape under /api/.

DRF renders the errors its views raise; a URL no route matches, an uncaught exception, a host
not in ALLOWED_HOSTS reach Django's handlers instead, which answer HTML pages in production
(with DEBUG on, Django's technical pages answer first). A program reading the API gets
`{"detail": …}` JSON there too; the web pages and the admin keep HTML.
"""

from django.http import JsonResponse
from django.views import defaults

API_PREFIX = "/api/"


def for_api(request):
    return request.path_info.startswith(API_PREFIX)


def bad_request(request, exception):
    if for_api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if for_api(request):
        return JsonResponse({"detail": "You do not have permission to perform this action."}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if for_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if for_api(request):
        return JsonResponse({"detail": "Server error: the request could not be completed."}, status=500)
    return defaults.server_error(request)
