"""The fixtures load with plain `loaddata`, and a broken fixture loads nothing at all."""

import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.db import IntegrityError

from policy.models import Actor, AidPackage, Country, Event, Policy, PolicyRelation, Source, Statement, Statistic, Topic

pytestmark = pytest.mark.django_db

# Dependents before what they protect (on_delete=PROTECT).
DELETION_ORDER = [Statement, Statistic, AidPackage, PolicyRelation, Policy, Event, Source, Actor, Topic, Country]


STAMP = "2021-06-08T00:00:00Z"


def counts():
    """Rows of every model in the app, history tables included."""
    return {model._meta.label: model.objects.count() for model in apps.get_app_config("policy").get_models()}


def test_fixtures_load_into_an_empty_database(fixture_files):
    if not fixture_files:
        pytest.skip("no fixtures yet")
    loaded = {model: model.objects.count() for model in DELETION_ORDER}
    for model in DELETION_ORDER:
        model.objects.all().delete()
    assert not any(model.objects.exists() for model in DELETION_ORDER)

    call_command("loaddata", *fixture_files, verbosity=0)

    assert {model: model.objects.count() for model in DELETION_ORDER} == loaded
    call_command("verify_citations", verbosity=0)


def test_fixtures_load_twice_without_duplicates(fixture_files):
    """Natural keys make a reload update the same rows rather than add new ones."""
    before = {model: model.objects.count() for model in DELETION_ORDER}
    stamped = [model for model in DELETION_ORDER if any(f.name == "created_at" for f in model._meta.fields)]
    created = {model: dict(model.objects.values_list("pk", "created_at")) for model in stamped}
    call_command("loaddata", *fixture_files, verbosity=0)
    assert {model: model.objects.count() for model in DELETION_ORDER} == before
    # A reload is no creation: every record keeps its created_at (the fixtures give none; it was the reload's).
    assert {model: dict(model.objects.values_list("pk", "created_at")) for model in stamped} == created


def test_a_fixture_keeps_the_times_it_gives_and_a_reload_the_created_at_it_does_not(tmp_path):
    path = tmp_path / "topics.json"
    stamps = {"created_at": "2020-01-02T03:04:05Z", "updated_at": "2020-02-03T04:05:06Z"}
    records = [
        {"model": "policy.topic", "fields": {"slug": "test-dated", "name": "Dated", **stamps}},
        {"model": "policy.topic", "fields": {"slug": "migration", "name": "Migration", **stamps}},  # an existing one
    ]
    path.write_text(json.dumps(records))
    call_command("loaddata", str(path), verbosity=0)
    for slug in ("test-dated", "migration"):
        topic = Topic.objects.get(slug=slug)
        assert (topic.created_at.isoformat(), topic.updated_at.isoformat()) == (
            "2020-01-02T03:04:05+00:00",
            "2020-02-03T04:05:06+00:00",
        )
    path.write_text(json.dumps([{"model": "policy.topic", "fields": {"slug": "test-dated", "name": "Renamed"}}]))
    call_command("loaddata", str(path), verbosity=0)
    topic = Topic.objects.get(slug="test-dated")
    assert topic.created_at.isoformat() == "2020-01-02T03:04:05+00:00"
    assert topic.updated_at > topic.created_at and topic.name == "Renamed"  # a write, at the load's time
    path.write_text(json.dumps([{"model": "policy.topic", "fields": {"slug": "test-undated", "name": "Undated"}}]))
    call_command("loaddata", str(path), verbosity=0)
    new = Topic.objects.get(slug="test-undated")
    assert new.created_at == new.updated_at and new.created_at > topic.created_at  # a new record: the load's time


BROKEN_REFERENCES = {
    "required-fk": {"speaker": ["no-such-speaker"]},
    "nullable-fk": {"addressee": ["no-such-addressee"]},
    "m2m": {"topics": [["no-such-topic"]]},
}


def statement_fixture(path, **references):
    """A topic, an actor, a source and a statement citing them, with `references` overriding the statement's."""
    statement = {
        "slug": "test-orphan-statement",
        "speaker": ["test-fine-actor"],
        "text": "Words.",
        "kind": "quote",
        "source": ["test-fine-source"],
        "excerpt": "Words.",
        **references,
    }
    records = [
        {"model": "policy.topic", "fields": {"slug": "test-fine-topic", "name": "Fine"}},
        {"model": "policy.actor", "fields": {"slug": "test-fine-actor", "name": "Fine", "kind": "person"}},
        {"model": "policy.source", "fields": {"slug": "test-fine-source", "title": "Fine", "kind": "report"}},
        {"model": "policy.statement", "fields": statement},
    ]
    for record in records:
        record["fields"].update(created_at=STAMP, updated_at=STAMP)
    path.write_text(json.dumps(records))
    return str(path)


def test_the_fixture_without_a_broken_reference_loads(tmp_path):
    call_command("loaddata", statement_fixture(tmp_path / "fine.json", topics=[["test-fine-topic"]]), verbosity=0)
    assert Statement.objects.get(slug="test-orphan-statement").topics.get().slug == "test-fine-topic"


@pytest.mark.parametrize("broken", BROKEN_REFERENCES.values(), ids=BROKEN_REFERENCES.keys())
def test_a_broken_reference_loads_nothing(tmp_path, broken):
    fixture = statement_fixture(tmp_path / "broken.json", **broken)
    before = counts()

    with pytest.raises((IntegrityError, DeserializationError), match=r"speaker|does not exist"):
        call_command("loaddata", fixture, verbosity=0)

    assert counts() == before
    assert not Topic.objects.filter(slug="test-fine-topic").exists()
