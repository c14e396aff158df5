"""Provenance stays on, through the API: a cited source keeps its text, a checked citation cannot move to
a source that has none, an excerpt is long enough to be a citation and cuts no word, and (on PostgreSQL)
a write to a source's text and a write citing it, at the same moment, cannot both pass."""

import io
import re
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from policy.api.views import SourceViewSet, StatementViewSet
from policy.models import Source, Statement

from .api_support import editor_user

pytestmark = pytest.mark.django_db

API = "/api/v1/"
ARTICLE = "usa-today-biden-mexico-2021-05-07"


@pytest.fixture
def editor(django_user_model):
    client = APIClient()
    client.force_authenticate(editor_user(django_user_model, "provenance-editor"))
    return client


def cited_statement():
    return Statement.objects.filter(source__slug=ARTICLE).order_by("pk").first()


def statement_payload(excerpt, **fields):
    return {
        "slug": "provenance-probe",
        "speaker": "kamala-harris",
        "text": "words",
        "kind": "paraphrase",
        "source": ARTICLE,
        "excerpt": excerpt,
        **fields,
    }


def test_a_cited_source_cannot_lose_its_text(editor):
    """Found from outside: `PATCH {"text": ""}` was accepted, and then any fabricated excerpt was."""
    text = Source.objects.get(slug=ARTICLE).text
    response = editor.patch(f"{API}sources/{ARTICLE}/", {"text": ""}, format="json")
    assert response.status_code == 400
    assert "cannot lose its text" in response.json()["text"][0]
    assert Source.objects.get(slug=ARTICLE).text == text
    fabricated = editor.post(f"{API}statements/", statement_payload("Words the article never printed."), format="json")
    assert fabricated.status_code == 400 and "does not occur verbatim" in fabricated.json()["excerpt"][0]


def test_an_uncited_source_may_lose_its_text(editor):
    Source.objects.create(slug="provenance-uncited", title="Uncited", kind="report", text="Some words here.")
    response = editor.patch(f"{API}sources/provenance-uncited/", {"text": ""}, format="json")
    assert response.status_code == 200 and response.json()["text"] == ""


def test_a_checked_citation_cannot_move_to_a_source_without_text(editor):
    Source.objects.create(slug="provenance-untexted", title="Untexted", kind="report", text="")
    statement = cited_statement()
    response = editor.patch(f"{API}statements/{statement.slug}/", {"source": "provenance-untexted"}, format="json")
    assert response.status_code == 400
    assert "no text to check the excerpt against" in response.json()["source"][0]
    assert Statement.objects.get(pk=statement.pk).source.slug == ARTICLE


@pytest.mark.parametrize(
    "excerpt, message",
    [
        ("a", "at least 10 characters"),
        ("Biden", "at least 10 characters"),
        ("be easy.", "at least 10 characters"),
        ("It probably won’t be eas", "cuts a word"),
        ("t probably won’t be easy.", "cuts a word"),
    ],
)
def test_an_excerpt_is_whole_words_and_at_least_ten_characters(editor, excerpt, message):
    """Found from outside: an excerpt of one character counted as a citation."""
    response = editor.post(f"{API}statements/", statement_payload(excerpt), format="json")
    assert response.status_code == 400
    assert message in response.json()["excerpt"][0]
    assert not Statement.objects.filter(slug="provenance-probe").exists()


def test_ten_characters_of_whole_words_are_enough(editor):
    response = editor.post(f"{API}statements/", statement_payload("won’t be easy."), format="json")
    assert response.status_code == 201
    text = Source.objects.get(slug=ARTICLE).text
    assert text[response.json()["excerpt_start"] : response.json()["excerpt_end"]] == "won’t be easy."


# Two writers at the same moment (PostgreSQL: real row locks, separate connections) ------------------


def uncited_phrase(source):
    """Four words of the source's text that no record cites, found once in it."""
    from policy.models.base import Cited

    spans = [
        span
        for model in Cited.__subclasses__()
        for span in model.objects.filter(source=source).values_list("excerpt_start", "excerpt_end")
    ]
    words = [match.span() for match in re.finditer(r"[A-Za-z]+", source.text)]
    for first, last in zip(words, words[3:], strict=False):
        start, end = first[0], last[1]
        phrase = source.text[start:end]
        if all(end <= s or start >= e for s, e in spans) and source.text.count(phrase) == 1 and len(phrase) >= 10:
            return phrase
    raise AssertionError("every four words of the source are cited")


def in_thread(function, results, key):
    def run():
        try:
            results[key] = function()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def seen_waiting_for_a_lock(thread, seconds=10):
    """True once another backend of this database waits for a lock (pg_stat_activity); False if `thread`
    ends first, or after `seconds`. Polls: the waiting is observed, never assumed after a sleep."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline and thread.is_alive():
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.005)
    return False


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between connections: PostgreSQL's")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("first", ["text change", "citation"])
def test_a_text_change_and_a_citation_at_the_same_moment_cannot_both_pass(first, monkeypatch, django_user_model):
    """Found from outside: a PATCH of a source's text and a new excerpt citing it, at the same moment, both
    got 200/201 and left an excerpt its source does not hold. The first write holds its transaction open
    until the second is seen waiting for its lock; then the second must see the first and be refused."""
    client = APIClient()
    client.force_authenticate(editor_user(django_user_model, "racer"))
    source = Source.objects.get(slug=ARTICLE)
    phrase = uncited_phrase(source)
    holding, release = threading.Event(), threading.Event()
    viewset, method = (
        (SourceViewSet, "perform_update") if first == "text change" else (StatementViewSet, "perform_create")
    )
    original = getattr(viewset, method)

    def held(self, serializer):
        original(self, serializer)
        holding.set()
        release.wait(10)

    monkeypatch.setattr(viewset, method, held)
    writes = {
        "text change": lambda: client.patch(
            f"{API}sources/{ARTICLE}/", {"text": source.text.replace(phrase, "[…]")}, format="json"
        ),
        "citation": lambda: client.post(f"{API}statements/", statement_payload(phrase), format="json"),
    }
    second = "citation" if first == "text change" else "text change"
    results = {}
    first_thread = in_thread(writes[first], results, first)
    assert holding.wait(10), "the first write never reached its hold"
    second_thread = in_thread(writes[second], results, second)
    waited = seen_waiting_for_a_lock(second_thread)
    release.set()
    first_thread.join(30)
    second_thread.join(30)

    statuses = {name: response.status_code for name, response in results.items()}
    assert statuses == {first: 200 if first == "text change" else 201, second: 400}, statuses
    assert waited, "the second write did not wait for the first's lock"
    call_command("verify_citations", stdout=io.StringIO())  # raises on any excerpt its source lacks
