"""What may be republished (policy.licensing): the copyrighted article's full text, and the context
around its excerpts, are for editors only; excerpts and the link to the original are for everyone; an
open-licence source's text is public. Through the API (JSON, CSV, history, as_of), the pages, the admin
and search."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from policy.models import PolicyRelation, Source, Statement
from policy.models.base import Cited

from .api_support import client_for, user_with

pytestmark = pytest.mark.django_db

ARTICLE = "usa-today-biden-mexico-2021-05-07"
DETAIL = f"/api/v1/sources/{ARTICLE}/"
STATEMENT = "harris-pitches-regional-approach-to-mexico"


def hidden_passage(length=60):
    """A passage of the article that overlaps no excerpt: what only its full text reveals."""
    article = Source.objects.get(slug=ARTICLE)
    text = article.text
    excerpts = [*PolicyRelation.objects.values_list("excerpt", flat=True)]
    for model in Cited.__subclasses__():
        excerpts += model.objects.values_list("excerpt", flat=True)
    spans = [(text.find(e), text.find(e) + len(e)) for e in excerpts if e in text]
    for start in range(len(text) // 3, len(text) - length, 7):  # past the headline and lead
        passage = text[start : start + length]
        clear = all(end <= start or begin >= start + length for begin, end in spans)
        if clear and "\n" not in passage and not re.search(r"[&<>\"']", passage) and passage not in article.notes:
            return passage
    raise AssertionError("every passage of the article is quoted")


@pytest.fixture
def editor(django_user_model):
    """Staff who may view sources: an editor in the admin's sense."""
    user = user_with(django_user_model, "desk", "view_source", "view_statement")
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def reader(django_user_model):
    """Signed in and allowed to view sources, but not staff: a reader, not an editor."""
    return user_with(django_user_model, "reader", "view_source")


def test_the_fixtures_reserve_the_articles_rights():
    assert Source.objects.get(slug=ARTICLE).text_license == "all_rights_reserved"
    assert Source.objects.get(slug="cbp-migrant-encounter-data").text_license == "public_domain"


def test_anonymous_readers_get_no_copyrighted_text_but_its_licence_and_link(editor, reader):
    article = Source.objects.get(slug=ARTICLE)
    anonymous = client_for().get(DETAIL).json()
    assert anonymous["text"] is None and anonymous["text_license"] == "all_rights_reserved"
    assert anonymous["title"] == article.title and "document_url" in anonymous
    assert client_for(reader).get(DETAIL).json()["text"] is None
    assert client_for(editor).get(DETAIL).json()["text"] == article.text


def test_withheld_text_stays_out_of_csv_and_lists(editor):
    passage = hidden_passage()
    anonymous = client_for().get(DETAIL, {"format": "csv"}).content.decode()
    assert "text_license" in anonymous.splitlines()[0] and passage not in anonymous
    assert passage in client_for(editor).get(DETAIL, {"format": "csv"}).content.decode()
    whole_list = client_for().get("/api/v1/sources/", {"format": "csv"})
    assert passage not in b"".join(whole_list.streaming_content).decode()
    assert client_for().get("/api/v1/sources/", {"fields": "text"}).status_code == 400  # a detail's field only


def test_as_of_and_history_withhold_the_text_from_anonymous_readers(editor, superuser):
    moment = timezone.now().isoformat()
    article = Source.objects.get(slug=ARTICLE)
    changed = article.text + "\n\nA correction appended."
    response = client_for(superuser).patch(DETAIL, {"text": changed}, format="json")
    assert response.status_code == 200, response.content
    passage = hidden_passage()
    assert client_for().get(DETAIL, {"as_of": moment}).json()["text"] is None
    assert client_for(editor).get(DETAIL, {"as_of": moment}).json()["text"] == article.text
    for fmt in ("json", "csv"):
        history = client_for().get(f"{DETAIL}history/", {"format": fmt}).content.decode()
        assert passage not in history and "A correction appended" not in history and "[withheld]" in history
    entries = client_for().get(f"{DETAIL}history/").json()["results"]
    change = next(c for c in entries[0]["changes"] if c["field"] == "text")
    assert change == {"field": "text", "old": "[withheld]", "new": "[withheld]"}
    editors = client_for(editor).get(f"{DETAIL}history/").json()["results"]
    change = next(c for c in editors[0]["changes"] if c["field"] == "text")
    assert change["new"] == changed and change["old"] == article.text


def test_an_open_licence_serves_the_text_to_everyone(superuser):
    response = client_for(superuser).patch(DETAIL, {"text_license": "open_license"}, format="json")
    assert response.status_code == 200, response.content
    article = Source.objects.get(slug=ARTICLE)
    assert client_for().get(DETAIL).json()["text"] == article.text
    html = Client().get(f"/statements/{STATEMENT}/").content.decode()
    context = re.search(r'<blockquote class="in-context">(.*?)<mark', html, re.S).group(1)
    assert "hardline immigration policies" in context
    assert hidden_passage()[:30] in Client().get(f"/sources/{ARTICLE}/").content.decode()


def test_an_earlier_licence_does_not_reveal_a_text_now_reserved(superuser):
    """Licences only widen what history shows when they widen now: a source made reserved again keeps
    the text it once had open hidden in its history too."""
    client = client_for(superuser)
    assert client.patch(DETAIL, {"text_license": "open_license"}, format="json").status_code == 200
    moment = timezone.now().isoformat()
    assert client.patch(DETAIL, {"text_license": "all_rights_reserved"}, format="json").status_code == 200
    assert client_for().get(DETAIL, {"as_of": moment}).json()["text"] is None
    assert hidden_passage() not in client_for().get(f"{DETAIL}history/").content.decode()


def test_etag_differs_by_audience(editor):
    anonymous, editors = client_for().get(DETAIL), client_for(editor).get(DETAIL)
    assert anonymous["ETag"] != editors["ETag"]
    assert "Authorization" in anonymous["Vary"]
    again = client_for(editor).get(DETAIL, HTTP_IF_NONE_MATCH=anonymous["ETag"])
    assert again.status_code == 200 and again.json()["text"]


def test_record_pages_show_the_excerpt_alone_to_anonymous_readers(editor):
    statement = Statement.objects.get(slug=STATEMENT)
    html = Client().get(f"/statements/{STATEMENT}/").content.decode()
    assert f'<mark class="excerpt">{statement.excerpt}</mark>' in html.replace("&#x27;", "'")
    assert re.search(r'<blockquote class="in-context"><mark', html), "no words of the article around it"
    assert "not republished here" in html and "hardline immigration policies" not in html
    client = Client()
    client.force_login(editor)
    context = re.search(
        r'<blockquote class="in-context">(.*?)<mark', client.get(f"/statements/{STATEMENT}/").content.decode(), re.S
    )
    assert "hardline immigration policies" in context.group(1)


def test_the_source_page_lists_the_excerpts_instead_of_the_text(editor):
    passage = hidden_passage()
    html = Client().get(f"/sources/{ARTICLE}/").content.decode()
    assert passage not in html and "All rights reserved" in html
    quoted = re.findall(r'<ol class="source-excerpts">(.*?)</ol>', html, re.S)[0]
    assert Statement.objects.get(slug=STATEMENT).excerpt[:40] in quoted.replace("&#x27;", "'")
    client = Client()
    client.force_login(editor)
    assert passage in client.get(f"/sources/{ARTICLE}/").content.decode().replace("&#x27;", "'")


def test_admin_shows_context_only_to_those_who_may_view_sources(editor, django_user_model):
    statement = Statement.objects.get(slug=STATEMENT)
    url = f"/admin/policy/statement/{statement.pk}/change/"
    client = Client()
    client.force_login(editor)
    assert "hardline immigration policies" in client.get(url).content.decode()
    clerk = user_with(django_user_model, "clerk", "view_statement")
    clerk.is_staff = True
    clerk.save()
    client.force_login(clerk)
    html = client.get(url).content.decode()
    assert "hardline immigration policies" not in html and "keeps its text from the public" in html


def test_search_never_reaches_a_sources_text():
    """Decided: `search=` on sources reads their title, publisher and notes, never the text, for anyone;
    a statement's own text (a quotation, in an excerpt) is searched as ever."""
    passage = hidden_passage()
    found = client_for().get("/api/v1/sources/", {"search": passage[5:35]}).json()
    assert found["count"] == 0
    assert client_for().get("/api/v1/sources/", {"search": "Biden is navigating"}).json()["count"] == 1


def test_a_withheld_text_sent_back_is_no_change(superuser):
    """A representation read without the text (null) and sent back keeps the text: "read and PUT back"."""
    article = Source.objects.get(slug=ARTICLE)
    read = client_for().get(DETAIL).json()
    response = client_for(superuser).patch(DETAIL, {"text": read["text"], "notes": "Checked."}, format="json")
    assert response.status_code == 200, response.content
    assert Source.objects.get(slug=ARTICLE).text == article.text
