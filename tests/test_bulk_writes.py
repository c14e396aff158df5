"""Bulk writes (issue #14, item 6; NetBox's convention): a JSON list POSTed to a list endpoint creates
every item or none, a JSON list PATCHed to it updates every item or none, a 400 lists the errors by
item index, one history entry per record, the same permissions as single writes, at most 1,000 items."""

import pytest
from django.test import Client

from policy.api.bulk import MAX_BULK_ITEMS
from policy.models import Actor, Statement

from .api_support import API, client_for, editor_user, excerpt_payload, table_counts, user_with

STATEMENTS = f"{API}statements/"


@pytest.fixture
def editor(db, django_user_model):
    return client_for(editor_user(django_user_model, "bulk-editor"))


def statement(slug, **fields):
    citation = excerpt_payload()
    words = citation["excerpt"].split(" ")
    return {
        "slug": slug,
        "speaker": Actor.objects.order_by("pk").first().slug,
        "text": " ".join(words[1:5]),
        "kind": "quote",
        **citation,
        **fields,
    }


def history_of(slug):
    return list(Statement.history.filter(slug=slug).values_list("history_type", flat=True))


def test_a_list_creates_every_item_in_order_with_one_history_entry_each(editor):
    items = [statement(f"bulk-{n}", language=lang) for n, lang in enumerate(["en", "es", "fr"])]
    response = editor.post(STATEMENTS, items, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert [item["slug"] for item in body] == ["bulk-0", "bulk-1", "bulk-2"]
    assert [item["language"] for item in body] == ["en", "es", "fr"]
    source_text = excerpt_source_text()
    for item in body:
        assert source_text[item["excerpt_start"] : item["excerpt_end"]] == item["excerpt"]
        assert history_of(item["slug"]) == ["+"]
        assert editor.get(item["url"]).json() == item


def excerpt_source_text():
    from policy.models import Source

    return Source.objects.get(slug=excerpt_payload()["source"]).text


def test_one_bad_item_refuses_the_list_with_errors_by_index(editor):
    before = table_counts()
    items = [
        statement("bulk-good"),
        statement("bulk-misquoted", excerpt=excerpt_payload()["excerpt"].replace(" ", "  ", 1)),
        {**statement("bulk-typo"), "descripton": "no such field"},
        statement("bulk-no-speaker", speaker="no-such-actor"),
    ]
    response = editor.post(STATEMENTS, items, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert len(errors) == 4 and errors[0] == {}
    assert "does not occur verbatim" in errors[1]["excerpt"][0]
    closest = errors[1]["excerpt_closest"]
    assert (closest["closest"], closest["kind"]) == (excerpt_payload()["excerpt"], "whitespace")
    assert isinstance(closest["start"], int) and isinstance(closest["differs_at"], int)
    assert list(errors[2]) == ["descripton"]
    assert list(errors[3]) == ["speaker"]
    assert table_counts() == before, "nothing written, not even the good item"


def test_items_that_are_not_objects_are_refused_by_index(editor):
    before = table_counts()
    response = editor.post(STATEMENTS, [statement("bulk-fine"), 1, "two"], format="json")
    assert response.status_code == 400
    fine, one, two = response.json()
    assert fine == {}
    assert one == {"non_field_errors": ["Invalid data. Expected a dictionary, but got int."]}
    assert two == {"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]}
    assert table_counts() == before


def test_a_bulk_write_s_errors_in_csv_name_each_item_by_index(editor):
    items = [statement("bulk-fine"), statement("bulk-nobody", speaker="no-such-actor")]
    response = editor.post(f"{STATEMENTS}?format=csv", items, format="json")
    assert response.status_code == 400
    assert response.content.decode().splitlines() == [
        "field,message",
        "1.speaker,No actor with slug “no-such-actor”.",
    ]


def test_created_records_in_csv_are_one_row_each(editor):
    response = editor.post(f"{STATEMENTS}?format=csv", [statement("bulk-a"), statement("bulk-b")], format="json")
    assert response.status_code == 201
    rows = response.content.decode().splitlines()
    assert len(rows) == 3 and rows[1].startswith("http://testserver/api/v1/statements/bulk-a/,bulk-a,")


def test_a_key_used_twice_in_the_list_is_refused_at_its_second_item(editor):
    before = table_counts()
    response = editor.post(STATEMENTS, [statement("bulk-twice"), statement("bulk-twice")], format="json")
    assert response.status_code == 400
    first, second = response.json()
    assert first == {} and "slug" in second
    assert table_counts() == before


@pytest.mark.parametrize(
    ("size", "message"),
    [(0, "The list is empty"), (MAX_BULK_ITEMS + 1, f"At most {MAX_BULK_ITEMS} items per request")],
)
def test_an_empty_or_oversized_list_is_refused_whole(editor, size, message):
    before = table_counts()
    response = editor.post(STATEMENTS, [{"slug": "x"}] * size, format="json")
    assert response.status_code == 400
    assert message in response.json()["non_field_errors"][0]
    assert table_counts() == before


def test_a_list_patch_updates_every_named_record_and_records_each_change(editor):
    first, second, untouched = Statement.objects.order_by("pk")[:3]
    items = [
        {"slug": first.slug, "language": "es"},
        {"slug": second.slug, "notes": "Checked in bulk."},
        {"slug": untouched.slug, "language": untouched.language},  # no change: no history entry
    ]
    response = editor.patch(STATEMENTS, items, format="json")
    assert response.status_code == 200, response.content
    assert [item["slug"] for item in response.json()] == [first.slug, second.slug, untouched.slug]
    assert Statement.objects.get(pk=first.pk).language == "es"
    assert Statement.objects.get(pk=second.pk).notes == "Checked in bulk."
    assert history_of(first.slug)[0] == "~" and history_of(second.slug)[0] == "~"
    assert "~" not in history_of(untouched.slug)


def test_a_list_patch_with_a_bad_item_changes_nothing(editor):
    first, second = Statement.objects.order_by("pk")[:2]
    before = table_counts()
    items = [
        {"slug": first.slug, "language": "es"},
        {"slug": "no-such-statement", "language": "es"},
        {"language": "es"},
        {"slug": first.slug, "notes": "again"},
        {"slug": second.slug, "kind": "rumour"},
    ]
    response = editor.patch(STATEMENTS, items, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert errors[0] == {}
    assert errors[1] == {"slug": ["No statement with slug “no-such-statement”."]}
    assert errors[2] == {"slug": ["Name the record to update by its slug."]}
    assert "earlier item" in errors[3]["slug"][0]
    assert list(errors[4]) == ["kind"]
    assert Statement.objects.get(pk=first.pk).language == first.language
    assert table_counts() == before


def test_a_list_patch_names_countries_by_code_in_any_case(editor):
    response = editor.patch(
        f"{API}countries/", [{"code": "mx", "name": "Mexico (United Mexican States)"}], format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()[0]["name"] == "Mexico (United Mexican States)"


def test_an_object_patched_to_a_list_endpoint_is_a_400(editor):
    response = editor.patch(STATEMENTS, {"slug": "x"}, format="json")
    assert response.status_code == 400
    assert "JSON list" in response.json()["non_field_errors"][0]


def test_bulk_writes_need_the_same_permissions_as_single_ones(db, django_user_model):
    before, item = table_counts(), statement("bulk-denied")
    patch = [{"slug": Statement.objects.order_by("pk").first().slug, "language": "es"}]
    assert Client().post(STATEMENTS, [item], content_type="application/json").status_code == 401
    adder = client_for(user_with(django_user_model, "adder", "add_statement"))
    changer = client_for(user_with(django_user_model, "changer", "change_statement"))
    assert adder.patch(STATEMENTS, patch, format="json").status_code == 403
    assert changer.post(STATEMENTS, [item], format="json").status_code == 403
    assert table_counts() == before


def test_if_match_on_a_list_is_refused_rather_than_ignored(editor):
    response = editor.patch(STATEMENTS, [{"slug": "x"}], format="json", HTTP_IF_MATCH='"abc"')
    assert response.status_code == 400 and "If-Match" in response.json()


def test_the_schema_documents_lists_on_post_and_patch(db):
    schema = Client().get(f"{API}schema/", {"format": "json"}).json()
    operations = schema["paths"][STATEMENTS]
    posted = operations["post"]["requestBody"]["content"]["application/json"]["schema"]["oneOf"]
    assert posted[1]["type"] == "array" and posted[1]["maxItems"] == MAX_BULK_ITEMS
    patched = operations["patch"]["requestBody"]["content"]["application/json"]["schema"]
    assert patched["type"] == "array" and patched["items"]["allOf"][1]["required"] == ["slug"]
    assert operations["patch"]["operationId"] == "statements_bulk_partial_update"
    country = schema["paths"][f"{API}countries/"]["patch"]["requestBody"]["content"]["application/json"]["schema"]
    assert country["items"]["allOf"][1]["required"] == ["code"]
