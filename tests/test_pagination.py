"""Keyset pagination (`cursor=`): the same records as page numbers, in the same order, forward and
back, whatever the ordering — NULL dates included — and a 400 for a cursor that does not fit."""

from urllib.parse import parse_qs, urlparse

import pytest
from rest_framework.test import APIClient

ORDERINGS = ["", "said_on", "-said_on", "-updated_at,slug", "updated_at"]


def slugs(body):
    return [row["slug"] for row in body["results"]]


def cursor_of(link):
    return parse_qs(urlparse(link).query)["cursor"][0]


def walk(api, params, direction="next", start=""):
    """Every page from `start`, following `direction` links: (slugs in reading order, counts seen)."""
    found, counts, cursor = [], set(), start
    while cursor is not None:
        response = api.get("/api/v1/statements/", {**params, "cursor": cursor})
        assert response.status_code == 200, response.content
        body = response.json()
        found.append(slugs(body))
        counts.add(body["count"])
        cursor = cursor_of(body[direction]) if body[direction] else None
    return found, counts


@pytest.mark.django_db
@pytest.mark.parametrize("ordering", ORDERINGS)
def test_cursor_pages_hold_the_whole_list_forward_and_back(ordering):
    api = APIClient()
    params = {"page_size": 4, **({"ordering": ordering} if ordering else {})}
    everything = api.get("/api/v1/statements/", {**params, "page_size": 1000}).json()
    forward, counts = walk(api, params)
    assert [slug for page in forward for slug in page] == slugs(everything)
    assert counts == {everything["count"]}
    last = api.get("/api/v1/statements/", {**params, "cursor": ""}).json()
    while last["next"]:
        last = api.get(last["next"]).json()
    back, _ = walk(api, params, "previous", start=cursor_of(last["previous"]))
    assert [slug for page in reversed(back) for slug in page] + slugs(last) == slugs(everything)


@pytest.mark.django_db
def test_the_first_cursor_page_has_no_previous_and_the_last_no_next():
    api = APIClient()
    first = api.get("/api/v1/statements/", {"cursor": "", "page_size": 1000}).json()
    assert first["previous"] is None and first["next"] is None
    assert len(first["results"]) == first["count"]


@pytest.mark.django_db
def test_cursor_works_with_filters_and_search():
    api = APIClient()
    body = api.get("/api/v1/statements/", {"cursor": "", "search": "AMLO", "page_size": 1}).json()
    assert body["count"] >= 2 and len(body["results"]) == 1
    following = api.get(body["next"]).json()
    assert following["results"] and following["results"][0]["slug"] > body["results"][0]["slug"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "not-a-cursor"},
        {"cursor": "eyJkIjogImFmdGVyIn0"},  # valid base64 and JSON, missing its fields
        {"cursor": "", "page": "2"},
    ],
)
def test_a_cursor_that_does_not_fit_is_a_400_naming_it(params):
    response = APIClient().get("/api/v1/statements/", params)
    assert response.status_code == 400
    assert "cursor" in response.json()


@pytest.mark.django_db
def test_a_cursor_from_another_ordering_is_refused():
    api = APIClient()
    body = api.get("/api/v1/statements/", {"cursor": "", "page_size": 2, "ordering": "said_on"}).json()
    response = api.get("/api/v1/statements/", {"cursor": cursor_of(body["next"]), "ordering": "-said_on"})
    assert response.status_code == 400
    assert "cursor" in response.json()
