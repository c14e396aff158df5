"""`generate_synthetic`: proportional counts, sound citations, the same data for the same seed,
and an API that serves it (filters, search through aliases, details, CSV)."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from rest_framework.test import APIClient

from policy.models import Actor, AidPackage, Event, Policy, PolicyRelation, Source, Statement, Statistic, Topic

N = 500
GENERATED = {Statement: N, Source: 50, Statistic: 25, Event: 10, Policy: 10, AidPackage: 5, Actor: 20, Topic: 20}


class Rollback(Exception):
    pass


def generate(seed=7, statements=N):
    stderr = io.StringIO()
    call_command("generate_synthetic", statements=statements, seed=seed, stdout=io.StringIO(), stderr=stderr)
    return stderr.getvalue()


def links(model):
    """A link table's rows without their own ids (PostgreSQL's sequences do not roll back)."""
    columns = [field.attname for field in model._meta.concrete_fields if not field.primary_key]
    return sorted(model.objects.values_list(*columns))


def snapshot():
    """Every generated row, in a comparable form (ids, timestamps and texts included)."""
    return (
        {
            model.__name__: list(model.objects.order_by("pk").values_list())
            for model in (Actor, Topic, Source, Event, Policy, AidPackage, Statement, Statistic)
        }
        | {
            f"{model.__name__}.{field.name}": links(field.remote_field.through)
            for model in (Event, Policy, AidPackage, Statement, Statistic)
            for field in model._meta.many_to_many
        }
        | {"PolicyRelation": links(PolicyRelation)}
    )


def generated_in_savepoint(seed):
    try:
        with transaction.atomic():
            generate(seed)
            rows = snapshot()
            raise Rollback
    except Rollback:
        return rows


@pytest.mark.django_db
def test_counts_are_proportional_and_progress_is_shown():
    before = {model: model.objects.count() for model in GENERATED}
    progress = generate()
    for model, expected in GENERATED.items():
        assert model.objects.count() - before[model] == expected, model.__name__
    assert "50/50 sources" in progress


@pytest.mark.django_db
def test_relations_dates_and_timestamps_are_filled():
    before = Statement.objects.order_by("-pk").values_list("pk", flat=True).first()
    generate()
    statements = Statement.objects.filter(pk__gt=before)
    assert statements.filter(countries__isnull=False).distinct().count() == N
    assert statements.filter(topics__isnull=False).distinct().count() == N
    assert statements.exclude(said_on=None).count() == N
    assert not statements.filter(created_at=None).exists()
    assert statements.filter(event__isnull=False).exists()
    assert Actor.objects.exclude(aliases=[]).exists()
    for statement in statements.select_related("source")[:50]:
        assert statement.source.text[statement.excerpt_start : statement.excerpt_end] == statement.excerpt
        assert statement.created_at.date() > statement.said_on


@pytest.mark.django_db
def test_every_citation_verifies():
    generate()
    out = io.StringIO()
    call_command("verify_citations", stdout=out)
    assert " 0 mismatches" in out.getvalue()


@pytest.mark.django_db
def test_same_seed_same_data_other_seed_other_data():
    first, again, other = generated_in_savepoint(7), generated_in_savepoint(7), generated_in_savepoint(8)
    assert first == again
    assert first["Statement"] != other["Statement"]


@pytest.mark.django_db
def test_the_api_serves_generated_data():
    generate()
    api = APIClient()
    for route in ("statements", "policies", "aid-packages", "statistics", "events", "sources", "actors", "topics"):
        body = api.get(f"/api/v1/{route}/").json()
        assert body["count"] >= 1 and body["results"], route
    speaker = Actor.objects.exclude(aliases=[]).filter(statements__isnull=False).first()
    said = set(Statement.objects.filter(speaker=speaker).values_list("slug", flat=True))
    found = api.get("/api/v1/statements/", {"search": speaker.aliases[0], "page_size": 1000}).json()["results"]
    assert said <= {row["slug"] for row in found}
    statement = Statement.objects.filter(slug__in=said).first()
    detail = api.get(f"/api/v1/statements/{statement.slug}/").json()
    assert detail["speaker"]["slug"] == speaker.slug
    assert detail["excerpt_start"] == statement.excerpt_start
    topic = statement.topics.first()
    listed = api.get("/api/v1/statements/", {"topic": topic.slug, "speaker": speaker.slug}).json()
    assert statement.slug in {row["slug"] for row in listed["results"]}
    csv = api.get("/api/v1/statements/", {"format": "csv", "speaker": speaker.slug})
    assert b"".join(csv.streaming_content).decode().count("\n") == len(said) + 1


@pytest.mark.django_db
def test_synthetic_rows_carry_no_history():
    history = [model for model in apps.get_app_config("policy").get_models() if model.__name__.startswith("Historical")]
    before = [model.objects.count() for model in history]
    generate(statements=100)
    assert [model.objects.count() for model in history] == before
