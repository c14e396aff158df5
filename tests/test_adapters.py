"""The private library internals policy.adapters relies on are still there and still do what each
adapter needs: a library upgrade that changes one fails here, by name, before it fails elsewhere.

Pinned in requirements.txt: Django 5.2, django-simple-history 3.13, drf-spectacular 0.30."""

import inspect
from importlib.metadata import version

import pytest
from django import forms
from django.core import serializers
from django.db import connection, transaction
from django.db.models.sql.compiler import SQLCompiler
from drf_spectacular.openapi import AutoSchema
from simple_history.models import HistoricalRecords

from policy.adapters.django_db import in_code_transaction
from policy.adapters.django_forms import IdsByKey
from policy.filters import KeyMultipleChoiceField
from policy.models import Statement, Topic
from policy.querying.prepared import Prepared

from .api_support import API


def parameters(function):
    return list(inspect.signature(function).parameters)


def test_the_orm_compiler_still_hands_out_converters():
    assert parameters(SQLCompiler.get_converters) == ["self", "expressions"], version("django")


@pytest.mark.django_db
def test_prepared_rows_equal_the_orm_s_values():
    """Converted as `.values()` converts them (date-times, decimals, booleans on SQLite)."""
    slug = Statement.objects.order_by("slug").values_list("slug", flat=True).first()
    columns = ["id", "slug", "said_on", "is_translation", "updated_at"]
    assert Prepared.rows(Statement, "slug", slug, columns) == list(Statement.objects.filter(slug=slug).values(*columns))


def test_django_s_multiple_choice_field_still_checks_values_in_one_method():
    assert parameters(forms.ModelMultipleChoiceField._check_values) == ["self", "value"], version("django")
    assert KeyMultipleChoiceField._check_values is IdsByKey._check_values


@pytest.mark.django_db
def test_a_key_field_cleans_to_ids_and_refuses_an_unknown_key():
    topic = Topic.objects.order_by("slug").first()
    field = KeyMultipleChoiceField(queryset=Topic.objects.all(), to_field_name="slug", required=False)
    assert field.clean([topic.slug]) == [topic.pk]
    with pytest.raises(forms.ValidationError) as refused:
        field.clean(["no-such-topic"])
    assert refused.value.code == "invalid_choice"


@pytest.mark.django_db
def test_a_test_case_s_transaction_is_not_the_code_s():
    assert connection.atomic_blocks and all(block._from_testcase for block in connection.atomic_blocks)
    assert not in_code_transaction("default")
    with transaction.atomic():
        assert in_code_transaction("default")
    assert transaction.Atomic(None, True, False)._from_testcase is False, version("django")


def test_simple_history_s_m2m_internals_are_still_there():
    assert parameters(HistoricalRecords.create_historical_record_m2ms) == ["self", "history_instance", "instance"]
    history = Statement.history.model
    assert hasattr(history, "_history_m2m_fields"), version("django-simple-history")


@pytest.mark.django_db
def test_links_made_right_after_a_save_amend_its_history_entry():
    statement = Statement.objects.order_by("pk").first()
    topics = list(Topic.objects.exclude(statements=statement).order_by("pk")[:2])
    before = statement.history.count()
    statement.notes = "Amended."
    statement.save()
    statement.topics.add(*topics)
    assert statement.history.count() == before + 1, "one entry for the save and its links"
    entry = statement.history.order_by("-history_date", "-history_id").first()
    assert {row.topic_id for row in entry.topics.all()} == set(statement.topics.values_list("pk", flat=True))


def test_drf_spectacular_still_builds_parameters_and_responses_in_these_methods():
    assert parameters(AutoSchema._get_parameters) == ["self"], version("drf-spectacular")
    assert parameters(AutoSchema._get_response_bodies) == ["self", "direction"], version("drf-spectacular")


@pytest.mark.django_db
def test_the_schema_s_adjustments_reach_the_schema(client):
    schema = client.get(f"{API}schema/", {"format": "json"}).json()
    statements = schema["paths"][f"{API}statements/"]["get"]
    search = next(p for p in statements["parameters"] if p["name"] == "search")
    assert search["allowEmptyValue"] is True
    detail = schema["paths"][f"{API}statements/{{slug}}/"]["get"]["responses"]
    assert "ETag" in detail["200"]["headers"] and "304" in detail


@pytest.mark.django_db
def test_dumped_date_times_keep_their_microseconds():
    topic = Topic.objects.order_by("pk").first()
    Topic.objects.filter(pk=topic.pk).update(updated_at=topic.updated_at.replace(microsecond=123456))
    topic.refresh_from_db()
    dumped = serializers.serialize("json", [topic])
    assert topic.updated_at.isoformat().replace("+00:00", "Z") in dumped  # Django's own cuts to .123
