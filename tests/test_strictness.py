"""What a clumsy client gets: a 400 naming the mistake, never a silent guess. A single-valued query
parameter given twice, `fields` with `omit`, and a body key that names no field; and a write that
changes nothing is not a change (no new `updated_at`, ETag or history entry)."""

import pytest
from rest_framework.test import APIClient

from policy.api.urls import router
from policy.models import Policy, Statement

from .api_support import client_for, editor_user

pytestmark = pytest.mark.django_db

API = "/api/v1/"
ROUTES = [prefix for prefix, _, _ in router.registry]


@pytest.fixture
def editor(django_user_model):
    return client_for(editor_user(django_user_model, "editor"))


# Repeated parameters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, repeated",
    [
        ("topics/?page=1&page=2", "page"),
        ("topics/?page_size=1&page_size=2", "page_size"),
        ("statements/?search=a&search=b", "search"),
        ("statements/?format=json&format=csv", "format"),
        ("statements/?ordering=slug&ordering=-slug", "ordering"),
        ("statements/?date_after=2021-01-01&date_after=2021-02-01", "date_after"),
        ("aid-packages/?amount_min=1&amount_min=2", "amount_min"),
        ("statements/?cursor=&cursor=", "cursor"),
        ("statements/?fields=slug&fields=text", "fields"),
        ("topics/migration/?fields=slug&fields=name", "fields"),
        ("topics/migration/?as_of=2030-01-01T00:00:00Z&as_of=2031-01-01T00:00:00Z", "as_of"),
        ("topics/migration/history/?page=1&page=1", "page"),
        ("timeline/?date_before=2021-01-01&date_before=2022-01-01", "date_before"),
        ("timeline/?ordering=date&ordering=-date", "ordering"),
    ],
)
def test_a_single_valued_parameter_given_twice_is_a_400_naming_it(url, repeated):
    response = APIClient().get(API + url)
    assert response.status_code == 400, response.content
    assert response.json() == {repeated: ["Given more than once; this parameter takes one value."]}


@pytest.mark.parametrize(
    "url",
    [
        "statements/?country=MX&country=US",
        "statements/?kind=quote&kind=paraphrase",
        "policies/?status=announced&status=in_effect&topic=migration&topic=foreign-aid",
        "timeline/?type=event&type=statement&country=MX&country=GT",
    ],
)
def test_filters_that_mean_or_may_repeat(url):
    assert APIClient().get(API + url).status_code == 200


@pytest.mark.parametrize("url", ["statements/", "statements/amlo-praise-trump-respecting-mexico/"])
def test_fields_with_omit_is_a_400(url):
    response = APIClient().get(API + url, {"fields": "slug", "omit": "slug"})
    assert response.status_code == 400
    assert response.json() == {"omit": ["Use either fields or omit, not both."]}


@pytest.mark.parametrize("params", [{"fields": ",,"}, {"omit": "slug,"}, {"fields": "slug, name"}])
def test_fields_are_exact_names(params):
    """Found by schemathesis: empty entries (`fields=,,`) were skipped, so any list of commas was accepted."""
    response = APIClient().get(f"{API}topics/", params)
    assert response.status_code == 400
    assert "Unknown field(s)" in response.json()[next(iter(params))][0]


def test_empty_fields_and_omit_mean_every_field():
    body = APIClient().get(f"{API}topics/migration/", {"fields": "", "omit": ""}).json()
    assert list(body) == ["url", "slug", "name", "description", "created_at", "updated_at"]


@pytest.mark.parametrize("name", ["search", "facets", "fields", "ordering", "date_after", "updated_after"])
def test_an_empty_parameter_is_an_absent_one(name):
    everything = APIClient().get(f"{API}statements/").json()
    body = APIClient().get(f"{API}statements/", {name: ""}).json()
    assert body["count"] == everything["count"] and body["results"] == everything["results"]
    assert "facets" not in body


@pytest.mark.parametrize(
    "route, name, blank",
    [
        ("statements", "search", "  "),
        ("topics", "search", " "),  # the small tables take a search of any length, but not a blank one
        ("statements", "search", "\t"),
        ("statements", "updated_after", " "),
        ("statements", "date_after", " "),
        ("statements", "facets", " "),
    ],
)
def test_a_blank_parameter_is_a_400_naming_it(route, name, blank):
    """A blank `search=` (or `updated_after=`) was stripped to nothing and answered the whole, unfiltered
    list, where every other parameter given only spaces is a 400."""
    response = APIClient().get(f"{API}{route}/", {name: blank})
    assert response.status_code == 400
    assert list(response.json()) == [name]


@pytest.mark.parametrize("params", [{"fields": "nonsense"}, {"fields": "slug", "omit": "slug"}])
def test_a_bad_parameter_is_a_400_even_when_the_record_is_unchanged(params):
    """Found by schemathesis: `If-None-Match: *` answered 304 before `fields` was looked at."""
    response = APIClient().get(f"{API}topics/migration/", params, HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 400


# Unknown body keys --------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("method", ["patch", "put", "post"])
def test_a_body_key_that_names_no_field_is_a_400(editor, route, method):
    url = f"{API}{route}/"
    record = editor.get(url, {"page_size": 1}).json()["results"][0]
    if method != "post":
        url = record["url"]
    response = getattr(editor, method)(url, {"descripton": "typo"}, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["descripton"] and "Unknown field" in response.json()["descripton"][0]


def test_a_link_with_an_unknown_key_is_a_400(editor):
    url = f"{API}policies/usmca/"
    response = editor.patch(url, {"related": [{"relation": "extends", "policy": "x", "note": "?"}]}, format="json")
    assert response.status_code == 400
    assert "note" in str(response.json()["related"])


def test_a_record_read_and_sent_back_is_accepted(editor):
    """Read-only fields (`url`, `created_at`, …) are fields: a round trip is not refused."""
    url = f"{API}topics/migration/"
    record = editor.get(url).json()
    response = editor.put(url, {**record, "description": "Changed."}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["description"] == "Changed."


# Writes that change nothing -------------------------------------------------------------------------


def state(client, url, model, key):
    response = client.get(url)
    record = model.objects.get(slug=key)
    return response.json()["updated_at"], response["ETag"], record.history.count()


@pytest.mark.parametrize(
    "model, key, same",
    [
        (Statement, "amlo-praise-trump-respecting-mexico", lambda r: {"text": r["text"], "kind": r["kind"]}),
        (Statement, "amlo-praise-trump-respecting-mexico", lambda r: {"topics": [t["slug"] for t in r["topics"]]}),
        (
            Policy,
            "usmca",
            lambda r: {"related": [{"relation": x["relation"], "policy": x["policy"]["slug"]} for x in r["related"]]},
        ),
        (Policy, "usmca", lambda r: {"title": r["title"], "countries": [c["code"] for c in r["countries"]]}),
    ],
)
def test_a_write_that_changes_nothing_leaves_updated_at_etag_and_history(editor, model, key, same):
    url = f"{API}{'statements' if model is Statement else 'policies'}/{key}/"
    before = state(editor, url, model, key)
    response = editor.patch(url, same(editor.get(url).json()), format="json")
    assert response.status_code == 200, response.content
    assert response["ETag"] == before[1]
    assert state(editor, url, model, key) == before


def test_a_write_that_changes_something_still_moves_all_three(editor):
    url = f"{API}statements/amlo-praise-trump-respecting-mexico/"
    before = state(editor, url, Statement, "amlo-praise-trump-respecting-mexico")
    assert editor.patch(url, {"topics": ["migration"]}, format="json").status_code == 200
    after = state(editor, url, Statement, "amlo-praise-trump-respecting-mexico")
    assert after[0] > before[0] and after[1] != before[1] and after[2] == before[2] + 1


def test_a_new_citation_for_the_same_link_is_a_change(editor):
    """Found by a stranger: new notes or a new excerpt for a link that stays (same relation and policy)
    were answered 200 and dropped, as if the write changed nothing."""
    url = f"{API}policies/mexico-doubled-migrant-detentions/"
    (link,) = editor.get(url).json()["related"]
    before = state(editor, url, Policy, "mexico-doubled-migrant-detentions")
    again = {"relation": link["relation"], "policy": link["policy"]["slug"], "source": link["source"]["slug"]}
    response = editor.patch(url, {"related": [{**again, "excerpt": link["excerpt"], "notes": "Checked."}]}, "json")
    assert response.status_code == 200, response.content
    assert response.json()["related"][0]["notes"] == "Checked."
    after = state(editor, url, Policy, "mexico-doubled-migrant-detentions")
    assert after[1] != before[1] and after[2] == before[2] + 1
