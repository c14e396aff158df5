"""Keyset pagination (`cursor=`): the same records as page numbers, in the same order, forward and
back, whatever the ordering — NULL dates included — and a 400 for a cursor that does not fit."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from rest_framework.test import APIClient

from policy.models import Country, Statement

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


# Counts are cached; rows never are ---------------------------------------------------------------


def every_page(api, url, params):
    """(keys of every page, following `next`, in order; the counts seen). A `next` that leads nowhere fails."""
    found, counts, body = [], set(), None
    while body is None or body["next"]:
        response = api.get(body["next"]) if body else api.get(url, params)
        assert response.status_code == 200, response.content
        body = response.json()
        found += [row.get("code") or row["slug"] for row in body["results"]]
        counts.add(body["count"])
    return found, counts


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("page_size", [1000, 2, 3])
def test_a_stale_cached_count_never_changes_the_rows_of_a_page(page_size):
    """Found from outside: with several workers, after a write that one worker's cache had not
    seen, `/countries/?page_size=1000` dropped `US` — the page was sliced to the cached count. Here
    writes that bypass Django's signals (as raw SQL or `bulk_create` do) leave the count stale."""
    api = APIClient()
    codes = list(Country.objects.order_by("code").values_list("code", flat=True))
    assert every_page(api, "/api/v1/countries/", {"page_size": page_size}) == (codes, {len(codes)})  # cached now
    Country.objects.bulk_create([Country(code="ZY", iso3="ZZY", name="Zzyzx")])  # the cache is not told
    found, counts = every_page(api, "/api/v1/countries/", {"page_size": page_size})
    assert found == [*codes, "ZY"]
    assert len(codes) in counts or len(codes) + 1 in counts  # a stale number, at worst
    # And the other way: fewer rows than the cached count.
    Country.objects.create(code="ZX", iso3="ZZX", name="Zzyzx Two")  # through Django: counted afresh
    assert every_page(api, "/api/v1/countries/", {"page_size": page_size})[1] == {len(codes) + 2}
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Country._meta.db_table} WHERE code IN ('ZX', 'ZY')")
    found, _ = every_page(api, "/api/v1/countries/", {"page_size": page_size})
    assert found == codes


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_stale_cached_count_never_changes_the_rows_of_a_timeline_page():
    api = APIClient()
    params = {"type": "statement", "page_size": 1000}
    before = api.get("/api/v1/timeline/", params).json()  # counted and cached
    statement = Statement.objects.filter(said_on__isnull=False).order_by("said_on", "slug").last()
    statement.pk, statement.slug = None, "zz-written-behind-the-cache"
    Statement.objects.bulk_create([statement])
    after = api.get("/api/v1/timeline/", params).json()
    assert [item["slug"] for item in after["results"]] == [item["slug"] for item in before["results"]] + [
        statement.slug
    ]
    assert after["count"] == before["count"] + 1  # the last page knows exactly how many there are
