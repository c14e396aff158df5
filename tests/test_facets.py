"""`?facets=` on lists: counts by a record type's main dimensions, for the current filter, computed
here in Python from the records the list returns; one query per facet; strict like every parameter."""

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from policy.facets import FACET_SIZE
from policy.records import BY_RESOURCE, TYPES

from .api_support import API, BIG_PAGE, key_of

FACETED = [t for t in TYPES if t.facets]


def values_of(record, facet, record_type):
    """The facet's values for one record, read from the instance (not by the code under test)."""
    if facet == "year":
        day = getattr(record, record_type.main_date)
        return [day.year] if day else []
    filter_ = record_type_filters(record_type)[facet]
    field = record._meta.get_field(filter_.field_name)
    if field.many_to_many:
        return [(key_of(other), str(other)) for other in getattr(record, filter_.field_name).all()]
    value = getattr(record, filter_.field_name)
    if field.is_relation:
        return [] if value is None else [(key_of(value), str(value))]
    return [value]


def record_type_filters(record_type):
    from policy.filtersets import filterset_for

    return filterset_for(record_type).base_filters


def check(entries, records, facet, record_type):
    """The entries are the facet's largest values with their exact counts, largest first (ties in
    any order: the databases' collations differ)."""
    counts = Counter()
    for record in records:
        for value in values_of(record, facet, record_type):
            counts[value[0] if isinstance(value, tuple) else value] += 1
    key = record_type_key(facet, record_type)
    shown = {entry[key]: entry["count"] for entry in entries}
    assert len(entries) == min(FACET_SIZE, len(counts)), facet
    assert shown == {value: counts[value] for value in shown}, facet
    assert [entry["count"] for entry in entries] == sorted(shown.values(), reverse=True), facet
    left_out = [n for value, n in counts.items() if value not in shown]
    assert not left_out or max(left_out) <= min(shown.values()), facet


def record_type_key(facet, record_type):
    filter_ = record_type_filters(record_type).get(facet)
    model = getattr(filter_, "queryset", None) is not None and filter_.queryset.model
    return ("code" if model._meta.model_name == "country" else "slug") if model else "value"


def listed(record_type, params):
    response = APIClient().get(f"{API}{record_type.resource}/", {**params, **BIG_PAGE})
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("record_type", FACETED, ids=lambda t: t.resource)
def test_every_declared_facet_counts_the_whole_list(record_type):
    body = listed(record_type, {"facets": ",".join(record_type.facets)})
    records = list(record_type.model.objects.all())
    assert list(body["facets"]) == list(record_type.facets)
    for facet, entries in body["facets"].items():
        check(entries, records, facet, record_type)
        assert all(entry["count"] > 0 and entry["name"] for entry in entries)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "resource, params, facets",
    [
        ("statements", {"kind": "quote"}, "speaker,country,year"),
        ("statements", {"speaker": "andres-manuel-lopez-obrador"}, "topic,kind"),
        ("aid-packages", {"recipient": "GT"}, "status,recipient,donor"),
        ("policies", {"topic": "migration"}, "status,jurisdiction,year"),
        ("statistics", {"search": "border"}, "unit,country"),
    ],
)
def test_facets_count_the_filtered_list(resource, params, facets):
    record_type = BY_RESOURCE[resource]
    body = listed(record_type, {**params, "facets": facets})
    key = record_type.key
    records = list(record_type.model.objects.filter(**{f"{key}__in": [row[key] for row in body["results"]]}))
    assert len(records) == body["count"] > 0
    for facet in facets.split(","):
        check(body["facets"][facet], records, facet, record_type)


@pytest.mark.django_db
def test_entries_name_their_record_and_countries_are_keyed_by_code():
    body = listed(BY_RESOURCE["aid-packages"], {"facets": "recipient,donor,status,year"})
    facets = body["facets"]
    assert {"code": "GT", "name": "Guatemala", "count": 3} in facets["recipient"]
    assert facets["donor"] == [{"code": "US", "name": "United States", "count": 4}]
    assert {"value": "requested", "name": "Requested", "count": 2} in facets["status"]
    assert all(isinstance(entry["value"], int) for entry in facets["year"])
    speakers = listed(BY_RESOURCE["statements"], {"facets": "speaker"})["facets"]["speaker"]
    assert {"slug", "name", "count"} == set(speakers[0])


@pytest.mark.django_db
def test_no_facets_unless_asked():
    assert "facets" not in listed(BY_RESOURCE["statements"], {})
    assert "facets" not in listed(BY_RESOURCE["statements"], {"facets": ""})


@pytest.mark.django_db
@pytest.mark.parametrize("names", ["speaker", "speaker,country", "speaker,kind,country,topic,year"])
def test_one_query_per_facet(names):
    client = APIClient()
    url = f"{API}statements/"
    client.get(url, {"topic": "migration"})  # warm the count cache and compiled plans
    with CaptureQueriesContext(connection) as plain:
        assert client.get(url, {"topic": "migration"}).status_code == 200
    with CaptureQueriesContext(connection) as faceted:
        assert client.get(url, {"topic": "migration", "facets": names}).status_code == 200
    assert len(faceted) == len(plain) + len(names.split(","))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, message",
    [
        ("facets=speakers", "Unknown facet(s): “speakers”. This list has: speaker, kind, country, topic, year."),
        ("facets=speaker,,kind", "Unknown facet(s): “”."),
        ("facets=speaker,speaker", "A facet is named twice."),
        ("facets=speaker&facets=kind", "Given more than once; this parameter takes one value."),
        ("facets=speaker&format=csv", "Facets are counted in the JSON list only; CSV has no place for them."),
    ],
)
def test_bad_facets_are_a_400_naming_the_parameter(query, message):
    response = APIClient().get(f"{API}statements/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()  # CSV errors are `field,message` rows
    assert response.content.decode().count("facets") >= 1


@pytest.mark.django_db
def test_a_type_without_facets_refuses_the_parameter():
    response = APIClient().get(f"{API}countries/?facets=name")
    assert response.status_code == 400
    assert "Unknown query parameter" in response.json()["facets"][0]


@pytest.mark.django_db
def test_facets_are_in_the_schema():
    schema = APIClient().get(f"{API}schema/", {"format": "json"}).json()
    operation = schema["paths"][f"{API}statements/"]["get"]
    (parameter,) = [p for p in operation["parameters"] if p["name"] == "facets"]
    assert parameter["schema"] == {
        "type": "array",
        "items": {"type": "string", "enum": list(BY_RESOURCE["statements"].facets)},
    }
    assert parameter["explode"] is False
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]["allOf"][1]
    speaker = body["properties"]["facets"]["properties"]["speaker"]["items"]
    assert speaker["required"] == ["slug", "name", "count"]
    country = schema["paths"][f"{API}aid-packages/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert (
        "code"
        in country["schema"]["allOf"][1]["properties"]["facets"]["properties"]["recipient"]["items"]["properties"]
    )
    assert "facets" not in {p["name"] for p in schema["paths"][f"{API}countries/"]["get"]["parameters"]}
