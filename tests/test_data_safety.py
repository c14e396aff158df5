"""No data is lost or half-written: a backup restores every row exactly, fixtures load all-or-nothing,
and a request that fails half-way through a write leaves nothing of it behind."""

import json
import os
import stat

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection
from django.db.models.signals import post_delete
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from policy import provenance
from policy import representation as api_serializers
from policy.models import Policy, Suggestion, Topic

from .api_support import editor_user, link_payload

API = "/api/v1/"


def backed_up_models():
    """Every model whose rows a backup must carry: the app's (with many-to-many and history tables),
    users, groups and their permission links, tokens, and the admin's log."""
    User = get_user_model()
    models = [*apps.get_app_config("policy").get_models(include_auto_created=True), User, Group, Token, LogEntry]
    models += [User.groups.through, User.user_permissions.through, Group.permissions.through]
    return models


def snapshot():
    """Every row of every backed-up table, in a comparable form. A many-to-many link is its two ends:
    the link row's own id is not data (a backup lists links on their records, as loaddata expects)."""
    tables = {}
    for model in backed_up_models():
        rows = model.objects.values(
            *[f.attname for f in model._meta.concrete_fields if not (model._meta.auto_created and f.primary_key)]
        )
        tables[model._meta.db_table] = sorted(json.dumps(row, sort_keys=True, default=str) for row in rows)
    return tables


def empty_the_database():
    # Foreign keys are checked at commit, which this test's transaction never reaches.
    with connection.cursor() as cursor:
        for model in backed_up_models():
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


@pytest.fixture
def edited(admin_client, superuser, django_user_model):
    """The fixture data plus what editors add: a user with permissions and a token, API writes with
    their history (many-to-many and policy links included), an admin log entry."""
    editor = django_user_model.objects.create_user("editor", password="pw-secret-123")
    editor.user_permissions.set(Permission.objects.filter(codename__in=["change_policy", "add_topic"]))
    editor.groups.add(Group.objects.create(name="editors"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=editor).key}")
    policy, other = Policy.objects.order_by("pk")[:2]
    change = {"summary": "Edited.", "topics": ["migration"], "related": [link_payload("extends", other.slug)]}
    assert client.patch(f"{API}policies/{policy.slug}/", change, format="json").status_code == 200
    assert client.post(f"{API}topics/", {"slug": "new-topic", "name": "New"}, format="json").status_code == 201
    assert admin_client.post(f"/admin/policy/topic/{Topic.objects.get(slug='new-topic').pk}/delete/", {"post": "yes"})
    assert LogEntry.objects.exists()
    call_command("suggest", "usa-today-biden-mexico-2021-05-07", verbosity=0)  # the review queue's rows too
    assert Suggestion.objects.exists()


def test_backup_then_restore_into_an_empty_database_reproduces_every_row(edited, tmp_path):
    before = snapshot()
    assert before["policy_historicalpolicy"] and before["policy_policyrelation"] and before["authtoken_token"]
    call_command("backup", output=str(tmp_path / "backup.json"))

    empty_the_database()
    assert not any(snapshot().values())
    call_command("restore", str(tmp_path / "backup.json"), verbosity=0)

    after = snapshot()
    for table in before:
        assert after[table] == before[table], f"{table} differs after restore"


def test_a_restored_database_answers_the_api_as_before(edited, tmp_path):
    client, url = APIClient(), f"{API}policies/{Policy.objects.order_by('pk').first().slug}/"
    pages = {path: client.get(path).json() for path in (url, f"{url}history/", f"{API}timeline/")}
    call_command("backup", output=str(tmp_path / "backup.json"))
    empty_the_database()
    call_command("restore", str(tmp_path / "backup.json"), verbosity=0)
    assert {path: client.get(path).json() for path in pages} == pages


def test_a_backup_file_is_readable_by_its_owner_only(db, tmp_path):
    """It holds password hashes and API tokens: never world- or group-readable, whatever the umask,
    and a file that already existed with a wider mode is narrowed too."""
    fresh, existing = tmp_path / "fresh.json", tmp_path / "existing.json"
    existing.write_text("old")
    existing.chmod(0o644)
    previous = os.umask(0o022)
    try:
        call_command("backup", output=str(fresh))
        call_command("backup", output=str(existing))
    finally:
        os.umask(previous)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    assert stat.S_IMODE(existing.stat().st_mode) == 0o600
    assert json.loads(existing.read_text()) == json.loads(fresh.read_text())


def test_restore_refuses_a_database_that_has_records(db, tmp_path):
    call_command("backup", output=str(tmp_path / "backup.json"))
    with pytest.raises(CommandError, match="only into an empty database"):
        call_command("restore", str(tmp_path / "backup.json"))


def test_fixture_files_load_all_or_nothing(db, tmp_path, fixture_files):
    """Good files followed by a broken one: not even the good files' records stay."""
    good = tmp_path / "good.json"
    good.write_text(json.dumps([{"model": "policy.topic", "fields": {"slug": "loaded-first", "name": "First"}}]))
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps([{"model": "policy.actor", "fields": {"slug": "x", "name": "X", "country": ["ZZ"]}}]))
    before = snapshot()
    with pytest.raises(Exception, match=r"ZZ|does not exist"):
        call_command("loaddata", *fixture_files, str(good), str(broken), verbosity=0)
    assert snapshot() == before


# A write that fails half-way ---------------------------------------------------------------------


@pytest.fixture
def writer(db, django_user_model):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(editor_user(django_user_model, "writer"))
    return client


def fail(*args, **kwargs):
    raise RuntimeError("the disk is full")


def policy_payload(slug):
    source = Policy.objects.order_by("pk").first()
    other = Policy.objects.order_by("pk")[1]
    return {
        "slug": slug,
        "title": "Half-written",
        "kind": source.kind,
        "status": source.status,
        "source": source.source.slug,
        "excerpt": source.excerpt,
        "topics": ["migration"],
        "related": [link_payload("extends", other.slug)],
    }


@pytest.mark.parametrize("error, status", [(RuntimeError("the disk is full"), 500), (IntegrityError("clash"), 400)])
def test_a_create_whose_links_fail_leaves_no_policy(writer, monkeypatch, error, status):
    """The policy row, its topics and its history are written before its links; the links fail."""

    def save_links(self, policy, links):
        assert Policy.objects.filter(pk=policy.pk).exists() and policy.topics.exists()  # the first half happened
        raise error

    monkeypatch.setattr(api_serializers.PolicySerializer, "save_links", save_links)
    before = snapshot()
    response = writer.post(f"{API}policies/", policy_payload("half-written"), format="json")
    assert response.status_code == status
    assert snapshot() == before


def test_an_update_whose_links_fail_changes_nothing(writer, monkeypatch):
    policy = Policy.objects.order_by("pk").first()
    monkeypatch.setattr(api_serializers.PolicySerializer, "save_links", fail)
    before = snapshot()
    other = Policy.objects.exclude(pk=policy.pk).first().slug
    change = {"title": "Changed", "topics": ["migration"], "related": [link_payload("extends", other)]}
    assert writer.patch(f"{API}policies/{policy.slug}/", change, format="json").status_code == 500
    assert snapshot() == before


def test_a_source_text_update_whose_offsets_fail_changes_nothing(writer, monkeypatch):
    """A source's new text is saved first, then the excerpt offsets of the records citing it."""
    source = Policy.objects.order_by("pk").first().source
    monkeypatch.setattr(provenance, "locate_excerpt", fail)
    before = snapshot()
    response = writer.patch(f"{API}sources/{source.slug}/", {"text": source.text + " A new last line."}, format="json")
    assert response.status_code == 500
    assert snapshot() == before


def test_a_delete_that_fails_after_the_row_is_gone_keeps_the_record(writer):
    topic = Topic.objects.create(slug="doomed", name="Doomed")

    def after_delete(sender, instance, **kwargs):
        assert not Topic.objects.filter(pk=instance.pk).exists()  # the row is already gone
        raise RuntimeError("the disk is full")

    post_delete.connect(after_delete, sender=Topic)
    try:
        before = snapshot()
        assert writer.delete(f"{API}topics/doomed/").status_code == 500
        assert snapshot() == before
    finally:
        post_delete.disconnect(after_delete, sender=Topic)
    assert Topic.objects.filter(pk=topic.pk).exists()
