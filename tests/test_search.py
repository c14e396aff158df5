"""`search=` means the same on both backends — a case-insensitive match in the record's text or its
related names (an actor's aliases too) — and on PostgreSQL it is ranked (policy.search)."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from policy.models import Actor, Policy, Source, Statement

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
