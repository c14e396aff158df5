"""`search=` means the same on both backends — a case-insensitive match in the record's text or its
related names (an actor's aliases too) — and on PostgreSQL it is ranked (policy.search)."""

import re
import sys

import pytest
from django.db import connection
from rest_framework.test import APIClient

from policy.models import Actor, Policy, Source, Statement
from policy.search.folding import PUNCTUATION, fold
from policy.search.postgresql import QUOTE_LETTERS

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="ranking is PostgreSQL's full-text search; SQLite orders by slug"
)


def found(params, route="statements"):
    body = APIClient().get(f"/api/v1/{route}/", {"page_size": 1000, **params}).json()
    return [row["slug"] for row in body["results"]]


@pytest.mark.django_db
def test_an_alias_finds_the_speakers_statements():
    amlo = Actor.objects.get(aliases__icontains="AMLO")
    said = set(Statement.objects.filter(speaker=amlo).values_list("slug", flat=True))
    assert said and said <= set(found({"search": "amlo"}))


@pytest.fixture
def policies(db):
    """Three policies: the word in one's title, in another's excerpt, inside a longer word in a third."""
    source = Source.objects.create(
        slug="zanzibar-report", title="Report", kind="report", text="The Zanzibar clause. The Zanzibarian plan."
    )

    def policy(slug, title, excerpt):
        return Policy.objects.create(
            slug=slug, title=title, kind="law", status="proposed", source=source, excerpt=excerpt
        ).slug

    return {
        "title": policy("a-in-title", "Zanzibar Act", "The Zanzibar clause."),
        "excerpt": policy("b-in-excerpt", "Island Act", "The Zanzibar clause."),
        "inside": policy("c-inside-a-word", "Other Act", "The Zanzibarian plan."),
    }


@pytest.mark.django_db
def test_a_word_finds_it_in_any_field_and_inside_longer_words(policies):
    assert set(found({"search": "ZANZIBAR"}, "policies")) == set(policies.values())
    assert set(found({"search": "anzibari"}, "policies")) == {policies["inside"]}
    assert found({"search": "zanzibar clause"}, "policies") == sorted([policies["title"], policies["excerpt"]])


@postgres_only
@pytest.mark.django_db
def test_postgres_ranks_a_title_match_first_unless_asked_for_an_ordering(policies):
    ranked = found({"search": "zanzibar"}, "policies")
    assert ranked[0] == policies["title"]
    assert ranked.index(policies["excerpt"]) < ranked.index(policies["inside"]), "a whole word beats a part"
    assert found({"search": "zanzibar", "ordering": "-slug"}, "policies") == sorted(policies.values(), reverse=True)


@postgres_only
@pytest.mark.django_db
def test_postgres_search_reads_through_the_full_text_index(policies):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        found({"search": "zanzibar"}, "policies")
    assert any('"search_document" @@' in query["sql"] for query in queries.captured_queries)


# Search that forgives: accents and case are ignored, both ways, on both backends (migration 0013).

AMLO = "andres-manuel-lopez-obrador"


def signed_in():
    from django.contrib.auth import get_user_model

    api = APIClient()
    api.force_authenticate(get_user_model()(username="reader"))
    return api


@pytest.fixture
def unaccented(db):
    """A statement whose text spells without accents what the data elsewhere spells with them."""
    source = Source.objects.order_by("pk").first()
    return Statement.objects.create(
        slug="unaccented-spelling", speaker=Actor.objects.get(slug="kamala-harris"), source=source,
        kind="paraphrase", text="Lopez Obrador hablo con Pena Nieto sobre la politica migratoria. Zq nA.",
        excerpt=source.text[: source.text.rindex(" ", 0, 40)],
    )  # fmt: skip


@pytest.mark.django_db
def test_lopez_finds_what_lopez_with_an_accent_finds():
    amlo_said = set(Statement.objects.filter(speaker__slug=AMLO).values_list("slug", flat=True))
    results = {query: set(found({"search": query})) for query in ("lopez", "LOPEZ", "López", "LÓPEZ", "lópez")}
    assert amlo_said and amlo_said <= results["lopez"]
    assert len({frozenset(slugs) for slugs in results.values()}) == 1, results


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["lópez obrador", "LÓPEZ", "habló", "PEÑA NIETO", "política", "ÑIET"])
def test_an_accent_in_the_search_finds_text_written_without_it(unaccented, query):
    assert unaccented.slug in found({"search": query})


@pytest.mark.django_db
def test_a_short_search_ignores_accents_too(unaccented):
    # 1–2 characters (signed in) compare row by row on SQLite, through the trigram index on PostgreSQL.
    body = signed_in().get("/api/v1/statements/", {"search": "ÑÁ", "page_size": 1000}).json()
    assert unaccented.slug in {row["slug"] for row in body["results"]}


@pytest.mark.django_db
@pytest.mark.parametrize("route", ["actors", "topics", "countries"])
def test_the_small_tables_ignore_accents(route):
    # Their own names: LIKE row by row on SQLite, trigram and expression indexes on PostgreSQL.
    expected = {"actors": AMLO, "topics": "migration", "countries": "MX"}[route]
    query = {"actors": "LÓPEZ obrador", "topics": "MÍGRATÍON", "countries": "MÉXICO"}[route]
    key = "code" if route == "countries" else "slug"
    body = APIClient().get(f"/api/v1/{route}/", {"search": query}).json()
    assert expected in {row[key] for row in body["results"]}, body


@postgres_only
@pytest.mark.django_db
def test_postgres_ranks_accented_matches_and_reads_the_unaccented_indexes(policies):
    from django.test.utils import CaptureQueriesContext

    Policy.objects.filter(slug=policies["title"]).update(title="Zánzíbár Act")
    assert found({"search": "zanzibar"}, "policies")[0] == policies["title"]
    assert found({"search": "ZÁNZIBAR"}, "policies")[0] == policies["title"]
    with CaptureQueriesContext(connection) as queries:
        found({"search": "lópez"})
    # The page (its counts are bounded too: LIMIT without ORDER BY).
    (sql,) = [
        q["sql"]
        for q in queries.captured_queries
        if "search_document" in q["sql"] and "LIMIT" in q["sql"] and "ORDER BY" in q["sql"]
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row for (row,) in cursor.fetchall())
    assert "stmt_text_trgm" in plan and "stmt_search_fts" in plan, plan
    assert "policy_unaccent" in sql


# Letters PostgreSQL's unaccent turns into a quote, which a search once passed into its tsquery unescaped (a 500).
QUOTE_LIKE_LETTERS = ["ʼ", "Bidenʼs", "ʻokina", "ŉ", "Oʹ", "ˈstress", "ʽ"]


@pytest.mark.django_db
@pytest.mark.parametrize("query", QUOTE_LIKE_LETTERS)
@pytest.mark.parametrize("route", ["statements", "policies", "actors", "search"])
def test_a_letter_that_unaccents_to_a_quote_is_searched_not_a_500(query, route):
    # Signed in: the 1–2 character ones are allowed then.
    response = signed_in().get(f"/api/v1/{route}/", {"search": query} if route != "search" else {"q": query})
    assert response.status_code == 200, response.content
    assert "results" in response.json()


@postgres_only
@pytest.mark.django_db
def test_a_modifier_apostrophe_finds_what_an_apostrophe_finds():
    plain = set(found({"search": "Biden's"}))
    assert plain and set(found({"search": "Bidenʼs"})) == plain


@postgres_only
@pytest.mark.django_db
def test_every_letter_the_server_unaccents_to_a_quote_is_split_at():
    letters = [chr(code) for code in range(sys.maxunicode + 1) if re.fullmatch(r"[^\W_]", chr(code))]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT letter FROM unnest(%s::text[]) letter WHERE policy_unaccent(letter) ~ %s", [letters, r"['\\]"]
        )
        quoting = {row[0] for row in cursor.fetchall()}
    assert quoting and quoting <= {chr(code) for code in QUOTE_LETTERS}


# Typographic punctuation folds as typed on a keyboard (policy.search.folding.PUNCTUATION), on both engines.
KEYBOARD_AND_TYPOGRAPHIC = [
    ("Mexico's", "Mexico’s"),
    ("predecessor's", "predecessor‘s"),
    ("Trump-Lopez", "Trump–López"),
]


def search_page_keys(query):
    page = signed_in().get("/search/", {"q": query, "page_size": 50}, HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    return set(re.findall(r'href="/[\w-]+/([\w-]+)/"', page.content.decode()))


def search_keys(query):
    body = signed_in().get("/api/v1/search/", {"q": query, "page_size": 50}).json()
    return {(hit["type"], hit["key"]) for hit in body["results"]}


@pytest.mark.django_db
@pytest.mark.parametrize(("keyboard", "typographic"), KEYBOARD_AND_TYPOGRAPHIC)
def test_a_keyboard_apostrophe_or_hyphen_finds_what_the_typographic_one_finds(keyboard, typographic):
    for route in ["statements", "policies", "statistics"]:
        assert found({"search": keyboard}, route) == found({"search": typographic}, route), route
    assert search_keys(keyboard) and search_keys(keyboard) == search_keys(typographic)
    assert search_page_keys(keyboard) and search_page_keys(keyboard) == search_page_keys(typographic)


@pytest.mark.django_db
def test_mexicos_finds_the_records_that_spell_it_with_a_typographic_apostrophe():
    spelled = {p.slug for p in Policy.objects.all() if "Mexico’s" in f"{p.title} {p.summary} {p.excerpt}"}
    assert spelled and spelled <= set(found({"search": "Mexico's"}, "policies"))


@pytest.mark.django_db
@pytest.mark.parametrize("query", ['"America is back"', "“America is back”", "america is back"])
def test_a_search_in_straight_or_curly_quotes_finds_the_phrase(query):
    statement = Statement.objects.get(text="America is back.")
    assert statement.slug in found({"search": query})
    hit = next(hit for hit in search({"q": query, "type": "statement"})["results"] if hit["key"] == statement.slug)
    assert hit["excerpt"][slice(*hit["match"])] == "America is back"


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["Trump-López", "Trump–López", "Trump—López", "trump-lopez obrador"])
def test_an_en_or_em_dash_finds_a_hyphen_and_the_other_way_round(query):
    en_dash = Policy.objects.get(title__startswith="Trump–López Obrador")
    hyphen = Policy.objects.create(
        slug="hyphen-spelling", title="Trump-Lopez Obrador talks", kind="law", status="proposed",
        source=en_dash.source, excerpt="",
    )  # fmt: skip
    assert {en_dash.slug, hyphen.slug} <= set(found({"search": query}, "policies"))
    hit = next(hit for hit in search({"q": query, "type": "policy"})["results"] if hit["key"] == en_dash.slug)
    assert hit["excerpt"][slice(*hit["match"])].casefold() == en_dash.title[: len(query)].casefold()


@pytest.mark.django_db
def test_a_run_of_spaces_searches_as_one_space():
    one_space = set(found({"search": "Lopez Obrador"}))
    assert one_space and set(found({"search": "Lopez  Obrador"})) == one_space
    assert set(found({"search": "lopez \n obrador"})) == one_space


def search(params):
    return signed_in().get("/api/v1/search/", params).json()


@postgres_only
@pytest.mark.django_db
def test_the_punctuation_folded_on_sqlite_is_what_the_servers_unaccent_folds():
    folds = {char: typed for typed, chars in PUNCTUATION.items() for char in chars}
    with connection.cursor() as cursor:
        cursor.execute("SELECT c, policy_unaccent(c) FROM unnest(%s::text[]) c", [list(folds)])
        server = dict(cursor.fetchall())
    assert server == folds
    assert {char: fold(char) for char in folds} == folds
