"""Records written in a batch (a bulk POST, `import_records --publish`: policy.batch) are the records
and history a single POST leaves, their queries do not grow with the number of items, and the
batch still sees its own items (a proposed slug is given once; a key two items give is refused)."""

import io

import pytest
import tablib
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policy.models import Actor, Statement, Topic

from .api_support import API, client_for, editor_user, excerpt_payload

STATEMENTS = f"{API}statements/"
VOLATILE = {"url", "slug", "created_at", "updated_at", "timestamp", "history_id", "id"}


@pytest.fixture
def editor(db, django_user_model):
    return client_for(editor_user(django_user_model, "batch-editor"))


def statement(n, **fields):
    citation = excerpt_payload()
    return {
        "speaker": Actor.objects.order_by("pk").first().slug,
        "text": f"Batch statement number {n}",
        "kind": "paraphrase",
        "said_on": "2021-03-01",
        "date_precision": "month",
        "countries": ["MX", "US"],
        "topics": [Topic.objects.order_by("pk").first().slug],
        **citation,
        **fields,
    }


def without_volatile(value):
    if isinstance(value, dict):
        return {k: without_volatile(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):  # a history entry's changes: the slug's is the one that differs
        return [without_volatile(v) for v in value if not (isinstance(v, dict) and v.get("field") == "slug")]
    return value


def record_and_history(client, slug):
    record = client.get(f"{STATEMENTS}{slug}/").json()
    history = client.get(f"{STATEMENTS}{slug}/history/").json()["results"]
    return without_volatile(record), without_volatile(history)


def test_a_bulk_post_leaves_what_single_posts_leave(editor):
    item = statement(1)
    single = editor.post(STATEMENTS, {**item, "slug": "one-at-a-time"}, format="json")
    assert single.status_code == 201, single.content
    bulk = editor.post(STATEMENTS, [{**item, "slug": "in-a-list"}, statement(2)], format="json")
    assert bulk.status_code == 201, bulk.content
    alone, listed = record_and_history(editor, "one-at-a-time"), record_and_history(editor, "in-a-list")
    assert listed == alone
    assert len(listed[1]) == 1 and listed[0]["countries"] == alone[0]["countries"] != []


def test_imported_records_have_the_history_a_post_gives(editor, tmp_path):
    item = statement(3)
    editor.post(STATEMENTS, {**item, "slug": "posted"}, format="json")
    row = {**item, "slug": "imported", "countries": "MX;US", "topics": item["topics"][0], "said_on": "2021-03"}
    del row["date_precision"]
    path = tmp_path / "statements.csv"
    path.write_text(tablib.Dataset(list(row.values()), headers=list(row)).export("csv"), encoding="utf-8")
    call_command("import_records", str(path), "--publish", stdout=io.StringIO())
    posted, imported = record_and_history(editor, "posted"), record_and_history(editor, "imported")
    assert posted[1][0].pop("user") == "batch-editor" and imported[1][0].pop("user") is None  # the command's
    assert imported == posted


def test_the_queries_of_a_bulk_post_do_not_grow_with_its_items(editor):
    counts = []
    for size, first in ((5, 100), (40, 200)):
        items = [statement(n) for n in range(first, first + size)]
        with CaptureQueriesContext(connection) as queries:
            response = editor.post(STATEMENTS, items, format="json")
        assert response.status_code == 201, response.content
        counts.append(len(queries))
        import collections

        print(collections.Counter(q["sql"][:100] for q in queries.captured_queries).most_common(8))
    assert counts[1] - counts[0] < 35 - 5, counts  # 35 more items: far fewer than one query more each


def test_items_without_a_slug_get_one_each_and_a_key_given_twice_is_refused(editor):
    same = statement(7)
    response = editor.post(STATEMENTS, [same, same, same], format="json")
    assert response.status_code == 201, response.content
    assert [item["slug"] for item in response.json()] == [
        "batch-statement-number-7",
        "batch-statement-number-7-2",
        "batch-statement-number-7-3",
    ]
    response = editor.post(STATEMENTS, [{**same, "slug": "twice"}, same, {**same, "slug": "twice"}], format="json")
    assert response.status_code == 400
    errors = response.json()
    assert errors[0] == {} and errors[1] == {}
    assert "is also the slug of item 0" in str(errors[2])


def test_an_item_citing_a_source_another_item_cannot_find_refuses_the_list(editor):
    bad = statement(8, excerpt="Words this source never printed at all.")
    response = editor.post(STATEMENTS, [statement(9), bad], format="json")
    assert response.status_code == 400
    assert response.json()[0] == {} and "does not occur verbatim" in str(response.json()[1]["excerpt"])
    assert not Statement.objects.filter(text="Batch statement number 9").exists()
