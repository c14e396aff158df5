"""Each request's FilterSet and form share what their filters and fields were declared with (the copies
are shallow: policy.querying.parameters), so nothing one request reads or binds may reach the next: a key
created between two requests is found by the second, a filter's method runs on its own request's
FilterSet, and the browsable API's filter form lists the records of the moment."""

import pytest
from rest_framework.test import APIClient

from policy.models import Actor, Country, Statement

from .api_support import client_for

pytestmark = pytest.mark.django_db

STATEMENTS = "/api/v1/statements/"


def slugs(response):
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


@pytest.mark.parametrize("with_another", [False, True], ids=["one key", "two keys"])
def test_a_speaker_created_between_two_requests_is_found_by_the_second(with_another):
    api, other = APIClient(), Statement.objects.order_by("pk").first()
    keys = ["new-speaker", other.speaker.slug] if with_another else ["new-speaker"]
    refused = api.get(STATEMENTS, {"speaker": keys})
    assert refused.status_code == 400
    assert refused.json() == {"speaker": ["No actor with slug “new-speaker”."]}

    statement = Statement.objects.exclude(speaker=other.speaker).order_by("pk").first()
    statement.speaker = Actor.objects.create(slug="new-speaker", name="New Speaker", kind="person")
    statement.save()

    expected = Statement.objects.filter(speaker__slug__in=keys).order_by("slug").values_list("slug", flat=True)
    assert slugs(api.get(STATEMENTS, {"speaker": keys, "page_size": 100})) == list(expected)[:100]
    assert statement.slug in expected


def test_a_filter_method_runs_on_its_own_requests_filterset(django_user_model):
    # `search` is a method of the FilterSet: a short search is refused to an anonymous client only,
    # which the method learns from its own FilterSet's request, whichever request came before.
    reader = client_for(django_user_model.objects.create_user("reader"))
    for _ in range(2):
        assert APIClient().get(STATEMENTS, {"search": "on"}).status_code == 400
        assert reader.get(STATEMENTS, {"search": "on"}).status_code == 200


def test_the_browsable_apis_filter_form_lists_a_country_created_after_it_was_first_shown():
    api, page = APIClient(), "/api/v1/actors/?format=api"
    assert 'value="QZ"' not in api.get(page).content.decode()
    Country.objects.create(code="QZ", iso3="QZQ", name="Quartz Land")
    shown = api.get(page).content.decode()
    assert 'value="QZ"' in shown and "Quartz Land" in shown
