"""Query counts: a list page costs the same queries for one row as for a thousand, and a detail a
fixed number, so an N+1 can never creep back. Measured on the fixtures cloned 30 times over (every
record with a new key and its many-to-many links and policy relations), once for the module."""

import itertools
import string

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from policy.models import Actor, AidPackage, Country, Event, Policy, PolicyRelation, Source, Statement, Statistic, Topic

from .api_support import VIEWSETS, detail_url, key_of, list_url

COPIES = 30
# Queries per request. A list: the count, the page's rows, one for all its many-to-many fields' links
# and one for a policy's relations to other policies. A detail: its row and the same links' queries.
QUERIES = {
    "policies": {"list": 4, "detail": 3},
    "aid-packages": {"list": 3, "detail": 2},
    "statements": {"list": 3, "detail": 2},
    "statistics": {"list": 3, "detail": 2},
    "events": {"list": 3, "detail": 2},
    "actors": {"list": 2, "detail": 1},
    "countries": {"list": 2, "detail": 1},
    "topics": {"list": 2, "detail": 1},
    "sources": {"list": 2, "detail": 1},
}


def unused_codes(length, taken):
    letters = ("".join(chars) for chars in itertools.product(string.ascii_uppercase, repeat=length))
    return (code for code in letters if code not in taken)


def new_keys(model, copies):
    """Fresh public keys for `copies` clones of every record of `model`, in (copy, record) order."""
    originals = list(model.objects.order_by("pk"))
    if model is Country:
        codes = unused_codes(2, {c.code for c in originals})
        iso3s = unused_codes(3, {c.iso3 for c in originals})
        return originals, [{"code": next(codes), "iso3": next(iso3s)} for _ in range(copies) for _ in originals]
    return originals, [{"slug": f"{obj.slug[:180]}-copy-{i}"} for i in range(copies) for obj in originals]


def clone(model, copies):
    """Clones of every record, with their many-to-many links; returns {original pk: [clone pks]}."""
    originals, keys = new_keys(model, copies)
    fields = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    clones = [
        model(**{**{name: getattr(obj, name) for name in fields}, **key})
        for (obj, key) in zip(itertools.cycle(originals), keys, strict=False)
    ]
    model.objects.bulk_create(clones)
    copies_of = {obj.pk: [] for obj in originals}
    for obj, copy in zip(itertools.cycle(originals), clones, strict=False):
        copies_of[obj.pk].append(copy.pk)
    for field in model._meta.many_to_many:
        through = field.remote_field.through
        if not through._meta.auto_created:
            continue  # Policy.related goes through PolicyRelation, cloned below
        owner, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
        links = through.objects.filter(**{f"{owner}__in": copies_of}).values_list(owner, target)
        through.objects.bulk_create(
            through(**{owner: copy_pk, target: target_pk}) for pk, target_pk in links for copy_pk in copies_of[pk]
        )
    return copies_of


def clone_fixtures(copies):
    for model in (Country, Topic, Actor, Source, Event, AidPackage, Statement, Statistic):
        clone(model, copies)
    policies = clone(Policy, copies)
    PolicyRelation.objects.bulk_create(
        PolicyRelation(
            from_policy_id=copy_pk,
            to_policy_id=link.to_policy_id,
            relation=link.relation,
            source_id=link.source_id,
            excerpt=link.excerpt,
            notes=link.notes,
        )
        for link in PolicyRelation.objects.all()
        for copy_pk in policies[link.from_policy_id]
    )


@pytest.fixture(scope="module")
def cloned_data(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        clone_fixtures(COPIES)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def api(cloned_data, db):
    return APIClient()


def queries(api, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url, params or {})
    assert response.status_code == 200, response.content
    return len(captured), response


@pytest.mark.parametrize("route", sorted(VIEWSETS))
def test_the_data_is_large_enough_to_matter(api, route):
    model = VIEWSETS[route].serializer_class.Meta.model
    body = api.get(list_url(route), {"page_size": 1000}).json()
    assert body["count"] == model.objects.count() >= 100
    assert len(body["results"]) == min(1000, body["count"])


@pytest.mark.parametrize("route", sorted(VIEWSETS))
def test_a_list_costs_the_same_queries_for_one_row_as_for_a_hundred(api, route):
    one, _ = queries(api, list_url(route), {"page_size": 1})
    many, response = queries(api, list_url(route), {"page_size": 100})
    assert len(response.json()["results"]) == 100 and response.json()["next"]
    assert one == many == QUERIES[route]["list"]


@pytest.mark.parametrize("route", sorted(VIEWSETS))
def test_a_page_that_ends_the_list_is_counted_by_its_rows_on_postgresql(api, route):
    """PostgreSQL reads the page before the count where the count cannot change the page's plan
    (policy.querying.plans.count_first): a page that ends the list knows its count."""
    whole, response = queries(api, list_url(route), {"page_size": 1000})
    body = response.json()
    assert body["next"] is None and body["count"] == len(body["results"]) >= 100
    assert whole == QUERIES[route]["list"] - (connection.vendor == "postgresql")


@pytest.mark.parametrize("route", sorted(VIEWSETS))
def test_a_filtered_and_ordered_list_costs_no_more_per_row(api, route):
    api.force_authenticate(get_user_model()(username="reader"))  # a 1-letter search needs signing in
    params = {"search": "a", "ordering": "-updated_at"}
    one, _ = queries(api, list_url(route), {"page_size": 1, **params})
    many, response = queries(api, list_url(route), {"page_size": 50, **params})
    assert len(response.json()["results"]) == 50 and response.json()["next"]
    assert one == many == QUERIES[route]["list"]


@pytest.mark.parametrize("route", sorted(VIEWSETS))
def test_a_csv_export_costs_the_same_queries_for_every_size(api, route, monkeypatch):
    monkeypatch.setattr("policy.api.reads.CSV_CHUNK", 100_000)  # one chunk: the next test counts chunks

    def csv_queries(params):
        with CaptureQueriesContext(connection) as captured:
            response = api.get(list_url(route), {"format": "csv", **params})
            body = b"".join(response.streaming_content) if response.streaming else response.content
        return len(captured), body.decode().splitlines()

    page, lines = csv_queries({"page_size": 1})
    assert (page, len(lines)) == (QUERIES[route]["list"], 2)
    # The whole list is streamed: no count query, and its rows are read in chunks larger than this data set.
    whole, lines = csv_queries({})
    assert whole == QUERIES[route]["list"] - 1
    assert len(lines) > 100


@pytest.mark.parametrize("route", sorted(VIEWSETS))
def test_a_csv_export_adds_the_same_queries_for_each_chunk_of_rows(api, route, monkeypatch):
    """A whole-list export holds policy.api.reads.CSV_CHUNK rows at a time (memory stays flat): each
    chunk after the first costs its rows' and its links' queries again, never a query a row."""

    def csv_queries(chunk):
        monkeypatch.setattr("policy.api.reads.CSV_CHUNK", chunk)
        with CaptureQueriesContext(connection) as captured:
            response = api.get(list_url(route), {"format": "csv"})
            lines = b"".join(response.streaming_content).decode().splitlines()
        return len(captured), len(lines) - 1

    whole, rows = csv_queries(100_000)
    per_chunk_of_links = QUERIES[route]["list"] - 2  # the list's queries less its count and its rows
    for chunk in (7, 50):
        chunks = -(-rows // chunk)
        queries, again = csv_queries(chunk)
        assert again == rows
        assert queries == whole + (chunks - 1) * per_chunk_of_links


@pytest.mark.parametrize("route", sorted(VIEWSETS))
def test_a_detail_costs_a_fixed_number_of_queries(api, route):
    model = VIEWSETS[route].serializer_class.Meta.model
    # The originals (rich and bare alike) and a clone.
    for obj in [*model.objects.order_by("pk")[:10], model.objects.order_by("-pk")[0]]:
        count, _ = queries(api, detail_url(route, key_of(obj)))
        assert count == QUERIES[route]["detail"], key_of(obj)
