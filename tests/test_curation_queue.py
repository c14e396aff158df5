"""The review queue's Python API (policy.curation.queue): propose, accept, reject."""

import pytest
from rest_framework.exceptions import ValidationError

from policy.curation import queue
from policy.models import Source, Statement, Suggestion
from tests.api_support import editor_user, table_counts


@pytest.fixture
def editor(django_user_model):
    return editor_user(django_user_model, "ed")


def quote_suggestion(**fields):
    source = Source.objects.get(slug="usa-today-biden-mexico-2021-05-07")
    excerpt = "Mexico is one of the United States' most important partners"
    if excerpt not in source.text:  # a sentence the article does hold
        excerpt = source.text[source.text.index(" ", 200) + 1 : source.text.index(" ", 260)]
    proposal = {"speaker": "andres-manuel-lopez-obrador", "kind": "paraphrase", "text": excerpt, **fields}
    suggestion = queue.propose(
        "statement", proposal, source=source, excerpt=excerpt, origin="import", origin_detail="a.csv row 2"
    )
    suggestion.save()
    return suggestion


@pytest.mark.django_db
def test_accept_creates_the_record_with_a_proposed_slug_and_notes_it_in_history(editor):
    suggestion = quote_suggestion(said_on="2021-05-01", date_precision="month")
    record = queue.accept(suggestion, editor)
    stored = Statement.objects.get(slug=suggestion.record_key)
    assert stored.pk == record.pk and stored.text == suggestion.fields["text"]
    assert stored.said_on.isoformat() == "2021-05-01" and stored.excerpt_start is not None
    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.reviewed_by, suggestion.reason) == ("accepted", editor, "")
    entry = stored.history.get()
    assert entry.history_change_reason == f"accepted suggestion #{suggestion.pk}"
    assert entry.history_user == editor


@pytest.mark.django_db
def test_accept_merges_edits_and_a_second_accept_is_refused(editor):
    suggestion = quote_suggestion(speaker="no-such-actor")
    before = table_counts()
    with pytest.raises(ValidationError) as error:
        queue.accept(suggestion, editor)
    assert "speaker" in error.value.detail
    assert table_counts() == before
    suggestion.refresh_from_db()
    assert suggestion.state == "pending"
    record = queue.accept(suggestion, editor, fields={"speaker": "kamala-harris", "slug": "harris-edited"})
    assert (record.slug, record.speaker.slug) == ("harris-edited", "kamala-harris")
    assert Suggestion.objects.get(pk=suggestion.pk).fields["speaker"] == "kamala-harris"
    with pytest.raises(ValidationError, match="already accepted"):
        queue.accept(suggestion, editor)


@pytest.mark.django_db
def test_reject_needs_a_reason_and_records_it(editor):
    suggestion = quote_suggestion()
    with pytest.raises(ValidationError):
        queue.reject(suggestion, editor, "  ")
    queue.reject(suggestion, editor, "Not said by him.")
    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.reason, suggestion.reviewed_by) == ("rejected", "Not said by him.", editor)
    with pytest.raises(ValidationError, match="already rejected"):
        queue.accept(suggestion, editor)


def test_propose_refuses_unknown_types_and_origins():
    with pytest.raises(ValueError, match="Unknown record type"):
        queue.propose("memo", {}, origin="import")
    with pytest.raises(ValueError, match="Unknown origin"):
        queue.propose("statement", {}, origin="oracle")
