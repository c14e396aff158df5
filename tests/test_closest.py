"""Errors that fix themselves (issue #14, item 3): an excerpt that is not verbatim in its source is
answered with the closest passage and the first differing character with its kind — in the API's 400
body (`excerpt` the message, `excerpt_closest` the passage, its offsets and the difference)."""

import pytest

from policy.models import Actor, Policy, Source

from .api_support import API, client_for, editor_user, excerpt_payload, user_with

TEXT = (
    "The minister’s reply — delivered in Spanish — was short.\n\n"
    "“We will not wait…” she said, and the 2021–2022 budget passed.\r\n"
    "Crossings fell by 12% in MARCH, the agency said."
)
CASES = {
    "quote": ("The minister's reply", "The minister’s reply", 12, "'", "’"),
    "dash": ("reply - delivered in Spanish", "reply — delivered in Spanish", 6, "-", "—"),
    "ellipsis": ("We will not wait...", "We will not wait…", 16, "...", "…"),
    "whitespace": ("was short. “We will not", "was short.\n\n“We will not", 10, " ", "\n"),
    "case": ("fell by 12% in March, the agency", "fell by 12% in MARCH, the agency", 16, "a", "A"),
    "other": ("the 2021–2023 budget passed", "the 2021–2022 budget passed", 12, "3", "2"),
}


@pytest.fixture
def editor(db, django_user_model):
    return client_for(editor_user(django_user_model, "closest-editor"))


@pytest.fixture
def source(db):
    return Source.objects.create(slug="closest-test", title="A test text", kind="news_article", text=TEXT)


def event(source, excerpt):
    return {
        "slug": "closest-event",
        "title": "A test event",
        "kind": "meeting",
        "source": source.slug,
        "excerpt": excerpt,
    }


@pytest.mark.parametrize("kind", sorted(CASES))
def test_the_400_names_the_closest_passage_and_the_first_difference(editor, source, kind):
    excerpt, closest, differs_at, excerpt_has, source_has = CASES[kind]
    response = editor.post(f"{API}events/", event(source, excerpt), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["excerpt"][0].startswith("The excerpt does not occur verbatim in the text of source “closest-test”.")
    assert f"Closest passage (characters {TEXT.index(closest)}–" in body["excerpt"][0]
    start = TEXT.index(closest)
    assert body["excerpt_closest"] == {
        "closest": closest,
        "start": start,
        "end": start + len(closest),
        "differs_at": differs_at,
        "kind": kind,
        "excerpt_has": excerpt_has,
        "source_has": source_has,
    }
    assert excerpt[:differs_at] == closest[:differs_at]


def test_the_closest_passage_is_found_when_words_differ_too(editor, source):
    response = editor.post(
        f"{API}events/", event(source, "Crossings fell by 15% in March, the agency said."), format="json"
    )
    found = response.json()["excerpt_closest"]
    assert found["closest"] == "Crossings fell by 12% in MARCH, the agency said."
    assert (found["differs_at"], found["kind"], found["excerpt_has"], found["source_has"]) == (19, "other", "5", "2")


def test_the_closest_passage_is_whole_words_when_the_excerpt_cuts_one(editor, source):
    response = editor.post(f"{API}events/", event(source, "inister’s reply — delivered"), format="json")
    body = response.json()
    assert "cuts a word" in body["excerpt"][0]
    assert body["excerpt_closest"]["closest"] == "minister’s reply — delivered"


def test_words_the_source_never_holds_get_no_closest_passage(editor, source):
    response = editor.post(f"{API}events/", event(source, "Quantum giraffes bought the zeppelin."), format="json")
    body = response.json()
    assert body["excerpt"] == ["The excerpt does not occur verbatim in the text of source “closest-test”."]
    assert "excerpt_closest" not in body


def test_the_closest_passage_sent_back_is_accepted(editor, source):
    """The fix the error offers works: the closest passage is a valid excerpt at the offsets given."""
    refused = editor.post(f"{API}events/", event(source, CASES["quote"][0]), format="json").json()
    fixed = refused["excerpt_closest"]
    response = editor.post(f"{API}events/", event(source, fixed["closest"]), format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["excerpt_start"], response.json()["excerpt_end"]) == (fixed["start"], fixed["end"])


def test_a_policy_link_s_excerpt_gets_its_closest_passage_with_numbers(editor, source):
    policy, other = Policy.objects.order_by("pk")[:2]
    link = {"relation": "extends", "policy": other.slug, "source": source.slug, "excerpt": CASES["dash"][0]}
    response = editor.patch(f"{API}policies/{policy.slug}/", {"related": [link]}, format="json")
    assert response.status_code == 400
    found = response.json()["related"]["0"]["excerpt_closest"]  # link errors by index, as text
    assert (found["start"], found["differs_at"], found["kind"]) == (TEXT.index(CASES["dash"][1]), 6, "dash")


def test_a_statement_from_the_article_typed_with_straight_quotes(editor):
    citation = excerpt_payload()
    source = Source.objects.get(slug=citation["source"])
    excerpt = next(s for s in source.text.split("\n") if "’" in s and len(s) < 400)
    payload = {
        "slug": "typed-plainly",
        "speaker": Actor.objects.order_by("pk").first().slug,
        "text": "plainly typed",
        "kind": "paraphrase",
        "source": source.slug,
        "excerpt": excerpt.replace("’", "'"),
    }
    found = editor.post(f"{API}statements/", payload, format="json").json()["excerpt_closest"]
    assert source.text[found["start"] : found["end"]] == found["closest"] == excerpt
    assert (found["kind"], found["differs_at"]) == ("quote", excerpt.index("’"))


@pytest.fixture
def writer(db, django_user_model):
    """May add events and change policies, but not read a source's reserved text (policy.licensing)."""
    return client_for(user_with(django_user_model, "closest-writer", "add_event", "change_policy", "view_source"))


@pytest.mark.parametrize("license", ["all_rights_reserved", "public_domain"])
def test_the_closest_passage_is_for_those_who_may_read_the_source_s_text(writer, source, license):
    """The passage is the source's own words: it went to any writer, a reserved text's included."""
    Source.objects.filter(pk=source.pk).update(text_license=license)
    response = writer.post(f"{API}events/", event(source, CASES["quote"][0]), format="json")
    assert response.status_code == 400
    body = response.json()
    if license == "public_domain":  # served to anyone anyway
        assert body["excerpt_closest"]["closest"] == CASES["quote"][1]
        assert "Closest passage" in body["excerpt"][0]
        return
    assert body["excerpt"] == ["The excerpt does not occur verbatim in the text of source “closest-test”."]
    assert "excerpt_closest" not in body
    assert CASES["quote"][1] not in response.content.decode()


def test_a_policy_link_s_closest_passage_is_withheld_too(writer, source):
    policy, other = Policy.objects.order_by("pk")[:2]
    link = {"relation": "extends", "policy": other.slug, "source": source.slug, "excerpt": CASES["dash"][0]}
    response = writer.patch(f"{API}policies/{policy.slug}/", {"related": [link]}, format="json")
    assert response.status_code == 400
    assert "does not occur verbatim" in response.json()["related"]["0"]["excerpt"][0]
    assert "excerpt_closest" not in response.json()["related"]["0"]
    assert CASES["dash"][1] not in response.content.decode()
