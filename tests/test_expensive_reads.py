"""The work one request may ask for is bounded (issue #11, item 13): pages that would skip more than
MAX_PAGE_OFFSET rows are a 400 pointing to `cursor=` (lists) or the date filters (timeline); an
anonymous search of the growing record types needs 3 characters; and an anonymous client's
expensive requests — searches, whole-list CSV exports, deep pages — have a rate of their own."""

import pytest
from rest_framework.test import APIClient

from .api_support import client_for

STATEMENTS = "/api/v1/statements/"
TIMELINE = "/api/v1/timeline/"


@pytest.fixture
def max_offset(settings):
    settings.MAX_PAGE_OFFSET = 10


def test_a_page_past_the_offset_limit_points_to_the_cursor(db, max_offset):
    api = APIClient()
    assert api.get(STATEMENTS, {"page": 3, "page_size": 5}).status_code == 200  # skips 10 rows
    response = api.get(STATEMENTS, {"page": 4, "page_size": 5})  # would skip 15
    assert response.status_code == 400
    message = response.json()["page"][0]
    assert "more than 10 rows" in message and "cursor=" in message
    # The cursor reaches the same rows, at any depth.
    assert api.get(STATEMENTS, {"cursor": "", "page_size": 5}).status_code == 200


@pytest.mark.parametrize("ordering", [None, "-said_on,slug"])
def test_following_next_from_page_one_reaches_every_row(db, max_offset, ordering):
    """Found by a stranger: the deepest numbered page's `next` named the next page number, which was
    refused. It goes on by cursor instead, so a script following `next` reads every row once."""
    params = {"page_size": 4, "fields": "slug", **({"ordering": ordering} if ordering else {})}
    api, url, slugs, pages = APIClient(), STATEMENTS, [], 0
    response = api.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        slugs += [row["slug"] for row in body["results"]]
        pages += 1
        if not body["next"]:
            break
        response = api.get(body["next"])
    everything = api.get(STATEMENTS, {**params, "page_size": 1000}).json()["results"]
    assert slugs == [row["slug"] for row in everything]
    assert pages == -(-len(everything) // 4) and pages > 4  # past the deepest numbered page (3)


def test_the_last_page_counts_as_deep_too(db, max_offset):
    response = APIClient().get(STATEMENTS, {"page": "last", "page_size": 2})
    assert response.status_code == 400 and "cursor=" in response.json()["page"][0]


def test_a_page_past_the_end_is_still_a_404(db, max_offset):
    response = APIClient().get(STATEMENTS, {"page": 99999})
    assert response.status_code == 404


def test_signed_in_clients_are_bounded_too(db, max_offset, django_user_model):
    api = client_for(django_user_model.objects.create_user("reader"))
    assert api.get(STATEMENTS, {"page": 4, "page_size": 5}).status_code == 400


def test_deep_timeline_pages_point_to_the_date_filters(db, max_offset):
    api = APIClient()
    assert api.get(TIMELINE, {"page": 2, "page_size": 10}).status_code == 200
    response = api.get(TIMELINE, {"page": 3, "page_size": 10})
    assert response.status_code == 400
    assert "date_after" in response.json()["page"][0]
    narrowed = api.get(TIMELINE, {"page": 1, "page_size": 10, "date_after": "2021-01-01"})
    assert narrowed.status_code == 200


@pytest.mark.parametrize("word", ["on", "é", " a "])
def test_an_anonymous_search_of_a_growing_table_needs_three_characters(db, word):
    response = APIClient().get(STATEMENTS, {"search": word})
    assert response.status_code == 400
    assert "at least 3 characters" in response.json()["search"][0]


def test_short_searches_are_served_to_signed_in_clients_and_on_small_tables(db, django_user_model):
    api = client_for(django_user_model.objects.create_user("reader"))
    assert api.get(STATEMENTS, {"search": "on"}).status_code == 200
    assert APIClient().get("/api/v1/actors/", {"search": "EU"}).status_code == 200
    assert APIClient().get("/api/v1/countries/", {"search": "MX"}).json()["count"] == 1


def test_anonymous_searches_have_their_own_rate(db, expensive_rate):
    api = APIClient()
    codes = [api.get(STATEMENTS, {"search": "border"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    # Cheap requests are not counted against it, and are still served.
    assert [api.get(STATEMENTS).status_code for _ in range(5)] == [200] * 5
    assert api.get("/api/v1/policies/", {"search": "border"}).status_code == 429


def test_whole_list_exports_and_deep_pages_count_as_expensive(db, expensive_rate, settings):
    settings.EXPENSIVE_PAGE_OFFSET = 10
    api = APIClient()
    assert api.get(STATEMENTS, {"format": "csv"}).status_code == 200
    assert api.get(STATEMENTS, {"page": 3, "page_size": 5}).status_code == 200
    assert api.get(TIMELINE, {"page": 3, "page_size": 5}).status_code == 429
    assert api.get(STATEMENTS, {"format": "csv", "page": 1}).status_code == 200  # a page is not an export
    assert api.get(STATEMENTS, {"page": 2, "page_size": 5}).status_code == 200


def test_signed_in_clients_are_not_counted_as_expensive(db, expensive_rate, django_user_model):
    api = client_for(django_user_model.objects.create_user("reader"))
    assert [api.get(STATEMENTS, {"search": "border"}).status_code for _ in range(4)] == [200] * 4


@pytest.mark.parametrize("size", ["³", "²", "9" * 5000, "-3"])
def test_odd_page_sizes_are_judged_without_a_500(db, expensive_rate, size):
    # The expensive-request rate reads page and page_size before the paginator validates them.
    response = APIClient().get(STATEMENTS, {"page": "2", "page_size": size})
    assert response.status_code == 400 and "page_size" in response.json()
