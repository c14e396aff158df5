"""Suggestions written into the review queue: `manage.py suggest`, the admin's "Suggest records"
and `POST /api/v1/sources/<slug>/suggest/` — one transaction a run, nothing written when refused."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from policy.curation import queue
from policy.models import Source, Statement, Statistic, Suggestion
from policy.records import ON_TIMELINE
from policy.suggest import MAX_TEXT, Proposal
from tests.api_support import client_for, editor_user, user_with

RECORDED_ARTICLE = "usa-today-biden-mexico-2021-05-07"  # the fixtures' records all cite it
ARTICLE = "usa-today-biden-mexico-again"  # the same text, as a source nothing cites yet
NEW_ARTICLE = (
    "Harris meets Guatemala’s president\n\n"
    "“We will keep working together,” Harris told Guatemalan President Alejandro Giammattei on Friday.\n\n"
    "Migrant encounters at the border fell 12% in April, according to U.S. Customs and Border Protection data. "
    "Harris announced $48 million in humanitarian aid for Guatemala."
)


@pytest.fixture(autouse=True)
def article(db):
    recorded = Source.objects.get(slug=RECORDED_ARTICLE)
    fields = {name: getattr(recorded, name) for name in ("title", "kind", "published_on", "date_precision", "text")}
    return Source.objects.create(slug=ARTICLE, url="https://example.org/again", **fields)


@pytest.fixture
def editor(django_user_model):
    return editor_user(django_user_model, "ed")


def pending(slug):
    return Suggestion.objects.filter(source__slug=slug, state="pending").order_by("id")


def new_source(text=NEW_ARTICLE, slug="harris-giammattei-2021-05-07"):
    return Source.objects.create(slug=slug, title="Harris meets Guatemala’s president", kind="news_article",
                                 published_on="2021-05-07", text=text)  # fmt: skip


@pytest.mark.django_db
def test_command_adds_the_articles_suggestions_once_and_replace_swaps_them(capsys):
    call_command("suggest", ARTICLE)
    first = list(pending(ARTICLE))
    assert len(first) >= 25 and f"{ARTICLE}: {len(first)} suggestions" in capsys.readouterr().out
    text = Source.objects.get(slug=ARTICLE).text
    assert all(
        s.origin == "extractor" and s.origin_detail and text[s.excerpt_start : s.excerpt_end] == s.excerpt
        for s in first
    )
    quote = next(s for s in first if s.fields.get("text", "").startswith("America is back"))
    assert (quote.fields["speaker"], quote.origin_detail) == ("joe-biden", "quotes.before")
    with pytest.raises(CommandError, match="already has"):
        call_command("suggest", ARTICLE)
    assert list(pending(ARTICLE)) == first
    call_command("suggest", ARTICLE, "--replace")
    second = list(pending(ARTICLE))
    assert len(second) == len(first) and not {s.id for s in first} & {s.id for s in second}


@pytest.mark.django_db
def test_command_refuses_an_unknown_source_and_a_source_without_text():
    with pytest.raises(CommandError, match="No source"):
        call_command("suggest", "no-such-source")
    Source.objects.create(slug="empty", title="Empty", kind="other")
    with pytest.raises(CommandError, match="holds no text"):
        call_command("suggest", "empty")
    assert not Suggestion.objects.exists()


@pytest.mark.django_db
def test_a_five_megabyte_text_is_refused_with_its_size_and_writes_nothing():
    new_source(text="Harris said so. " * (5_000_000 // 16), slug="huge")
    assert len(Source.objects.get(slug="huge").text) > MAX_TEXT
    with pytest.raises(CommandError, match="at most"):
        call_command("suggest", "huge")
    assert not Suggestion.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # outside a test transaction
def test_a_run_that_fails_midway_leaves_the_queue_as_it_was(monkeypatch):
    call_command("suggest", ARTICLE)
    before = list(pending(ARTICLE).values_list("id", flat=True))
    good = Proposal("statement", {"text": "x"}, "x", 0, 1, 0.5, "quotes.before")
    bad = Proposal("statement", {"text": "y"}, "y", 0, 1, 7.0, "quotes.before")  # confidence out of [0, 1]
    monkeypatch.setattr("policy.suggest.source.suggest", lambda *args: [good, bad])
    with pytest.raises(Exception, match="confidence"):
        call_command("suggest", ARTICLE, "--replace")
    assert list(pending(ARTICLE).values_list("id", flat=True)) == before


@pytest.mark.django_db
def test_api_suggest_is_for_editors_and_answers_with_the_runs_counts(editor, django_user_model):
    url = reverse("source-suggest", kwargs={"slug": ARTICLE})
    assert client_for().post(url, {}, format="json").status_code in (401, 403)
    reader = user_with(django_user_model, "reader", "add_statement")
    assert client_for(reader).post(url, {}, format="json").status_code == 403
    assert not Suggestion.objects.exists()
    response = client_for(editor).post(url, {}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["created"] == pending(ARTICLE).count() and body["replaced"] == 0
    assert body["by_type"]["statement"] == pending(ARTICLE).filter(record_type="statement").count() == 7
    assert Suggestion.objects.filter(created_by=editor).count() == body["created"]
    again = client_for(editor).post(url, {}, format="json")
    assert again.status_code == 400 and "replace" in again.json()
    replaced = client_for(editor).post(url, {"replace": True}, format="json")
    assert replaced.status_code == 201 and replaced.json()["replaced"] == body["created"]


@pytest.mark.django_db
def test_api_suggest_bad_requests_are_400_or_404(editor):
    client = client_for(editor)
    url = reverse("source-suggest", kwargs={"slug": ARTICLE})
    assert client.post(reverse("source-suggest", kwargs={"slug": "nope"}), {}, format="json").status_code == 404
    assert client.post(url, {"replce": True}, format="json").json() == {
        "replce": ["Unknown field. Fields: replace."]
    }  # fmt: skip
    assert "replace" in client.post(url, {"replace": "perhaps"}, format="json").json()
    assert client.post(url + "?dry=1", {}, format="json").status_code == 400
    Source.objects.create(slug="no-text", title="No text", kind="other")
    refused = client.post(reverse("source-suggest", kwargs={"slug": "no-text"}), {}, format="json")
    assert refused.status_code == 400 and "holds no text" in refused.json()["text"][0]
    assert not Suggestion.objects.exists()


@pytest.mark.django_db
def test_admin_action_suggests_for_each_selected_source(client, editor):
    editor.is_staff = True
    editor.save()
    client.force_login(editor)
    Source.objects.create(slug="no-text", title="No text", kind="other")
    ids = [Source.objects.get(slug=ARTICLE).pk, Source.objects.get(slug="no-text").pk]
    changelist = reverse("admin:policy_source_changelist")
    assert "Suggest records" in client.get(changelist).content.decode()
    response = client.post(changelist, {"action": "suggest_records", "_selected_action": ids}, follow=True)
    text = response.content.decode()
    assert f"Suggested for review: {ARTICLE}: {pending(ARTICLE).count()} suggestions" in text
    assert "holds no text" in text and not pending("no-text").exists()


@pytest.mark.django_db
def test_an_editor_adds_a_source_suggests_reviews_and_publishes(client, editor):
    """The flow of issue #15's “done”, through the admin (the queue's review pages are #14's): a new
    source, “Suggest records”, then each suggestion accepted through the queue (new actors first)."""
    editor.is_staff = True
    editor.save()
    client.force_login(editor)
    source = new_source()
    changelist = reverse("admin:policy_source_changelist")
    client.post(changelist, {"action": "suggest_records", "_selected_action": [source.pk]})
    suggestions = list(pending(source.slug))
    kinds = sorted(s.record_type for s in suggestions)
    assert kinds == ["aid_package", "statement", "statistic"], [s.fields for s in suggestions]
    for suggestion in sorted(suggestions, key=lambda s: s.record_type != "actor"):
        queue.accept(suggestion, editor)
    quote = Statement.objects.get(source=source)
    assert (quote.speaker.slug, quote.addressee.slug, str(quote.said_on)) == (
        "kamala-harris", "alejandro-giammattei", "2021-05-07"
    )  # fmt: skip
    change = Statistic.objects.get(source=source)
    assert (change.value, change.unit, change.publisher.slug) == (-12, "percent", "us-customs-and-border-protection")
    assert not pending(source.slug).exists()
    api = client_for().get(f"/api/v1/statements/{quote.slug}/").json()
    assert api["excerpt"] in source.text and api["speaker"]["slug"] == "kamala-harris"


@pytest.mark.django_db
def test_every_suggestion_for_the_article_is_a_valid_record(editor):
    """Each proposal is in the API's write format: accepting it creates the record, citation included."""
    call_command("suggest", ARTICLE)
    suggestions = list(pending(ARTICLE))
    for suggestion in suggestions:
        record = queue.accept(suggestion, editor)
        assert record.excerpt == suggestion.excerpt and record.excerpt_start == suggestion.excerpt_start
    assert Suggestion.objects.filter(source__slug=ARTICLE, state="accepted").count() == len(suggestions)


@pytest.mark.django_db
def test_what_a_source_already_has_is_not_suggested_again(capsys):
    def proposed(slug):
        call_command("suggest", slug)
        return {(s.record_type, s.fields.get("text") or s.fields.get("title")) for s in pending(slug)}

    recorded = {
        (name, label)
        for name, record_type in ON_TIMELINE.items()
        for label in record_type.model.objects.filter(source__slug=RECORDED_ARTICLE).values_list(
            record_type.label, flat=True
        )
    }
    fresh, again = proposed(ARTICLE), proposed(RECORDED_ARTICLE)
    assert not again & recorded
    # The same figures, dates and speakers in the same passages, whatever the words: only an event the
    # fixtures cite from another passage (the planned visit) is left.
    assert again == {("event", "Planned visit")}, again
    assert len(fresh) == 31


@pytest.mark.django_db
def test_a_rejected_suggestion_is_not_proposed_again_by_a_replace_run(editor):
    call_command("suggest", ARTICLE)
    first = list(pending(ARTICLE))
    turned_down = first[0]
    queue.reject(turned_down, editor, "Not a record.")
    call_command("suggest", ARTICLE, "--replace")
    again = {(s.record_type, s.excerpt_start, s.fields.get("text") or s.fields.get("title")) for s in pending(ARTICLE)}
    label = turned_down.fields.get("text") or turned_down.fields.get("title")
    assert (turned_down.record_type, turned_down.excerpt_start, label) not in again
    assert len(again) == len(first) - 1
