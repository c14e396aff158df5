"""The pages count an anonymous visitor's expensive reads — a list's search, the cross-type search,
deep pages — against THROTTLE_EXPENSIVE as the API does, in the same allowance per address;
over it, a 429 page with Retry-After. Cheap pages and signed-in visitors are not counted."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_a_lists_searches_are_limited_and_say_how_long_to_wait(client, expensive_rate):
    codes = [client.get("/statements/", {"search": "border"}).status_code for _ in range(2)]
    refused = client.get("/policies/", {"search": "border"})
    assert codes == [200, 200] and refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    text = refused.content.decode()
    assert "Too many searches from your address" in text and f"Try again in {refused['Retry-After']} second" in text
    # Filters without a search are cheap: still served.
    assert [client.get("/statements/", {"kind": "quote"}).status_code for _ in range(3)] == [200] * 3


def test_the_pages_and_the_api_share_one_allowance(client, expensive_rate):
    assert client.get("/search/", {"q": "lopez"}).status_code == 200
    assert APIClient().get("/api/v1/statements/", {"search": "lopez"}).status_code == 200
    assert client.get("/search/", {"q": "lopez"}).status_code == 429
    assert client.get("/statements/", {"search": "lopez"}).status_code == 429
    assert APIClient().get("/api/v1/search/", {"q": "lopez"}).status_code == 429


def test_deep_pages_count_as_expensive(client, expensive_rate, settings):
    settings.EXPENSIVE_PAGE_OFFSET = 10
    # Judged before the page is read, as in the API: a page past the last (404 here) counts too.
    assert client.get("/timeline/", {"page": 2}).status_code == 404
    assert client.get("/statements/", {"page": 2}).status_code == 404
    assert client.get("/statements/", {"page": 2}).status_code == 429
    assert client.get("/timeline/", {"page": 3}).status_code == 429
    assert client.get("/timeline/").status_code == 200  # the first page is cheap


def test_signed_in_visitors_are_not_counted(client, expensive_rate, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader"))
    assert [client.get("/statements/", {"search": "border"}).status_code for _ in range(4)] == [200] * 4


def test_a_submitted_form_counts_its_search_once(client, expensive_rate):
    # The form sends every field, empty ones too: the redirect that drops them reads nothing.
    first = client.get("/statements/", {"search": "border", "kind": "", "speaker": ""})
    assert first.status_code == 302
    assert client.get(first["Location"]).status_code == 200
    assert client.get("/statements/", {"search": "wall"}).status_code == 200  # the second of two
