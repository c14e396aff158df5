"""Warm a server before it takes requests: the first request of each kind in a new process costs
10–100 times what the next one does (Django's URL resolver, DRF's settings and negotiation, each
resource's FilterSet, serializer and SQL shapes, the page templates are built on first use): 1.5 s
for the first list and 100–250 ms for each other kind, measured in a new process (issue #18).

gunicorn.conf.py loads the application once in gunicorn's master (`preload_app`), sends it the
requests `paths()` lists through its own WSGI callable, closes the connections they opened, and then
forks the workers, which start with all of that built. Every request is a GET that reads: a page of
one row, a search for a word no record holds, an empty CSV export, one record, a cursor page, the
timeline and the pages. The bench adds its floor's URLs (settings.WARM_UP_ALSO).
"""

import base64
import gc
import io
import json
import logging
import sys
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import connections

from . import records

logger = logging.getLogger(__name__)

# TEST-NET-1 (RFC 5737): an address no client has, so no client's export quota counts these.
WARM_UP_ADDRESS = "192.0.2.1"
NOWHERE = "zqxjkv"  # a word no record holds: search is exercised without reading a million matches
FUTURE = {"updated_after": "2999-01-01"}  # an export of no rows takes the streaming path all the same


def boundary(record_type):
    """(key, id) of the type's first record in its default order, or None when it has none."""
    return record_type.model._default_manager.order_by(record_type.key, "pk").values_list(record_type.key, "pk").first()


def cursor(key, pk, record_type):
    payload = json.dumps({"d": "after", "o": [record_type.key, "pk"], "v": [key, pk]})
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def record_paths(record_type):
    api = f"/api/v1/{record_type.resource}/"
    yield api + "?page_size=1", "json"
    yield api + "?" + urlencode({"page_size": 1, "search": NOWHERE}), "json"
    yield api + "?" + urlencode({"format": "csv", **FUTURE}), "csv"
    yield api + "?format=csv&page_size=1", "csv"
    if record_type.dates:
        dated = {"date_after": "2000-01-01", "date_before": "2000-01-31", "ordering": f"-{record_type.dates[0]}"}
        yield api + "?" + urlencode({**dated, "page_size": 1}), "json"
    first = boundary(record_type)
    if first is not None:
        key, pk = first
        yield f"{api}{key}/", "json"
        yield api + "?" + urlencode({"page_size": 1, "cursor": cursor(key, pk, record_type)}), "json"


def paths():
    """(path, what to accept) of every request the warm-up sends."""
    yield "/api/v1/", "json"
    for record_type in records.TYPES:
        yield from record_paths(record_type)
    yield "/api/v1/timeline/?page_size=1", "json"
    yield "/api/v1/search/?" + urlencode({"q": NOWHERE}), "json"
    for path in getattr(settings, "WARM_UP_ALSO", ()):
        yield path, "json"
    if pages_can_render():
        yield "/", "html"
        yield "/timeline/", "html"
        yield "/search/?" + urlencode({"q": NOWHERE}), "html"
        for record_type in records.TYPES:
            yield from record_pages(record_type)


def pages_can_render():
    """Whether the pages' static files are where production serves them from (collectstatic has run):
    without them every page is a 500, which the warm-up would only repeat into the log."""
    try:
        staticfiles_storage.url("policy/site.css")
    except ValueError:
        return False
    return True


def record_pages(record_type):
    yield f"/{record_type.resource}/", "html"
    first = boundary(record_type)
    if first is not None:
        yield f"/{record_type.resource}/{first[0]}/", "html"


ACCEPT = {"json": "application/json", "csv": "text/csv", "html": "text/html,application/xhtml+xml,*/*;q=0.8"}


def get(application, path, accept):
    """The status of one GET sent straight to the WSGI callable, its body read to the end."""
    route, _, query = path.partition("?")
    host = next((name for name in settings.ALLOWED_HOSTS if name != "*" and not name.startswith(".")), "localhost")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": route,
        "QUERY_STRING": query,
        "SERVER_NAME": host,
        "SERVER_PORT": "443" if settings.SECURE_SSL_REDIRECT else "80",
        "HTTP_HOST": host,
        "HTTP_ACCEPT": ACCEPT[accept],
        "REMOTE_ADDR": WARM_UP_ADDRESS,
        "wsgi.url_scheme": "https" if settings.SECURE_SSL_REDIRECT else "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if settings.SECURE_SSL_REDIRECT:  # as the proxy in front says a request came over HTTPS
        header, value = getattr(settings, "SECURE_PROXY_SSL_HEADER", None) or ("HTTPS", "on")
        environ[header] = value
    statuses = []
    body = application(environ, lambda status, headers, exc_info=None: statuses.append(status))
    try:
        for _ in body:
            pass
    finally:
        getattr(body, "close", lambda: None)()
    return int(statuses[0].split()[0])


def warm(application):
    """Send `paths()` to `application`; {path: status}. Never raises: a server that cannot warm up
    (a database not migrated yet) starts cold, as it did before, and the log says why."""
    started, answered = time.monotonic(), {}
    # Rates are read from the settings on every request (policy.sign_in.SettingsRate): none while warming
    # up, which sends more requests than an anonymous client may, and leaves no client's count behind.
    rates, settings.THROTTLE_RATES = settings.THROTTLE_RATES, {}
    try:
        for path, accept in paths():
            answered[path] = get(application, path, accept)
    except Exception:  # whatever went wrong, serving must not depend on warming up
        logger.exception("warm-up stopped after %d requests", len(answered))
    finally:
        settings.THROTTLE_RATES = rates
        connections.close_all()  # a forked worker must open its own
    failed = {path: status for path, status in answered.items() if status != 200}
    logger.log(
        logging.WARNING if failed else logging.INFO,
        "warm-up: %d requests in %.1f s%s",
        len(answered),
        time.monotonic() - started,
        f"; not 200: {failed}" if failed else "",
    )
    # What the warm-up built lives as long as the process: kept out of every later collection, and
    # shared with the forked workers rather than copied when a collection would touch it.
    gc.collect()
    gc.freeze()
    return answered
