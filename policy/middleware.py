"""Requests that no view can answer sensibly are refused before they reach one.

PostgreSQL cannot store or even compare text containing a NUL character: a `%00` in a URL or
a query parameter would otherwise surface as a database error (a 500) in whatever lookup or
filter first touches it — on PostgreSQL only. One check here covers the API, the admin and
the web pages; request bodies are checked by the API's parsers (policy.api.parsers).

Every response also gets the site's Content-Security-Policy header.
"""

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.http import JsonResponse

NUL = "\x00"
MESSAGE = "The URL contains a NUL character (%00), which no record, key or filter can hold."


def has_nul(values):
    return any(NUL in value for value in values)


class RejectNulCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            query = [text for key, values in request.GET.lists() for text in (key, *values)]
        except TooManyFieldsSent:
            limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
            return JsonResponse({"detail": f"The URL has more than {limit} query parameters."}, status=400)
        if NUL in request.path_info or has_nul(query):
            return JsonResponse({"detail": MESSAGE}, status=400)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Adds settings.CONTENT_SECURITY_POLICY to every response that has none (Django 5.2 has no CSP of its own)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class ReleaseViewMiddleware:
    """Frees a DRF view's page as soon as its body is sent, not at the next full garbage collection.

    A DRF view, its request and its response name one another (the response's renderer context names the
    view and the response itself; the view keeps the request, the response and its paginator's rows; the
    request's parser context names the view): a cycle, which reference counting never frees. Only a full
    collection does, and in a worker that has loaded Django that runs about once in 150 requests, so the
    pages, rows and rendered bodies of the requests in between stay in memory: never-repeated searches
    raised a PostgreSQL worker by 10 MB (issue #18). Once the response is rendered nothing reads the view's
    state or the response's context again, so both are dropped here, outermost, after every other
    middleware has seen the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        context = getattr(response, "renderer_context", None)
        if context is not None and getattr(response, "is_rendered", False):
            view = context.get("view")
            if view is not None:
                vars(view).clear()
            del response.renderer_context
        return response
