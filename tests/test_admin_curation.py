"""The admin's curation aids (issue #14): a source's text drawn for citing by selection (each piece at
its offset in the stored text), the add form opened from a selection, offsets kept where the text
holds the excerpt, a refused excerpt's "use the source's words", and aliases one per line."""

import html
import json
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from policy.models import Actor, Event, Source

from .test_admin import rendered_form_data

pytestmark = pytest.mark.django_db

# CRLF and CR breaks, an astral character (two UTF-16 units, one code point), curly quotes, an ellipsis.
TEXT = (
    "Talks resumed on Monday.\r\n\r\n"
    "“We came to listen…” the envoy said 🙂 and the talks resumed.\r"
    "Then the talks resumed again, on Friday."
)
PIECE = re.compile(r'<span data-start="(\d+)" data-length="(\d+)"( data-break="(\w+)")?>(.*?)</span>', re.S)
BREAKS = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}


@pytest.fixture
def source():
    return Source.objects.create(slug="cite-test", title="Cite test", kind="news_article", text=TEXT)


def change_url(obj):
    return reverse(f"admin:policy_{obj._meta.model_name}_change", args=[obj.pk])


def test_a_source_s_text_is_drawn_in_pieces_at_their_offsets(admin_client, source):
    page = admin_client.get(change_url(source)).text
    assert "Cite by selecting" in page
    pieces = PIECE.findall(page)
    assert "".join(BREAKS[kind] if kind else html.unescape(text) for _, _, _, kind, text in pieces) == TEXT
    for start, length, _, kind, text in pieces:
        start, length = int(start), int(length)
        assert TEXT[start : start + length] == (BREAKS[kind] if kind else html.unescape(text))
    add = {reverse(f"admin:policy_{name}_add") for name in ("statement", "statistic", "policy", "aidpackage", "event")}
    assert set(re.findall(r'data-add="([^"]+)"', page)) == add


def test_the_cite_buttons_are_only_the_types_the_editor_may_add(client, django_user_model, source):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("clerk", password="pw-secret-123", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=["change_source", "view_source", "add_event"]))
    client.force_login(user)
    page = client.get(change_url(source)).text
    assert re.findall(r'data-add="([^"]+)"', page) == [reverse("admin:policy_event_add")]


def test_the_add_form_opens_with_the_selection(admin_client, source):
    start = TEXT.index("“We came")
    excerpt = TEXT[start : TEXT.index("said") + 4]
    query = {"source": source.pk, "excerpt": excerpt, "excerpt_start": start, "excerpt_end": start + len(excerpt)}
    form = admin_client.get(reverse("admin:policy_event_add"), query).context["adminform"].form
    assert form["excerpt"].value() == excerpt
    assert (form["excerpt_start"].value(), form["excerpt_end"].value()) == (str(start), str(start + len(excerpt)))
    assert str(form["source"].value()) == str(source.pk)


def add_event(admin_client, source, excerpt, start, end):
    data = {
        "slug": "selected-event",
        "title": "Selected",
        "kind": "meeting",
        "status": "held",
        "date_precision": "day",
        "source": source.pk,
        "excerpt": excerpt,
        "excerpt_start": start,
        "excerpt_end": end,
        "_save": "Save",
    }
    return admin_client.post(reverse("admin:policy_event_add"), data)


def test_a_selected_later_occurrence_keeps_its_offsets(admin_client, source):
    phrase = "the talks resumed"
    second = TEXT.index(phrase, TEXT.index(phrase) + 1)
    assert TEXT.index(phrase) < second
    response = add_event(admin_client, source, phrase, second, second + len(phrase))
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    event = Event.objects.get(slug="selected-event")
    assert (event.excerpt_start, event.excerpt_end) == (second, second + len(phrase))


def test_offsets_that_do_not_hold_the_excerpt_give_way_to_the_nearest_occurrence(admin_client, source):
    phrase = "the talks resumed"
    third = TEXT.rindex(phrase)
    response = add_event(admin_client, source, phrase, third + 3, third + 3 + len(phrase))
    assert response.status_code == 302
    assert Event.objects.get(slug="selected-event").excerpt_start == third


def test_a_refused_excerpt_offers_the_source_s_words(admin_client, source):
    typed = '"We came to listen..." the envoy said'
    response = add_event(admin_client, source, typed, "", "")
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "straight vs curly quote" in form.errors["excerpt"][0]
    assert "Use the source’s words" in response.text
    closest = json.loads(
        re.search(r'<script id="excerpt-closest" type="application/json">(.*?)</script>', response.text).group(1)
    )
    start = TEXT.index("“We came")
    assert closest["closest"] == TEXT[start : start + len("“We came to listen…” the envoy said")]
    assert (closest["start"], closest["end"]) == (start, start + len(closest["closest"]))
    response = add_event(admin_client, source, closest["closest"], closest["start"], closest["end"])  # the button's fix
    assert response.status_code == 302
    assert Event.objects.get(slug="selected-event").excerpt == closest["closest"]


def test_aliases_are_edited_one_per_line(admin_client):
    actor = Actor.objects.exclude(aliases=[]).order_by("pk").first()
    page = admin_client.get(change_url(actor))
    data = rendered_form_data(page)
    assert data["aliases"] == "\n".join(actor.aliases)
    assert admin_client.post(change_url(actor), {**data, "_save": "Save"}).status_code == 302
    assert LogEntry.objects.latest("action_time").get_change_message() == "No fields changed."

    data["aliases"] = "  AMLO  \r\n\r\nEl Peje\r\n"
    assert admin_client.post(change_url(actor), {**data, "_save": "Save"}).status_code == 302
    actor.refresh_from_db()
    assert actor.aliases == ["AMLO", "El Peje"]


def test_a_repeated_alias_is_refused(admin_client):
    actor = Actor.objects.exclude(aliases=[]).order_by("pk").first()
    before = list(actor.aliases)
    data = {**rendered_form_data(admin_client.get(change_url(actor))), "aliases": "AMLO\namlo", "_save": "Save"}
    response = admin_client.post(change_url(actor), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["aliases"] == ["Each alias once: amlo is repeated."]
    actor.refresh_from_db()
    assert actor.aliases == before


@pytest.mark.parametrize(
    "query", ["source=x", "source=999999", "speaker=abc", "event=1.5", "source=", "topics=1,x", "start=x&end=y"]
)
def test_an_add_form_given_a_record_that_does_not_exist_starts_without_it(client, db, query):
    """A link to the add form naming no real record (`?source=x`, a typo, a deleted one): the form
    opens without that value; Django's autocomplete widget had answered 500."""
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("boss", "boss@example.org", "pw"))
    response = client.get(f"/admin/policy/statement/add/?{query}")
    assert response.status_code == 200
    assert b'name="source"' in response.content
