"""SQLite's FTS5 trigram indexes for `search=` (migration 0005): one per growing record type over
its own search fields, kept in step by triggers, filled by `generate_synthetic`."""

import datetime
import importlib
import io

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, transaction

from policy.api.urls import router
from policy.models import Actor, Source, Statement
from policy.search import FTS_TRIGGERS, forget_fts_indexes, fts_indexes, split_fields
from policy.synthetic.text import PLACES

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 trigram indexes")
MIGRATION = importlib.import_module("policy.migrations.0005_search_sqlite")
VIEWSETS = {prefix: viewset for prefix, viewset, _ in router.registry}
INDEXED = {  # route: model name, for the record types migration 0005 indexes
    route: viewset.filterset_class._meta.model._meta.model_name
    for route, viewset in VIEWSETS.items()
    if viewset.filterset_class._meta.model._meta.model_name in MIGRATION.STORED
}
TEXT = 'La señora PEÑALOSA-Quintero dijo: "muro fronterizo", no más. Xq.'


@pytest.fixture
def statement(db):
    speaker = Actor.objects.get(slug="kamala-harris")
    source = Source.objects.order_by("pk").first()
    return Statement.objects.create(
        slug="fts-statement", speaker=speaker, source=source, kind="quote", text=TEXT,
        excerpt=source.text[:40], said_on=datetime.date(2021, 6, 8),
    )  # fmt: skip


# SQLite: the indexes and the migration


@sqlite_only
@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(INDEXED))
def test_each_growing_table_has_an_fts_index_over_its_search_fields(route):
    forget_fts_indexes()
    filterset = VIEWSETS[route].filterset_class
    model = filterset._meta.model
    own, _ = split_fields(model, filterset.search_fields)
    table = model._meta.db_table
    # A later migration that remade the table (Django's SQLite ALTER) would have dropped its triggers.
    assert fts_indexes(connection).get(table) == (
        f"{table}_fts",
        frozenset(model._meta.get_field(f).column for f in own),
    )


class Editor:
    """What the migration's functions use of a schema editor, on the test's transaction."""

    def __init__(self, fail_on=None):
        self.connection, self.executed, self.fail_on = connection, [], fail_on

    def execute(self, sql):
        if sql == self.fail_on:
            raise OperationalError("no such tokenizer: trigram")
        self.executed.append(sql)
        with connection.cursor() as cursor:
            cursor.execute(sql)


@sqlite_only
@pytest.mark.django_db
def test_the_migration_skips_a_sqlite_without_the_trigram_tokenizer():
    editor = Editor(fail_on=MIGRATION.PROBE)
    MIGRATION.forwards(None, editor)
    assert editor.executed == []


@sqlite_only
@pytest.mark.django_db
def test_the_migration_goes_back_and_forth(statement):
    def fts_objects():
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'policy%fts%'")
            return {name for (name,) in cursor.fetchall()}

    expected = {f"policy_{model}_fts_{event}" for model in MIGRATION.STORED for event in FTS_TRIGGERS}
    assert expected < fts_objects()
    try:
        with transaction.atomic():
            MIGRATION.backwards(None, Editor())
            assert fts_objects() == set()
            MIGRATION.forwards(None, Editor())
            assert expected < fts_objects()
            with connection.cursor() as cursor:  # 'rebuild' indexed the rows already there
                cursor.execute(
                    "SELECT rowid FROM policy_statement_fts WHERE policy_statement_fts MATCH %s", ['"ñalos"']
                )
                assert (statement.pk,) in cursor.fetchall()
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    forget_fts_indexes()


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """3,000 generated statements (and the rest in proportion), analysed; rolled back after the module."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("generate_synthetic", statements=3_000, seed=1, no_progress=True, stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@sqlite_only
@pytest.mark.django_db
def test_generate_synthetic_keeps_the_indexes_complete_and_the_triggers(generated):
    forget_fts_indexes()
    assert set(fts_indexes(connection)) == {f"policy_{model}" for model in MIGRATION.STORED}
    with connection.cursor() as cursor:
        for model in MIGRATION.STORED:
            cursor.execute(f"INSERT INTO policy_{model}_fts(policy_{model}_fts, rank) VALUES ('integrity-check', 1)")
        for word in (PLACES[2], PLACES[40], "the"):
            cursor.execute(
                "SELECT COUNT(*) FROM policy_statement_fts WHERE policy_statement_fts MATCH %s", [f'"{word}"']
            )
            indexed = cursor.fetchone()[0]
            cursor.execute("SELECT COUNT(*) FROM policy_statement WHERE text LIKE %s", [f"%{word}%"])
            assert indexed == cursor.fetchone()[0] > 0, word
