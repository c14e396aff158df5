"""Cite by selecting, the form's side (issue #14): the statement add form a selection opens proposes the
speaker, the words, the kind and the date from the selected span (policy.curation.prefill); what the
URL gives wins, and a URL naming no source still opens an empty form."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from policy.models import Actor, Source

TEXT = "\n\n".join(
    [
        "Leaders met by video on Tuesday. “The virus does not stop at any border,” Kamala Harris told the meeting.",
        "Vice President Kamala Harris said the plan would be coordinated with local health ministries.",
        "“We will share doses,” Kamala Harris said on Tuesday. “And we will share them fast.”",
    ]
)


@pytest.fixture
def source(db):
    return Source.objects.create(
        slug="prefill-test", title="Prefill test", kind="news_article", published_on="2021-06-15", text=TEXT
    )


def initial(client, source, words, **given):
    start = TEXT.index(words)
    query = {"source": source.pk, "excerpt": words, "excerpt_start": start, "excerpt_end": start + len(words), **given}
    response = client.get(f"{reverse('admin:policy_statement_add')}?{urlencode(query)}")
    assert response.status_code == 200
    return response.context["adminform"].form.initial


@pytest.mark.django_db
def test_a_selected_quote_proposes_its_speaker_words_kind_and_date(admin_client, source):
    form = initial(admin_client, source, "“The virus does not stop at any border,” Kamala Harris told the meeting.")
    assert form["speaker"] == Actor.objects.get(slug="kamala-harris").pk
    assert (form["text"], form["kind"]) == ("The virus does not stop at any border", "quote")
    assert (str(form["said_on"]), form["date_precision"]) == ("2021-06-15", "day")


@pytest.mark.django_db
def test_a_quote_its_source_interrupts_with_who_said_it_is_a_quote_of_its_parts(admin_client, source):
    selected = "“We will share doses,” Kamala Harris said on Tuesday. “And we will share them fast.”"
    form = initial(admin_client, source, selected)
    assert form["speaker"] == Actor.objects.get(slug="kamala-harris").pk
    assert (form["text"], form["kind"]) == ("We will share doses, […] And we will share them fast.", "quote")


@pytest.mark.django_db
def test_a_selection_without_a_quote_is_a_paraphrase_by_the_person_it_names(admin_client, source):
    words = "Vice President Kamala Harris said the plan would be coordinated with local health ministries."
    form = initial(admin_client, source, words)
    assert form["speaker"] == Actor.objects.get(slug="kamala-harris").pk
    assert (form["text"], form["kind"]) == (words, "paraphrase")


@pytest.mark.django_db
def test_what_the_url_gives_wins_and_a_bad_source_proposes_nothing(admin_client, source):
    form = initial(admin_client, source, "“The virus does not stop at any border,”", kind="paraphrase")
    assert form["kind"] == "paraphrase" and form["text"] == "The virus does not stop at any border"
    response = admin_client.get(f"{reverse('admin:policy_statement_add')}?source=999999&excerpt=words+of+nothing")
    assert response.status_code == 200 and "speaker" not in response.context["adminform"].form.initial
