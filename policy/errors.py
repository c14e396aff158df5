"""Errors Django answers itself (no view, or a view that crashed), in the API's shape under /api/.

DRF renders the errors its views raise; a URL no route matches, an uncaught exception, a host
not in ALLOWED_HOSTS reach Django's handlers instead, which answer HTML pages in production
(with DEBUG on, Django's technical pages answer first). A program reading the API gets
`{"detail": …}` JSON there too; the web pages and the admin keep HTML.
"""

from django.http import HttpResponse, HttpResponseNotFound, JsonResponse
from django.urls import is_valid_path
from django.utils.html import escape
from django.views import defaults
from rest_framework.response import Response

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
    try:
        return defaults.page_not_found(request, exception)  # the site's page (templates/404.html)
    except ValueError:  # its stylesheet is missing from the static files' manifest (no collectstatic yet)
        message = exception.args[0] if exception.args and isinstance(exception.args[0], str) else "Not found."
        body = f"<!doctype html>\n<title>Not found</title>\n<h1>Not found</h1>\n<p>{escape(message)}</p>\n"
        return HttpResponseNotFound(body)


def server_error(request):
    if for_api(request):
        return JsonResponse({"detail": "Server error: the request could not be completed."}, status=500)
    return defaults.server_error(request)


class ApiErrorsMiddleware:
    """What no view answered. A write sent without the trailing slash is a 308 to the URL with it,
    which keeps the method and the body (Django's own redirect is a 301 that loses the body, and
    with DEBUG on a 500), on the pages too, where the slashed page then answers its 405. Under
    /api/, a URL no route matches is a JSON 404 with DEBUG on too (Django's technical page is HTML
    listing every route). Sits inside CommonMiddleware, which still redirects a GET without its slash."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or isinstance(response, Response):
            return response  # an API view's own answer (JSON, or the browsable API's page)
        if request.method not in ("GET", "HEAD") and self.slash_missing(request):
            location = request.get_full_path(force_append_slash=True)
            message = f"The URL ends with a slash: {location}"
            redirect = (
                JsonResponse({"detail": message}, status=308)
                if for_api(request)
                else HttpResponse(message, status=308, content_type="text/plain")
            )
            redirect["Location"] = location
            return redirect
        if not for_api(request):
            return response
        return JsonResponse({"detail": "Not found."}, status=404)

    @staticmethod
    def slash_missing(request):
        path = request.path_info
        return not path.endswith("/") and is_valid_path(f"{path}/", getattr(request, "urlconf", None))
