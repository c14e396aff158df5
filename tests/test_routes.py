"""Every route of the API and the web pages, found by walking the URLconf (not listed by hand, so a
new route is covered the day it is added), requested as a browser requests it and with OPTIONS.

A browser sends `Accept: text/html,…`, which gives the browsable API: the timeline answered 500 to
every browser (its bars on `/` link there) because the browsable renderer wanted a queryset.
Routes run inside the test's transaction except where noted: code that only breaks outside one
(an empty query compiled for reuse, `select_for_update` in autocommit) needs a transactional test.
"""

import re

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from policy.api.urls import router
from policy.curation import queue
from policy.models import Source, Suggestion
from policy.web.resources import RESOURCES

from .api_support import BROWSER, editor_user, key_of

# Routes asked with a query string: a search needs something to search for (without it, a 400).
QUERIES = {"search": "?q=lopez", "web:search": "?q=lopez"}
# Routes whose documented answer to a GET is not 200.
GET_STATUS = {"auth-token": 405, "web:favicon": 301}
# The docs are a page, not an operation: OPTIONS there is refused (it was a 500: no template for it).
OPTIONS_STATUS = {"docs": 405}
MODELS = {basename: viewset.serializer_class.Meta.model for _, viewset, basename in router.registry}
# Administrators' and editors' actions (a history entry's redaction, a source's suggestions): whoever is not
# signed in is asked to be, GET or OPTIONS.
ADMIN_ONLY = re.compile(r"-(?:redact|suggest)$")
# The review queue (policy.api.suggestions) is for editors, reads included; its actions take a POST.
EDITORS_ONLY = re.compile(r"^suggestion-")
QUEUE_ROUTES = ("suggestion-list", "suggestion-detail", "suggestion-accept", "suggestion-reject")


def anonymous_status(label, documented):
    name = label.split(" ")[0]
    return 401 if ADMIN_ONLY.search(name) or EDITORS_ONLY.search(name) else documented.get(name, 200)


def patterns(resolver=None, namespace=""):
    """(name, URLPattern) for every named route of the API and the web pages; the admin is Django's."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace != "admin":
                yield from patterns(entry, f"{entry.namespace}:" if entry.namespace else namespace)
        elif entry.name or entry.callback.__name__ == "favicon":
            yield f"{namespace}{entry.name or 'favicon'}", entry


def parameters(pattern):
    regex = pattern.pattern.regex
    return set(regex.groupindex)


def route_urls():
    """{label: url} for every route, each key parameter filled with a record that exists."""
    urls = {}
    for name, pattern in patterns():
        params = parameters(pattern)
        if "format" in params:  # `.json` suffix twins of the routes below
            continue
        if name == "web:favicon":
            urls[name] = "/favicon.ico"
            continue
        if EDITORS_ONLY.search(name):
            urls[name] = reverse(name, kwargs={"pk": a_suggestion().pk} if params else None)
            continue
        resource = pattern.default_args.get("resource")
        model = RESOURCES[resource].model if resource else MODELS.get(name.rsplit("-", 1)[0])
        kwargs = {param: key_of(model.objects.order_by("pk").first()) for param in params}
        url = reverse(name, kwargs={**kwargs, **pattern.default_args} or None)  # defaults pick the pattern
        urls[f"{name} {url}" if resource else name] = url + QUERIES.get(name, "")
    return urls


def a_suggestion():
    suggestion = Suggestion.objects.order_by("pk").first()
    if suggestion is None:
        fields = {"name": "Someone New", "kind": "person"}
        suggestion = queue.propose("actor", fields, source=Source.objects.first(), origin="person")
        suggestion.save()
    return suggestion


@pytest.fixture
def urls(db):
    return route_urls()


def test_the_walk_finds_every_kind_of_route(urls):
    """Guards the walk itself: lists, details, history, timeline, schema, docs, auth and pages."""
    names = {label.split(" ")[0] for label in urls}
    for basename in MODELS:
        assert {f"{basename}-list", f"{basename}-detail", f"{basename}-history"} <= names
    assert {
        "api-root",
        "timeline",
        "changes",
        "datapackage",
        "schema",
        "docs",
        "redoc",
        "auth-token",
        "web:home",
        "web:list",
    } <= names
    assert {"web:record", "web:favicon", "web:timeline", "search", "web:search"} <= names
    assert {f"{basename}-redact" for basename in MODELS} <= names
    assert set(QUEUE_ROUTES) <= names and "source-suggest" in names
    assert len(urls) == 4 * len(MODELS) + 9 + 4 + 2 * len(RESOURCES) + len(QUEUE_ROUTES) + 1


def test_every_route_answers_a_browser(urls):
    answers = {label: APIClient().get(url, HTTP_ACCEPT=BROWSER).status_code for label, url in urls.items()}
    expected = {label: anonymous_status(label, GET_STATUS) for label in urls}
    assert answers == expected


@pytest.mark.parametrize("user", ["anonymous", "editor"])
def test_every_api_route_answers_options(urls, django_user_model, user):
    client = APIClient()
    if user == "editor":
        client.force_authenticate(editor_user(django_user_model, "editor"))
    api = {label: url for label, url in urls.items() if url.startswith("/api/")}
    answers = {label: client.options(url).status_code for label, url in api.items()}
    if user == "editor":
        assert answers == {label: OPTIONS_STATUS.get(label, 200) for label in api}
        assert {label: answers[label] for label in QUEUE_ROUTES} == dict.fromkeys(QUEUE_ROUTES, 200)
    else:
        assert answers == {label: anonymous_status(label, OPTIONS_STATUS) for label in api}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_every_page_refuses_a_write_with_405(urls, method):
    """The pages only read: a write answered the page itself (200), or, with the CSRF check on as in
    a browser, Django's CSRF 403 page."""
    client = Client(enforce_csrf_checks=True)
    pages = {label: url for label, url in urls.items() if not url.startswith("/api/")}
    answers = {label: getattr(client, method)(url) for label, url in pages.items()}
    assert {label: (r.status_code, r["Allow"]) for label, r in answers.items()} == dict.fromkeys(
        pages, (405, "GET, HEAD")
    )


# Outside a transaction (and so after a flush; the conftest restores the fixtures) -----------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_routes_that_touch_locks_and_reused_sql_work_outside_a_transaction(django_user_model):
    """An empty timeline compiled its SQL for reuse and raised EmptyResultSet (both backends); OPTIONS
    on a detail by a user who may write asks for the record as for a PUT, which locked its row with
    `select_for_update` in autocommit: a 500 on PostgreSQL."""
    client = APIClient()
    for params in ({"date_after": "2030-01-01"}, {"date_before": "1900-01-01", "type": "event"}):
        response = client.get("/api/v1/timeline/", params)
        assert response.status_code == 200, response.content
        assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}
    client.force_authenticate(editor_user(django_user_model, "editor"))
    details = {label: url for label, url in route_urls().items() if re.search(r"-detail$", label)}
    answers = {label: client.options(url).status_code for label, url in details.items()}
    assert answers == dict.fromkeys(details, 200)
    assert "PUT" in client.options(details["statement-detail"]).json()["actions"]


# URLs no route matches --------------------------------------------------------------------------------


@pytest.mark.parametrize("debug", [True, False])
def test_an_api_url_no_route_matches_is_json(db, settings, debug):
    """Found by a stranger: with DEBUG on (`make serve`) Django's HTML page listing every route answered."""
    settings.DEBUG = debug
    response = APIClient().get("/api/v1/nope/", HTTP_ACCEPT=BROWSER)
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert response.json() == {"detail": "Not found."}
    # An unknown record stays the API's own answer, the browsable page included.
    assert "text/html" in APIClient().get("/api/v1/topics/nope/", HTTP_ACCEPT=BROWSER)["Content-Type"]


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize("method, path", [("post", "/api/v1/auth/token"), ("patch", "/api/v1/topics/migration")])
def test_a_write_without_the_trailing_slash_is_sent_on_with_its_body(db, settings, debug, method, path):
    """Found by a stranger: a 500 with DEBUG on (Django refuses to redirect a POST), a 301 that drops the
    body with it off. A 308 keeps the method and the body for clients that follow it."""
    settings.DEBUG = debug
    response = getattr(APIClient(), method)(f"{path}?x=1", {"a": "b"}, format="json")
    assert response.status_code == 308
    assert response["Location"] == f"{path}/?x=1"
    assert response.json()["detail"].endswith(f"{path}/?x=1")
    assert APIClient().get(path).status_code == 301  # a read keeps Django's redirect


@pytest.mark.parametrize("debug", [True, False])
def test_a_write_to_a_page_without_the_trailing_slash_is_sent_on_to_its_405(db, settings, debug):
    """With DEBUG on (`make serve`) Django's slash redirect refused a POST with a 500."""
    settings.DEBUG = debug
    client = Client(enforce_csrf_checks=True)
    response = client.post("/statements?kind=quote", {"a": "b"})
    assert (response.status_code, response["Location"]) == (308, "/statements/?kind=quote")
    assert client.post(response["Location"], {"a": "b"}).status_code == 405
