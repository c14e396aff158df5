"""Change history (`/history/`, `?as_of=`) through the API and the admin."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from policy.models import Redaction, Statement, Topic

from .api_support import csv_rows, link_payload, user_with

pytestmark = pytest.mark.django_db

URL = "/api/v1/statements/"


@pytest.fixture
def editor(superuser):
    client = APIClient()
    client.force_authenticate(superuser)
    return client


def statement_payload():
    return {
        "slug": "history-probe",
        "speaker": "kamala-harris",
        "text": "first words",
        "kind": "paraphrase",
        "said_on": "2021-05-07",
        "date_precision": "day",
        "topics": ["migration"],
        "countries": ["MX"],
        "source": "usa-today-biden-mexico-2021-05-07",
        "excerpt": "It probably won’t be easy.",
    }


@pytest.fixture
def lived_and_deleted(editor):
    """A statement created, changed twice (text, then its topics and countries) and deleted via the API."""
    assert editor.post(URL, statement_payload(), format="json").status_code == 201
    detail = f"{URL}history-probe/"
    assert editor.patch(detail, {"text": "second words"}, format="json").status_code == 200
    assert (
        editor.patch(
            detail, {"topics": ["trade-and-investment", "foreign-aid"], "countries": []}, format="json"
        ).status_code
        == 200
    )
    assert editor.delete(detail).status_code == 204
    return detail


def test_history_lists_every_write_newest_first(editor, lived_and_deleted, superuser):
    body = editor.get(f"{lived_and_deleted}history/").json()
    assert body["count"] == 4
    entries = body["results"]
    assert [e["change"] for e in entries] == ["deleted", "changed", "changed", "created"]
    assert {e["user"] for e in entries} == {superuser.username}
    timestamps = [e["timestamp"] for e in entries]
    assert timestamps == sorted(timestamps, reverse=True)

    deleted, relations, text, created = entries
    assert deleted["changes"] == []
    assert relations["changes"] == [
        {"field": "countries", "old": ["MX"], "new": []},
        {"field": "topics", "old": ["migration"], "new": ["foreign-aid", "trade-and-investment"]},
    ]
    assert text["changes"] == [{"field": "text", "old": "first words", "new": "second words"}]
    created_fields = {c["field"]: c["new"] for c in created["changes"]}
    assert created_fields["text"] == "first words"
    assert created_fields["speaker"] == "kamala-harris"
    assert created_fields["topics"] == ["migration"]
    assert all(c["old"] is None for c in created["changes"])


def test_as_of_returns_each_state_exactly(client, lived_and_deleted):
    entries = client.get(f"{lived_and_deleted}history/").json()["results"]
    deleted, relations, text, created = (e["timestamp"] for e in entries)

    def as_of(moment):
        return client.get(lived_and_deleted, {"as_of": moment})

    first = as_of(created).json()
    assert first["text"] == "first words"
    assert [t["slug"] for t in first["topics"]] == ["migration"]
    assert [c["code"] for c in first["countries"]] == ["MX"]
    assert first["speaker"]["slug"] == "kamala-harris"
    assert first["url"].endswith("/api/v1/statements/history-probe/")
    assert first["source"]["slug"] == "usa-today-biden-mexico-2021-05-07"

    second = as_of(text).json()
    assert second["text"] == "second words"
    assert [t["slug"] for t in second["topics"]] == ["migration"]

    third = as_of(relations).json()
    assert third["text"] == "second words"
    assert [t["slug"] for t in third["topics"]] == ["foreign-aid", "trade-and-investment"]
    assert third["countries"] == []

    assert as_of(deleted).status_code == 404
    assert as_of("2000-01-01T00:00:00Z").status_code == 404


def test_as_of_has_the_same_shape_as_the_live_detail(client):
    live = client.get("/api/v1/policies/biden-reversal-of-trump-era-immigration-policies/").json()
    then = client.get(
        "/api/v1/policies/biden-reversal-of-trump-era-immigration-policies/", {"as_of": "2099-01-01T00:00:00Z"}
    ).json()
    assert then.keys() == live.keys()
    for field in ("title", "status", "countries", "actors", "topics", "related", "source", "excerpt"):
        assert then[field] == live[field], field


@pytest.mark.parametrize("bad", ["yesterday", "2021-02-30T00:00:00", "2021-13-01T00:00:00Z", ""])
def test_malformed_as_of_is_a_400(client, bad):
    response = client.get("/api/v1/statements/amlo-expectations-better-treatment-of-migrants/", {"as_of": bad})
    assert response.status_code == 400
    assert "as_of" in response.json()


@pytest.mark.parametrize(
    "bad, message",
    [
        ("2021-02-30T00:00:00", "“2021-02-30” is not a day of the calendar: February 2021's days run from 01 to 28."),
        ("2021-13-01T00:00:00Z", "“2021-13-01” is not a day of the calendar: months run from 01 to 12."),
        ("0000-01-01", "“0000-01-01” is not a day of the calendar: years run from 0001."),
        ("2021-13", "“2021-13” is not a month of the calendar: months run from 01 to 12."),
    ],
)
def test_an_as_of_that_is_no_day_says_so(client, bad, message):
    """It said "not an ISO 8601 date-time", as for a value of the wrong shape."""
    response = client.get("/api/v1/statements/amlo-expectations-better-treatment-of-migrants/", {"as_of": bad})
    assert response.json() == {"as_of": [message]}


def test_unknown_record_history_is_a_404(client):
    assert client.get(f"{URL}no-such-statement/history/").status_code == 404


def test_history_rejects_unknown_parameters(client):
    response = client.get(f"{URL}amlo-expectations-better-treatment-of-migrants/history/", {"since": "x"})
    assert response.status_code == 400
    assert "since" in response.json()


def test_fixture_records_have_a_creation_entry(client):
    entries = client.get("/api/v1/countries/mx/history/").json()["results"]
    assert [e["change"] for e in entries] == ["created"]
    assert {"field": "name", "old": None, "new": "Mexico"} in entries[0]["changes"]


def test_admin_edit_shows_in_history_with_the_editor(admin_client, superuser):
    topic = Topic.objects.get(slug="trade-and-investment")
    response = admin_client.post(
        f"/admin/policy/topic/{topic.pk}/change/",
        {"slug": "trade-and-investment", "name": "Trade and commerce", "description": topic.description},
    )
    assert response.status_code == 302, response.content[:2000]
    latest = admin_client.get("/api/v1/topics/trade-and-investment/history/").json()["results"][0]
    assert latest["change"] == "changed"
    assert latest["user"] == superuser.username
    assert latest["changes"] == [{"field": "name", "old": topic.name, "new": "Trade and commerce"}]


def test_history_query_count_does_not_grow_with_entries(client, editor):
    slug = "harris-pitches-regional-approach-to-mexico"  # a paraphrase: any text may stand for it
    for n in range(12):
        payload = {"text": f"edit {n}", "topics": ["covid-19"] if n % 2 else [], "addressee": "joe-biden"}
        assert editor.patch(f"{URL}{slug}/", payload, format="json").status_code == 200
    assert Statement.history.filter(slug=slug).count() == 13

    def queries(page_size):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{URL}{slug}/history/", {"page_size": page_size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == min(page_size, 13)
        return len(captured)

    assert queries(1) == queries(1000)


def test_a_policy_as_it_was_shows_its_links_with_their_citations(client, editor):
    url = "/api/v1/policies/biden-reversal-of-trump-era-immigration-policies/"
    now = client.get(url).json()
    loaded = timezone.now().isoformat()
    # An editor drops the link afterwards; the record as it was still shows it, cited as it was.
    assert editor.patch(url, {"related": []}, format="json").status_code == 200
    then = client.get(url, {"as_of": loaded}).json()
    assert client.get(url).json()["related"] == []
    assert then["related"] == now["related"]
    (link,) = then["related"]
    assert (link["relation"], link["source"]["slug"]) == ("reverses", "usa-today-biden-mexico-2021-05-07")
    assert "Biden reversed Trump-era" in link["excerpt"] and link["notes"].startswith("Stated")


def test_a_change_to_a_policys_links_alone_shows_what_changed(client, editor):
    """Found from outside: a PATCH of `related` only was recorded as a change with no changes. The links
    made in a write belong to its entry; the fixtures' links to the policy's creation."""
    policy = "biden-reversal-of-trump-era-immigration-policies"
    url = f"/api/v1/policies/{policy}/"
    created = client.get(f"{url}history/").json()["results"][-1]
    assert {
        "field": "related",
        "old": None,
        "new": ["reverses:trump-era-hardline-immigration-policies"],
    } in created["changes"]
    link = [link_payload("extends", "usmca")]
    assert editor.patch(url, {"related": link}, format="json").status_code == 200
    assert editor.patch(url, {"summary": "Edited."}, format="json").status_code == 200
    summary, links, *_ = client.get(f"{url}history/").json()["results"]
    assert [change["field"] for change in summary["changes"]] == ["summary"]
    assert links["changes"] == [
        {
            "field": "related",
            "old": ["reverses:trump-era-hardline-immigration-policies"],
            "new": ["extends:usmca"],
        }
    ]


def test_the_history_csv_says_what_changed(client, lived_and_deleted):
    """Found from outside: the `changes` column of the history's CSV was always empty."""
    response = client.get(f"{lived_and_deleted}history/", {"format": "csv"})
    header, *rows = csv_rows(response)
    changes = [dict(zip(header, row, strict=True))["changes"] for row in rows]
    assert changes[:3] == [
        "",
        "countries: MX → \ntopics: migration → foreign-aid;trade-and-investment",
        "text: first words → second words",
    ]
    assert "speaker:  → kamala-harris" in changes[3].splitlines()


# Who anonymous readers see, and redaction -------------------------------------------------------------


def test_anonymous_readers_see_a_display_name_or_no_one(client, editor, superuser):
    """Found from outside: `/history/` named the superuser's login to anyone (half of a password guess)."""
    url = "/api/v1/topics/migration/"
    assert editor.patch(url, {"description": "Edited."}, format="json").status_code == 200

    def latest_user(reader, **params):
        return reader.get(f"{url}history/", params).json()["results"][0]["user"]

    assert latest_user(editor) == superuser.username
    assert latest_user(client) is None
    superuser.first_name, superuser.last_name = "Ada", "Admin"
    superuser.save()
    assert latest_user(client) == "Ada Admin"
    header, row, *_ = csv_rows(client.get(f"{url}history/", {"format": "csv"}))
    assert dict(zip(header, row, strict=True))["user"] == "Ada Admin"
    assert superuser.username not in client.get(f"{url}history/", {"format": "csv"}).content.decode()


@pytest.fixture
def corrected(editor):
    """A statement whose notes once held something that must go, since corrected: the entry that added it."""
    url = "/api/v1/statements/amlo-expectations-better-treatment-of-migrants/"
    assert editor.patch(url, {"notes": "Call Jane on +1 555 0100."}, format="json").status_code == 200
    assert editor.patch(url, {"language": "es"}, format="json").status_code == 200
    assert editor.patch(url, {"notes": "Corrected."}, format="json").status_code == 200
    entries = editor.get(f"{url}history/").json()["results"]
    return url, entries[2], entries[1]  # the entry that added it, and the one after that still held it


def test_an_administrator_redacts_a_value_from_every_entry_that_held_it(client, editor, superuser, corrected):
    """Found from outside: deleted or corrected content stayed public in history for good."""
    url, added, kept = corrected
    response = editor.post(
        f"{url}history/{added['history_id']}/redact/", {"fields": ["notes"], "reason": "A private number."}, "json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["fields"], body["entries"], body["redacted_by"]) == (
        ["notes"],
        sorted([added["history_id"], kept["history_id"]]),
        superuser.username,
    )
    redaction = Redaction.objects.get()
    assert (redaction.redacted_by, redaction.reason, redaction.record_type) == (
        superuser,
        "A private number.",
        "policy.statement",
    )
    slug = url.rstrip("/").rsplit("/", 1)[1]
    everywhere = [
        client.get(f"{url}history/").content,
        client.get(f"{url}history/", {"format": "csv"}).content,
        client.get(url, {"as_of": added["timestamp"]}).content,
        client.get(url, {"as_of": kept["timestamp"]}).content,
        client.get(f"/statements/{slug}/").content,
    ]
    assert not [page for page in everywhere if b"555 0100" in page]
    assert client.get(url, {"as_of": added["timestamp"]}).json()["notes"] == "[redacted]"
    latest = client.get(f"{url}history/").json()["results"][0]
    assert latest["changes"] == [{"field": "notes", "old": "[redacted]", "new": "Corrected."}]


@pytest.mark.parametrize(
    "who, body, status, message",
    [
        ("anonymous", {"fields": ["notes"], "reason": "x"}, 401, "credentials"),
        ("editor without the permission", {"fields": ["notes"], "reason": "x"}, 403, "permission"),
        ("administrator", {"fields": ["slug"], "reason": "x"}, 400, "Cannot redact slug"),
        ("administrator", {"fields": ["kind"], "reason": "x"}, 400, "Cannot redact kind"),
        ("administrator", {"fields": [], "reason": "x"}, 400, "fields"),
        ("administrator", {"fields": ["notes"]}, 400, "reason"),
    ],
)
def test_redaction_is_for_administrators_and_free_text(
    client, editor, django_user_model, corrected, who, body, status, message
):
    url, added, _ = corrected
    clients = {"anonymous": client, "administrator": editor}
    if who not in clients:
        clients[who] = APIClient()
        editor_of_statements = user_with(django_user_model, "no-redactions", "change_statement", "delete_statement")
        clients[who].force_authenticate(editor_of_statements)
    response = clients[who].post(f"{url}history/{added['history_id']}/redact/", body, "json")
    assert response.status_code == status
    assert message in str(response.json())
    assert not Redaction.objects.exists()


def test_a_value_the_record_still_holds_or_an_entry_of_another_record_is_refused(editor, corrected):
    url, added, _ = corrected
    latest = editor.get(f"{url}history/").json()["results"][0]
    still = editor.post(f"{url}history/{latest['history_id']}/redact/", {"fields": ["notes"], "reason": "x"}, "json")
    assert still.status_code == 400 and "still holds" in still.json()["fields"][0]
    other = "/api/v1/statements/harris-pitches-regional-approach-to-mexico/"
    elsewhere = editor.post(
        f"{other}history/{added['history_id']}/redact/", {"fields": ["notes"], "reason": "x"}, "json"
    )
    assert elsewhere.status_code == 404
    huge = editor.post(f"{url}history/{'9' * 18}/redact/", {"fields": ["notes"], "reason": "x"}, "json")
    assert huge.status_code == 404
    assert not Redaction.objects.exists()


def test_the_admin_lists_every_redaction_read_only(admin_client, editor, corrected):
    url, added, _ = corrected
    body = {"fields": ["notes"], "reason": "A private number."}
    assert editor.post(f"{url}history/{added['history_id']}/redact/", body, "json").status_code == 200
    listing = admin_client.get("/admin/policy/redaction/").content.decode()
    assert "A private number." in listing and "policy.statement" in listing
    assert admin_client.get("/admin/policy/redaction/add/").status_code == 403


def test_redacting_what_is_already_gone_is_refused(editor, corrected):
    """Found by a stranger: the same redaction again answered 200 with no entries and recorded a
    Redaction that removed nothing."""
    url, added, _ = corrected
    body = {"fields": ["notes"], "reason": "A private number."}
    assert editor.post(f"{url}history/{added['history_id']}/redact/", body, "json").status_code == 200
    again = editor.post(f"{url}history/{added['history_id']}/redact/", body, "json")
    assert again.status_code == 400 and "nothing to redact" in again.json()["fields"][0]
    assert Redaction.objects.count() == 1
