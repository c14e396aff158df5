"""`/api/v1/suggestions/`: the review queue for editors; and suggestions appear nowhere public."""

import os

import pytest
from django.test import Client

from policy.curation import queue
from policy.models import Source, Statement, Suggestion
from policy.records import TYPES

from .api_support import client_for, editor_user, table_counts, user_with

API = "/api/v1/suggestions/"
SOURCE = "usa-today-biden-mexico-2021-05-07"
MARK = "Zyxwvut"  # a word no record holds: any page showing it shows a suggestion


def suggest(record_type="statement", origin="import", **fields):
    source = Source.objects.get(slug="usa-today-biden-mexico-2021-05-07")
    words = source.text[source.text.index(" ", 300) + 1 : source.text.index(" ", 360)]
    proposal = {
        "statement": {"speaker": "kamala-harris", "kind": "paraphrase", "text": words},
        "actor": {"name": f"{MARK} Person", "kind": "person"},
    }[record_type]
    suggestion = queue.propose(
        record_type, {**proposal, **fields}, source=source, excerpt=words, origin=origin, origin_detail="t.csv row 2"
    )
    suggestion.save()
    return suggestion


@pytest.fixture
def editor(django_user_model):
    return editor_user(django_user_model, "ed")


@pytest.mark.django_db
def test_anonymous_is_401_and_users_without_the_permission_403(django_user_model):
    suggestion = suggest()
    urls = [API, f"{API}{suggestion.pk}/"]
    for url in urls:
        assert client_for().get(url).status_code == 401
    assert client_for().post(f"{API}{suggestion.pk}/accept/", {}, format="json").status_code == 401
    reader = user_with(django_user_model, "reader", "view_statement")
    for url in urls:
        assert client_for(reader).get(url).status_code == 403
    viewer = user_with(django_user_model, "viewer", "view_suggestion")
    assert client_for(viewer).get(urls[1]).json()["fields"]["speaker"] == "kamala-harris"
    response = client_for(viewer).patch(urls[1], {"excerpt": "x"}, format="json")
    assert response.status_code == 403
    reviewer = user_with(django_user_model, "reviewer", "view_suggestion", "change_suggestion")
    response = client_for(reviewer).post(f"{API}{suggestion.pk}/accept/", {}, format="json")
    assert response.status_code == 403 and "statements" in response.json()["detail"]
    assert Suggestion.objects.get(pk=suggestion.pk).state == "pending"


@pytest.mark.django_db
def test_list_filters_by_source_state_type_and_origin(editor):
    statement, actor = suggest(), suggest("actor", origin="extractor")
    queue.reject(suggest(), editor, "duplicate")
    client = client_for(editor)

    def ids(**params):
        response = client.get(API, params)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids(state="pending") == [statement.pk, actor.pk]
    assert ids(record_type="actor") == [actor.pk]
    assert ids(origin="extractor") == [actor.pk]
    assert len(ids(source="usa-today-biden-mexico-2021-05-07")) == 3
    assert ids(source="nope") == []
    assert client.get(API, {"state": "maybe"}).status_code == 400
    assert client.get(API, {"colour": "red"}).status_code == 400
    assert client.get(f"{API}{actor.pk}/", {"state": "pending"}).status_code == 400
    missing = client.get(f"{API}999999/")
    assert (missing.status_code, missing.json()) == (404, {"detail": "No suggestion with id “999999”."})


@pytest.mark.django_db
def test_patch_edits_fields_of_a_pending_suggestion_only(editor):
    suggestion = suggest()
    client = client_for(editor)
    url = f"{API}{suggestion.pk}/"
    response = client.patch(url, {"fields": {**suggestion.fields, "speaker": "joe-biden"}}, format="json")
    assert response.status_code == 200, response.content
    assert Suggestion.objects.get(pk=suggestion.pk).fields["speaker"] == "joe-biden"
    response = client.patch(url, {"fields": {"speeker": "x"}}, format="json")
    assert response.status_code == 400 and "speeker" in response.json()["fields"][0]
    assert client.patch(url, {"state": "accepted", "x": 1}, format="json").status_code == 400
    queue.reject(suggestion, editor, "no")
    assert client.patch(url, {"excerpt": "y"}, format="json").json() == {
        "state": ["A rejected suggestion cannot be edited."]
    }


@pytest.mark.django_db
def test_patch_merges_fields_and_a_null_removes_one(editor):
    suggestion = suggest()
    client = client_for(editor)
    url = f"{API}{suggestion.pk}/"
    text = suggestion.fields["text"]
    response = client.patch(url, {"fields": {"kind": "quote"}}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["fields"] == {"speaker": "kamala-harris", "kind": "quote", "text": text}
    response = client.patch(url, {"fields": {"speaker": None, "said_on": "2021-06-09"}}, format="json")
    assert response.json()["fields"] == {"kind": "quote", "text": text, "said_on": "2021-06-09"}
    assert Suggestion.objects.get(pk=suggestion.pk).fields == {"kind": "quote", "text": text, "said_on": "2021-06-09"}


@pytest.mark.django_db
def test_accept_creates_the_record_or_answers_its_field_errors(editor):
    suggestion = suggest(speaker="nobody-at-all")
    client = client_for(editor)
    before = table_counts()
    response = client.post(f"{API}{suggestion.pk}/accept/", {}, format="json")
    assert response.status_code == 400
    assert "speaker" in response.json()
    assert table_counts() == before
    response = client.post(f"{API}{suggestion.pk}/accept/", {"fields": {"speaker": "kamala-harris"}}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["reviewed_by"]) == ("accepted", "ed")
    record = Statement.objects.get(slug=body["record_key"])
    assert body["record_url"] == f"http://testserver/api/v1/statements/{record.slug}/"
    assert client.get(body["record_url"]).json()["speaker"]["slug"] == "kamala-harris"
    assert client.post(f"{API}{suggestion.pk}/accept/", {}, format="json").status_code == 400


@pytest.mark.django_db
def test_reject_needs_a_reason(editor):
    suggestion = suggest()
    client = client_for(editor)
    assert client.post(f"{API}{suggestion.pk}/reject/", {}, format="json").status_code == 400
    response = client.post(f"{API}{suggestion.pk}/reject/", {"reason": "Not in the article."}, format="json")
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["reason"]) == ("rejected", "Not in the article.")


@pytest.mark.django_db
def test_the_schema_documents_the_queue(editor):
    schema = client_for().get("/api/v1/schema/", {"format": "json"}).json()
    listing = schema["paths"][API]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {"source", "state", "record_type", "origin", "page", "page_size"} <= names
    assert {"401", "403"} <= set(listing["responses"])
    assert {f"{API}{{id}}/accept/", f"{API}{{id}}/reject/"} <= set(schema["paths"])


@pytest.mark.django_db
def test_suggestions_appear_in_no_public_list_page_count_timeline_search_or_export(editor):
    suggest("actor")
    suggest("statement", text=f"{MARK} said this")
    queue.reject(suggest("statement", text=f"{MARK} said that"), editor, f"{MARK} was wrong")
    api, browser = client_for(), Client()
    root = api.get("/api/v1/").json()
    assert "suggestions" not in root
    # The cross-type search needs its `q` (it echoes it): a word the suggestions hold besides the mark.
    urls = [url for url in root.values() if not url.endswith("/api/v1/search/")]
    urls += ["/api/v1/timeline/", "/", "/api/v1/search/?q=said", "/search/?q=said"]
    for record_type in TYPES:
        urls += [
            f"/api/v1/{record_type.resource}/?search={MARK}",
            f"/api/v1/{record_type.resource}/?format=csv",
            f"/{record_type.resource}/",
        ]
    urls += ["/api/v1/sources/usa-today-biden-mexico-2021-05-07/", "/sources/usa-today-biden-mexico-2021-05-07/"]
    for url in urls:
        for client in (api, browser):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert MARK.encode() not in body, url
    search = api.get("/api/v1/actors/", {"search": MARK}).json()
    assert search["count"] == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_accept_and_import_work_outside_a_test_transaction(django_user_model, tmp_path):
    """Both lock the cited source (`select_for_update`), which needs their own transaction on PostgreSQL."""
    from django.core.management import call_command

    editor = editor_user(django_user_model, "ed")
    path = tmp_path / "statements.csv"
    excerpt = "It probably won’t be easy."
    path.write_text(f"speaker,text,kind,source,excerpt\nkamala-harris,,paraphrase,{SOURCE},{excerpt}\n", "utf-8")
    call_command("import_records", str(path), stdout=open(os.devnull, "w"))  # noqa: SIM115
    suggestion = Suggestion.objects.get(origin_detail="statements.csv row 2")
    response = client_for(editor).post(f"{API}{suggestion.pk}/accept/", {}, format="json")
    assert response.status_code == 200, response.content
    assert Statement.objects.get(slug=response.json()["record_key"]).text == excerpt
