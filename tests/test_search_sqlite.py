"""`search=` through SQLite's FTS5 trigram indexes (migration 0005, policy.search), and what it
means on both backends: 3 or more characters found anywhere in a word, in any case (non-ASCII
letters too), kept in step with every write; 1–2 characters by a substring scan; any character
in the text searched for is text, never query syntax."""

import datetime
import importlib
import re
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from policy.api.urls import router
from policy.models import Actor, Source, Statement
from policy.search import FTS_TRIGGERS, forget_fts_indexes, fts_indexes, split_fields
from policy.synthetic.text import PLACES

from .api_support import generated_records, matches_search

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 trigram indexes")
MIGRATION = importlib.import_module("policy.migrations.0013_search_unaccent")  # 0005's indexes, folded
VIEWSETS = {prefix: viewset for prefix, viewset, _ in router.registry}
INDEXED = {  # route: model name, for the record types migrations 0005 and 0009 index
    route: viewset.filterset_class._meta.model._meta.model_name
    for route, viewset in VIEWSETS.items()
    if viewset.filterset_class._meta.model._meta.model_name in MIGRATION.STORED
}
TEXT = 'La señora PEÑALOSA-Quintero dijo: "muro fronterizo", no más. Xq.'


def reader():
    """A signed-in client: an anonymous search of 1–2 characters is refused (tests/test_expensive_reads.py)."""
    api = APIClient()
    api.force_authenticate(get_user_model()(username="reader"))
    return api


def first_words(text, length):
    """The text's words that fit in `length` characters (an excerpt never cuts a word)."""
    return text[: text.rindex(" ", 0, length)]


def found(params, route="statements"):
    response = reader().get(f"/api/v1/{route}/", {"page_size": 1000, **params})
    assert response.status_code == 200, (params, response.content[:300])
    return {row["slug"] for row in response.json()["results"]}


@pytest.fixture
def editor(db, django_user_model):
    api = APIClient()
    api.force_authenticate(django_user_model.objects.create_superuser("editor", "ed@example.org", "pw-editor-123"))
    return api


@pytest.fixture
def statement(db):
    speaker = Actor.objects.get(slug="kamala-harris")
    source = Source.objects.order_by("pk").first()
    return Statement.objects.create(
        slug="fts-statement", speaker=speaker, source=source, kind="paraphrase", text=TEXT,
        excerpt=first_words(source.text, 40), said_on=datetime.date(2021, 6, 8),
    )  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("word", ["ÑALOS", "ñalos", "peñalosa-QUINT", "SEÑORA", "ronteri", 'dijo: "muro'])
def test_three_characters_or_more_match_inside_words_in_any_case(statement, word):
    assert statement.slug in found({"search": word})


@pytest.mark.django_db
@pytest.mark.parametrize("word", ["xQ", "Xq", "q.", "ñ"])
def test_one_or_two_characters_still_match(statement, word):
    assert statement.slug in found({"search": word})


@pytest.mark.django_db
@pytest.mark.parametrize(
    "word", ['"', '"muro', 'fronterizo"', '"""', '""', 'x"y', "muro*", "NEAR(muro", "^muro", "a OR b"]
)
def test_quotes_and_query_syntax_are_text(statement, word):
    got = found({"search": word})
    if '"' in word and word in TEXT:
        assert statement.slug in got
    # PostgreSQL also matches the words in full text (`muro*` finds "muro"); 1–2 characters are also
    # looked for in the aliases' JSON text, quotes included, on SQLite.
    if connection.vendor == "sqlite" and len(word) >= 3:
        expected = {o.slug for o in Statement.objects.all() if matches_search(o, STATEMENT_FIELDS, word)}
        assert got == expected


STATEMENT_FIELDS = VIEWSETS["statements"].filterset_class.search_fields


@pytest.mark.django_db
def test_an_update_and_a_delete_through_the_api_reach_the_search(statement, editor):
    url = f"/api/v1/statements/{statement.slug}/"
    response = editor.patch(url, {"text": "Otra cosa: ZANAHORIA azul."}, format="json")
    assert response.status_code == 200, response.content
    assert statement.slug in found({"search": "zanahoria"})
    assert statement.slug not in found({"search": "peñalosa"})
    assert editor.delete(url).status_code == 204
    assert statement.slug not in found({"search": "zanahoria"})


@pytest.mark.django_db
def test_writes_below_the_orm_reach_the_search(statement):
    Statement.objects.filter(pk=statement.pk).update(text="Berenjena")
    assert found({"search": "BERENJ"}) == {statement.slug}
    assert statement.slug not in found({"search": "ñalos"})
    Statement.objects.filter(pk=statement.pk).update(kind="quote")  # an unindexed column
    assert found({"search": "BERENJ"}) == {statement.slug}
    Statement.objects.filter(pk=statement.pk).delete()
    assert found({"search": "BERENJ"}) == set()


REFOLD = importlib.import_module("policy.migrations.0016_fold_punctuation")


@sqlite_only
@pytest.mark.django_db
def test_migration_0016_folds_again_the_rows_indexed_before_it(statement):
    """Rows indexed before typographic punctuation folded (’ kept, runs of spaces kept) are found after 0016."""
    text = "El gobierno de México’s  “muro”"
    Statement.objects.filter(pk=statement.pk).update(text=text)
    with connection.cursor() as cursor:  # the index as the fold before 0016 left it
        cursor.execute(
            "INSERT INTO policy_statement_fts(policy_statement_fts, rowid, text) "
            "VALUES ('delete', %s, policy_fold(%s))",
            [statement.pk, text],
        )
        cursor.execute(
            "INSERT INTO policy_statement_fts(rowid, text) VALUES (%s, %s)",
            [statement.pk, "el gobierno de mexico’s  “muro”"],
        )
    assert statement.slug not in found({"search": 'mexico\'s "muro"'})
    # What the migration uses of a schema editor (a real one cannot open inside the test's transaction).
    with connection.cursor() as cursor:
        REFOLD.refold(None, SimpleNamespace(connection=connection, execute=cursor.execute))
    assert statement.slug in found({"search": 'mexico\'s "muro"'})
    assert statement.slug in found({"search": "México’s “muro”"})


@pytest.mark.django_db
def test_search_combines_with_other_filters(statement):
    other = Actor.objects.exclude(pk=statement.speaker_id).order_by("pk").first().slug
    both = {"search": "ÑALOS", "speaker": "kamala-harris", "date_after": "2021-06-01", "ordering": "-said_on"}
    assert found(both) == {statement.slug}
    assert found({**both, "cursor": ""}) == {statement.slug}
    assert found({**both, "speaker": other}) == set()
    assert found({**both, "date_before": "2021-06-07"}) == set()
    assert found({**both, "kind": "quote"}) == set()


@pytest.mark.django_db
def test_a_policy_is_found_in_any_of_its_fields(editor):
    created = editor.post(
        "/api/v1/policies/",
        {"slug": "fts-policy", "title": "Ley de ÁRBOLES", "kind": "law", "status": "proposed",
         "summary": "Sobre la reforestación.", "source": Source.objects.order_by("pk").first().slug,
         "excerpt": first_words(Source.objects.order_by("pk").first().text, 30)},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    for word in ("árboles", "ÁRBOL", "REFORESTACIÓN", "forest"):
        assert "fts-policy" in found({"search": word}, "policies"), word
    assert editor.patch("/api/v1/policies/fts-policy/", {"title": "Ley de montes"}, format="json").status_code == 200
    assert "fts-policy" not in found({"search": "árboles"}, "policies")
    assert "fts-policy" in found({"search": "MONTES"}, "policies")


# SQLite: the indexes, their plans, the migration


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
    with CaptureQueriesContext(connection) as queries:
        found({"search": "abc"}, route)
    assert any(f'"{table}_fts" MATCH' in query["sql"] for query in queries.captured_queries)


@sqlite_only
@pytest.mark.django_db
def test_short_searches_scan(statement):
    with CaptureQueriesContext(connection) as queries:
        found({"search": "xq"})
    assert not any("_fts" in query["sql"] for query in queries.captured_queries)


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
    editor = Editor(fail_on=importlib.import_module("policy.migrations.0005_search_sqlite").PROBE)
    MIGRATION.forwards(None, editor)
    assert editor.executed == []


@sqlite_only
@pytest.mark.django_db
def test_the_migration_goes_back_and_forth(statement):
    """Back to 0005's index (accents kept), forth to 0009's (folded), the rows already there indexed each time."""

    def fts_objects():
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'policy%fts%'")
            return {name for (name,) in cursor.fetchall()}

    def indexed(phrase):
        with connection.cursor() as cursor:
            cursor.execute("SELECT rowid FROM policy_statement_fts WHERE policy_statement_fts MATCH %s", [phrase])
            return (statement.pk,) in cursor.fetchall()

    expected = {f"policy_{model}_fts_{event}" for model in MIGRATION.STORED for event in FTS_TRIGGERS}
    assert expected < fts_objects()
    assert indexed('"nalos"') and not indexed('"ñalos"')  # folded: PEÑALOSA is held as penalosa
    try:
        with transaction.atomic():
            MIGRATION.backwards(None, Editor())
            assert expected < fts_objects()
            assert indexed('"ñalos"') and not indexed('"nalos"')
            MIGRATION.forwards(None, Editor())
            assert expected < fts_objects()
            assert indexed('"nalos"') and not indexed('"ñalos"')
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    forget_fts_indexes()


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """3,000 generated statements (and the rest in proportion), analysed; rolled back after the module."""
    with generated_records(django_db_blocker, 3_000):
        yield


def plan(sql):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return [row[-1] for row in cursor.fetchall()]


def full_scans(sql, table):
    """The loops of `sql` over the whole of `table` or one of its indexes. Read from the program
    SQLite compiles (EXPLAIN): a cursor opened on the table's or an index's root page and started
    at an end (Rewind, Last) is a full scan; an index search seeks instead. EXPLAIN QUERY PLAN
    names tables by alias, and Django gives different tables the same alias in different subqueries."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rootpage FROM sqlite_master WHERE tbl_name = %s AND rootpage > 0", [table])
        pages = {page for (page,) in cursor.fetchall()}
        cursor.execute(f"EXPLAIN {sql}")
        program = cursor.fetchall()  # addr, opcode, p1, p2, p3, p4, p5, comment
    opened = {p1 for _, opcode, p1, p2, *_ in program if opcode in ("OpenRead", "ReopenIdx") and p2 in pages}
    return [row for row in program if row[1] in ("Rewind", "Last") and row[2] in opened]


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


def alias():
    return Actor.objects.exclude(aliases=[]).order_by("pk").first().aliases[0]


@sqlite_only
@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"search": PLACES[2]},  # frequent
        {"search": PLACES[40]},  # rare
        {"search": "alias"},
        {"search": PLACES[2], "ordering": "-said_on"},
        {"search": PLACES[2], "cursor": ""},
        {"search": PLACES[2], "page": "2", "page_size": "10"},
        {"search": PLACES[2], "kind": "quote", "date_after": "2010-01-01"},
    ],
    ids=str,
)
def test_statement_search_reads_the_fts_index_and_never_scans_the_table(generated, params):
    params = {name: alias() if value == "alias" else value for name, value in params.items()}
    searched = searches("statements", params)
    for sql in searched:  # the page and its count
        assert not full_scans(sql, "policy_statement"), (sql, plan(sql))


@sqlite_only
@pytest.mark.django_db
def test_a_short_search_scans_the_table_as_the_check_would_see(generated):
    with CaptureQueriesContext(connection) as queries:
        assert reader().get("/api/v1/statements/", {"search": "zq", "ordering": "-said_on"}).status_code == 200
    assert any(full_scans(query["sql"], "policy_statement") for query in queries.captured_queries)


@sqlite_only
@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(INDEXED))
def test_every_indexed_record_type_searches_through_its_index(generated, route):
    # Not checked for full scans: generated in proportion to 3,000 statements, these tables hold
    # 30 to 300 rows, which SQLite rightly reads whole (at a million statements it does not).
    searches(route, {"search": PLACES[2]})


def searches(route, params):
    """The SQL of a list request's queries that read the record type's FTS5 index (asserted)."""
    table = VIEWSETS[route].filterset_class._meta.model._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        response = APIClient().get(f"/api/v1/{route}/", params)
    assert response.status_code == 200, response.content[:300]
    searched = [query["sql"] for query in queries.captured_queries if f'"{table}_fts" MATCH' in query["sql"]]
    assert searched, "the search reads the FTS5 index"
    for sql in searched:
        assert any(f"{table}_fts VIRTUAL TABLE" in detail for detail in plan(sql)), plan(sql)
    return searched


@sqlite_only
@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"ordering": "-said_on"},
        {"page": "2", "page_size": "10"},
        {"kind": "quote", "date_after": "2010-01-01"},
    ],
    ids=str,
)
def test_a_frequent_word_is_read_in_the_pages_order_not_sorted(generated, monkeypatch, params):
    """Past policy.search.FREQUENT matches, a page walks the order's index and stops at its end
    instead of sorting every match: the same records, in the same order."""
    params = {"search": PLACES[2], **params}

    def page():
        with CaptureQueriesContext(connection) as queries:
            response = APIClient().get("/api/v1/statements/", params)
        assert response.status_code == 200
        (sql,) = [q["sql"] for q in queries.captured_queries if "MATCH" in q["sql"] and "ORDER BY" in q["sql"]]
        return response.json(), [step for step in plan(sql) if step == "USE TEMP B-TREE FOR ORDER BY"]

    sorted_page, sorts = page()
    monkeypatch.setattr("policy.search.sqlite.FREQUENT", 3)
    walked_page, walked_sorts = page()
    assert walked_page == sorted_page and walked_page["count"] > 3
    if "kind" not in params:  # (with other filters the planner may start from their indexes)
        # The page's rows are still ordered once joined; the matches themselves no longer are.
        assert len(walked_sorts) == len(sorts) - 1, (sorts, walked_sorts)


@sqlite_only
@pytest.mark.django_db
def test_a_frequent_words_count_reads_the_matches_by_key_not_the_table(generated, monkeypatch):
    """The `+id` that makes a page walk its order's index would make the count scan the whole
    table (185 ms for a word in 1% of a million statements): the count keeps `id IN (…)`."""
    monkeypatch.setattr("policy.search.sqlite.FREQUENT", 3)
    searched = searches("statements", {"search": PLACES[2]})
    (page,) = [sql for sql in searched if "ORDER BY" in sql]
    (count,) = [sql for sql in searched if "COUNT(*)" in sql and 'FROM "policy_statement"' in sql]
    assert re.search(r'\+(U0|"policy_statement")\."id" IN', page), page  # the page keeps its hint
    assert not re.search(r'\+\S*"id"', count) and '"policy_statement"."id" IN' in count, count
    assert not full_scans(count, "policy_statement"), plan(count)
