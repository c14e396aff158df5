"""Record versions: an `ETag` on every detail, `If-Match` guarding every write, `If-None-Match` on reads,
and two editors racing on PostgreSQL with real concurrent requests."""

import threading
import time

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from policy.api.urls import router
from policy.api.views import TopicViewSet
from policy.models import Topic

from .api_support import client_for, editor_user

API = "/api/v1/"
ROUTES = {prefix: viewset for prefix, viewset, _ in router.registry}


def first_key(viewset):
    model = viewset.serializer_class.Meta.model
    return model.objects.order_by("pk").values_list(viewset.lookup_field, flat=True)[0]


def detail(route):
    return f"{API}{route}/{first_key(ROUTES[route])}/"


@pytest.fixture
def editor(db, django_user_model):
    return client_for(editor_user(django_user_model, "editor"))


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_every_detail_has_an_etag_that_if_none_match_turns_into_304(db, route):
    client, url = APIClient(), detail(route)
    response = client.get(url)
    etag = response["ETag"]
    assert response.status_code == 200 and etag.startswith('"') and etag.endswith('"')
    assert client.get(url, {"format": "csv"})["ETag"] == etag, "one version, whatever the format"
    unchanged = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert (unchanged.status_code, unchanged.content, unchanged["ETag"]) == (304, b"", etag)
    assert client.get(url, HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304, "If-None-Match compares weakly"
    assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_a_write_changes_the_etag_and_answers_with_the_new_one(editor):
    url = detail("topics")
    before = editor.get(url)["ETag"]
    response = editor.patch(url, {"description": "Changed."}, format="json", HTTP_IF_MATCH=before)
    assert response.status_code == 200, response.content
    assert response["ETag"] != before
    assert editor.get(url)["ETag"] == response["ETag"]


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_stale_if_match_is_412_and_changes_nothing(editor, method):
    url = detail("topics")
    topic = Topic.objects.order_by("pk").first()
    current = editor.get(url).json()
    stale = editor.get(url)["ETag"]
    editor.patch(url, {"description": "Someone else's edit."}, format="json")
    state = Topic.objects.filter(pk=topic.pk).values().get()
    history = topic.history.count()

    body = {"slug": current["slug"], "name": "Mine", "description": "My edit."}
    response = getattr(editor, method)(url, body, format="json", HTTP_IF_MATCH=stale)

    assert response.status_code == 412, response.content
    assert "changed since you read it" in response.json()["detail"]
    assert Topic.objects.filter(pk=topic.pk).values().get() == state
    assert topic.history.count() == history


@pytest.mark.parametrize(
    "header, status",
    [("CURRENT", 200), ("*", 200), ('"nope", CURRENT', 200), ("W/CURRENT", 412), ('"nope"', 412), ("", 400)],
)
def test_if_match_compares_strongly(editor, header, status):
    url = detail("topics")
    etag = editor.get(url)["ETag"]
    header = header.replace("CURRENT", etag)
    assert editor.patch(url, {"description": "x"}, format="json", HTTP_IF_MATCH=header).status_code == status


HOW = 'Send the ETag a read of the record gave, quotes included (If-Match: "7a2e97f9ad80ae18372384d73773f4cb"), '


@pytest.mark.parametrize(
    "header, given",
    [
        ("abc", "“abc” is not an ETag."),
        ("CURRENT-UNQUOTED", "“CURRENT-UNQUOTED” is not an ETag."),
        ('"abc', '“"abc” is not an ETag.'),
        ("CURRENT, abc", "“abc” is not an ETag."),
        ("**", "“**” is not an ETag."),
        ("", "An empty entry is not an ETag."),
        ("CURRENT,", "An empty entry is not an ETag."),
    ],
)
@pytest.mark.parametrize("method", ["patch", "put", "delete"])
def test_an_if_match_that_is_no_etag_is_a_400_saying_how_to_write_it(editor, header, given, method):
    """It was a 412 ("the record has changed since you read it"), which re-reading could never cure: Django's
    parser drops what is not a quoted ETag, so the header named no version."""
    url = detail("topics")
    etag = editor.get(url)["ETag"]
    header = header.replace("CURRENT-UNQUOTED", etag.strip('"')).replace("CURRENT", etag)
    body = editor.get(url).json() if method == "put" else {"description": "x"}
    response = getattr(editor, method)(url, body, format="json", HTTP_IF_MATCH=header)
    assert response.status_code == 400
    given = given.replace("CURRENT-UNQUOTED", etag.strip('"'))
    assert response.json() == {"If-Match": [f"{given} {HOW}several separated by commas, or *."]}
    assert editor.get(url)["ETag"] == etag  # nothing written


def test_a_malformed_body_is_400_before_a_stale_version_is_412(editor):
    response = editor.patch(detail("topics"), {"name": ""}, format="json", HTTP_IF_MATCH='"stale"')
    assert response.status_code == 400
    assert "name" in response.json()


def test_delete_with_the_current_etag_deletes(editor):
    created = editor.post(f"{API}topics/", {"slug": "short-lived", "name": "Short-lived"}, format="json")
    assert editor.delete(created["Location"], HTTP_IF_MATCH=created["ETag"]).status_code == 204
    assert not Topic.objects.filter(slug="short-lived").exists()


def test_as_of_answers_with_the_etag_of_that_past_version(editor):
    url = detail("topics")
    editor.patch(url, {"description": "Later."}, format="json")
    moment = Topic.history.order_by("history_date").first().history_date.isoformat()
    past = APIClient().get(url, {"as_of": moment})
    assert past.status_code == 200 and past["ETag"] != editor.get(url)["ETag"]
    assert APIClient().get(url, {"as_of": moment}, HTTP_IF_NONE_MATCH=past["ETag"]).status_code == 304


# Real concurrency: separate threads, separate connections, committed transactions --------------------


def in_own_connection(function):
    """Run `function` in a thread of its own, so it commits on its own connection (as a client's request does)."""
    result = []

    def run():
        try:
            result.append(function())
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    return result[0] if result else None


@pytest.fixture
def committed(db, django_user_model):
    """A writer's token and a topic, committed where every racer's connection sees them (the test's own
    transaction would hide them), and deleted again afterwards with everything the race recorded."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no SELECT … FOR UPDATE and admits one writer at a time anyway")

    def create():
        user = django_user_model.objects.create_user("racer", password="pw-secret-123")
        user.user_permissions.set(Permission.objects.filter(content_type__app_label="policy"))
        token = Token.objects.create(user=user).key
        return token, Topic.objects.create(slug="contested-topic", name="Contested", description="Original.")

    token, topic = in_own_connection(create)
    yield token, topic

    def delete():
        Topic.history.filter(id=topic.pk).delete()
        Topic.objects.filter(pk=topic.pk).delete()
        django_user_model.objects.filter(username="racer").delete()

    in_own_connection(delete)


def race(token, requests):
    """Send `requests` (callables taking a client) at once, one thread and connection each."""
    barrier, results = threading.Barrier(len(requests)), [None] * len(requests)

    def run(index, request):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        try:
            barrier.wait()
            results[index] = request(client)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.fixture
def slow_writes(monkeypatch):
    """Each write holds its transaction (and its row lock) a moment longer, so the racers truly overlap."""
    original = TopicViewSet.perform_update

    def perform_update(self, serializer):
        original(self, serializer)
        time.sleep(0.3)

    monkeypatch.setattr(TopicViewSet, "perform_update", perform_update)


def test_two_editors_with_the_same_version_cannot_both_write(committed, slow_writes):
    token, topic = committed
    url = f"{API}topics/{topic.slug}/"
    etag = APIClient().get(url)["ETag"]

    def edit(name):
        return lambda client: client.patch(url, {"name": name}, format="json", HTTP_IF_MATCH=etag)

    first, second = race(token, [edit("Alice's title"), edit("Bob's title")])

    assert sorted([first.status_code, second.status_code]) == [200, 412]
    winner = first if first.status_code == 200 else second
    topic.refresh_from_db()
    assert topic.name == winner.json()["name"], "the 412 changed nothing"
    assert topic.history.filter(history_type="~").count() == 1, "exactly one change recorded"


def test_many_concurrent_editors_one_wins(committed):
    token, topic = committed
    url = f"{API}topics/{topic.slug}/"
    etag = APIClient().get(url)["ETag"]
    names = [f"Editor {n}" for n in range(6)]
    responses = race(
        token,
        [lambda client, n=name: client.patch(url, {"name": n}, format="json", HTTP_IF_MATCH=etag) for name in names],
    )
    assert sorted(r.status_code for r in responses) == [200] + [412] * (len(names) - 1)
    topic.refresh_from_db()
    assert topic.name in names


def test_a_deadlock_victim_is_told_to_retry_not_a_500(committed, monkeypatch):
    """Two writes that each hold one topic's row and then want the other's: PostgreSQL aborts one of them
    (deadlock_detected). That write is a 503 with Retry-After, never a 500; the other succeeds."""
    token, topic = committed
    other = in_own_connection(lambda: Topic.objects.create(slug="contested-other", name="Other"))
    both_hold_their_row = threading.Barrier(2)
    original = TopicViewSet.perform_update

    def perform_update(self, serializer):
        original(self, serializer)
        both_hold_their_row.wait(10)
        wanted = other.slug if self.kwargs["slug"] == topic.slug else topic.slug
        list(Topic.objects.select_for_update().filter(slug=wanted))

    monkeypatch.setattr(TopicViewSet, "perform_update", perform_update)
    try:
        first, second = race(
            token,
            [
                lambda client: client.patch(f"{API}topics/{topic.slug}/", {"name": "A"}, format="json"),
                lambda client: client.patch(f"{API}topics/{other.slug}/", {"name": "B"}, format="json"),
            ],
        )
    finally:
        in_own_connection(lambda: (Topic.history.filter(id=other.pk).delete(), other.delete()))
    assert sorted([first.status_code, second.status_code]) == [200, 503]
    victim = first if first.status_code == 503 else second
    assert victim["Retry-After"] == "2"
    assert victim.json() == {"detail": "The database is busy with other writes: try again in a moment."}
