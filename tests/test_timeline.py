"""`/api/v1/timeline/`: every dated record of every type, in date order, filtered like every list."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policy.models import AidPackage, Event, Policy, Statement, Statistic

pytestmark = pytest.mark.django_db

URL = "/api/v1/timeline/"
MAIN_DATES = {
    "event": (Event, "start_date"),
    "policy": (Policy, "start_date"),
    "aid_package": (AidPackage, "announced_on"),
    "statement": (Statement, "said_on"),
    "statistic": (Statistic, "period_start"),
}


def dated_records():
    """(date, type, slug) of every dated record, computed from the models, not the endpoint."""
    return sorted(
        (getattr(obj, field), kind, obj.slug)
        for kind, (model, field) in MAIN_DATES.items()
        for obj in model.objects.all()
        if getattr(obj, field) is not None
    )


def fetch(client, **params):
    response = client.get(URL, {"page_size": 1000, **params})
    assert response.status_code == 200, response.content
    return response.json()


def keys(body):
    return [(datetime.date.fromisoformat(i["date"]), i["type"], i["slug"]) for i in body["results"]]


def test_every_dated_record_in_date_order(client):
    body = fetch(client)
    expected = dated_records()
    assert body["count"] == len(expected) > 20
    assert keys(body) == expected
    assert {item["type"] for item in body["results"]} == set(MAIN_DATES)


def test_items_carry_title_precision_and_url(client):
    items = {i["slug"]: i for i in fetch(client, type="statement")["results"]}
    quote = items["amlo-expectations-better-treatment-of-migrants"]
    assert quote["date"] == "2021-03-23"
    assert quote["date_precision"] == "day"
    assert quote["title"].startswith("Expectations were created")
    assert quote["url"].endswith("/api/v1/statements/amlo-expectations-better-treatment-of-migrants/")
    assert client.get(quote["url"]).status_code == 200

    aid = {i["slug"]: i for i in fetch(client, type="aid_package")["results"]}
    assert aid["harris-310-million-northern-triangle-aid-2021-04"]["date"] == "2021-04-01"
    assert aid["harris-310-million-northern-triangle-aid-2021-04"]["date_precision"] == "month"


def test_descending_order(client):
    assert keys(fetch(client, ordering="-date")) == list(reversed(dated_records()))


def test_pages_split_the_same_sequence(client):
    whole = keys(fetch(client))
    pages = [keys(fetch(client, page=n, page_size=7)) for n in range(1, len(whole) // 7 + 2)]
    assert [item for page in pages for item in page] == whole


def test_march_2021_involving_guatemala(client):
    """“What happened in March 2021 involving Guatemala?” — one request."""
    body = fetch(client, date_after="2021-03-01", date_before="2021-03-31", country="GT")
    assert keys(body) == [
        (datetime.date(2021, 3, 1), "policy", "harris-assignment-migration-mexico-2021-03"),
        (datetime.date(2021, 3, 1), "policy", "us-mexico-honduras-guatemala-border-deal-2021-03"),
    ]


def test_date_range_is_inclusive(client):
    body = fetch(client, date_after="2021-03-23", date_before="2021-05-07")
    dates = {item["date"] for item in body["results"]}
    assert "2021-03-23" in dates and "2021-05-07" in dates
    assert all("2021-03-23" <= d <= "2021-05-07" for d in dates)
    assert keys(body) == [k for k in dated_records() if datetime.date(2021, 3, 23) <= k[0] <= datetime.date(2021, 5, 7)]


def test_type_is_repeatable(client):
    body = fetch(client, type=["event", "statistic"])
    assert {item["type"] for item in body["results"]} == {"event", "statistic"}
    assert body["count"] == len([k for k in dated_records() if k[1] in ("event", "statistic")])


def test_actor_filter_covers_each_type_relation(client):
    harris = {(i["type"], i["slug"]) for i in fetch(client, actor="kamala-harris")["results"]}
    assert ("statement", "harris-bilateral-and-multilateral-approach") in harris  # speaker
    assert ("event", "harris-amlo-virtual-meeting-2021-05-07") in harris  # participant
    assert ("aid_package", "harris-310-million-northern-triangle-aid-2021-04") in harris  # announced_by
    cbp = {(i["type"], i["slug"]) for i in fetch(client, actor="us-customs-and-border-protection")["results"]}
    assert cbp == {("statistic", "migrant-encounters-us-mexico-border-increase-2021-03")}  # publisher


def test_topic_filter(client):
    body = fetch(client, topic="foreign-aid")
    expected = {
        (kind, obj.slug)
        for kind, (model, field) in MAIN_DATES.items()
        for obj in model.objects.filter(topics__slug="foreign-aid")
        if getattr(obj, field)
    }
    assert {(i["type"], i["slug"]) for i in body["results"]} == expected
    assert len(expected) >= 2


def test_country_filter_counts_donors_and_recipients(client):
    results = {(i["type"], i["slug"]) for i in fetch(client, country=["GT", "HN"])["results"]}
    assert ("aid_package", "trump-2019-northern-triangle-aid-cut") in results
    assert len(results) == len(set(results))


@pytest.mark.parametrize(
    "params, bad",
    [
        ({"date_after": "2021-02-30"}, "date_after"),
        ({"date_before": "soon"}, "date_before"),
        ({"type": "tweet"}, "type"),
        ({"country": "ZZ"}, "country"),
        ({"actor": "nobody-at-all"}, "actor"),
        ({"topic": "no-such-topic"}, "topic"),
        ({"ordering": "title"}, "ordering"),
        ({"colour": "red"}, "colour"),
        ({"page_size": "many"}, "page_size"),
    ],
)
def test_bad_parameters_are_400_naming_them(client, params, bad):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert bad in response.json()


def test_an_unknown_type_or_ordering_is_answered_with_the_valid_ones(client):
    response = client.get(URL, {"type": "tweet", "ordering": "title"})
    assert response.json() == {
        "type": ["“tweet” is not one of the choices: event, policy, aid_package, statement, statistic."],
        "ordering": ["“title” is not one of the orderings of the timeline: date, -date."],
    }


def test_query_count_is_fixed(client):
    def queries(**params):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, params).status_code == 200
        return len(captured)

    assert queries(page_size=1) == queries(page_size=1000)
    assert queries(page_size=1, country="MX", topic="migration") == queries(
        page_size=1000, country="MX", topic="migration"
    )
