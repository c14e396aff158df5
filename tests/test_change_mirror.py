"""A consumer that mirrors the whole data set through the change feed alone (and GETs of the records
it names), while an editor makes random creates, edits, key changes and deletes; at the end the
mirror is identical to the database.

The consumer's one rule beyond "GET what an entry names": a write to a record can change how other
records show it (its key or label in their compact objects; a source's new text moves their excerpt
offsets; a delete unlinks it) without an entry for them, so it also GETs again the records it holds
that link to that record (it knows them: they hold its url)."""

import random

import pytest
from rest_framework.test import APIClient

from policy import records
from policy.reading.plan import ResourceUrls

FEED = "/api/v1/changes/"


def links(value, top=True):
    """The urls of the records a representation shows (its own url left out)."""
    if isinstance(value, dict):
        found = {value["url"]} if "url" in value and not top else set()
        return found.union(*(links(v, top=False) for k, v in value.items() if k != "url"))
    if isinstance(value, list):
        return set().union(*(links(v, top=False) for v in value))
    return set()


class Mirror:
    def __init__(self, client):
        self.client, self.cursor, self.records = client, "", {}

    def sync(self):
        while True:
            body = self.client.get(FEED, {"cursor": self.cursor, "page_size": 25}).json()
            for entry in body["results"]:
                self.apply(entry)
            self.cursor = body["cursor"]
            if body["next"] is None:
                return

    def apply(self, entry):
        touched = {entry["url"]}
        if entry["old_key"] is not None:
            old = entry["url"].removesuffix(f"{entry['key']}/") + f"{entry['old_key']}/"
            touched.add(old)
            self.records.pop(old, None)
        self.get(entry["url"])
        for url, record in list(self.records.items()):
            if links(record) & touched:
                self.get(url)

    def get(self, url):
        response = self.client.get(url)
        assert response.status_code in (200, 404), response.content
        if response.status_code == 404:  # deleted, or renamed: a later entry says so
            self.records.pop(url, None)
        else:
            self.records[url] = response.json()


def database(client):
    """Every record in the database as the API shows it, by url."""
    urls = ResourceUrls(None)
    found = {}
    for record_type in records.TYPES:
        for key in record_type.model.objects.values_list(record_type.key, flat=True):
            url = "http://testserver" + urls.detail(record_type.model, key)
            found[url] = client.get(url).json()
    return found


class Editor:
    """Random writes through the API, as an editor would make them; refused ones (a 409 for a record
    still referred to, a 400) change nothing and are part of the mix."""

    def __init__(self, client, rng):
        self.client, self.rng, self.serial = client, rng, 0

    def keys(self, resource):
        body = self.client.get(f"/api/v1/{resource}/", {"page_size": 1000, "fields": "url"}).json()
        return [result["url"].rstrip("/").rsplit("/", 1)[1] for result in body["results"]]

    def fresh(self, stem):
        self.serial += 1
        return f"{stem}-{self.serial}"

    def act(self):
        rng = self.rng
        resource = rng.choice(["topics", "actors", "statements", "events", "sources", "countries"])
        keys = self.keys(resource)
        key = rng.choice(keys)
        url = f"/api/v1/{resource}/{key}/"
        action = rng.choice(["create", "edit", "rekey", "delete"] if resource != "countries" else ["edit"])
        if action == "create":
            payload = self.client.get(url).json()
            payload["slug"] = self.fresh(resource)
            if resource == "statements":
                payload["topics"] = rng.sample(self.keys("topics"), 2)
                payload["event"] = rng.choice([None, *self.keys("events")])
                payload["speaker"] = rng.choice(self.keys("actors"))
            response = self.client.post(f"/api/v1/{resource}/", payload, format="json")
        elif action == "edit":
            label = {"topics": "name", "actors": "name", "statements": "notes", "events": "title"}
            field = label.get(resource, "title" if resource == "sources" else "name")
            response = self.client.patch(url, {field: f"Edited {self.fresh('value')}"}, format="json")
        elif action == "rekey":
            response = self.client.patch(url, {"slug": self.fresh(key.split("-")[0])}, format="json")
        else:
            response = self.client.delete(url)
        assert response.status_code < 500, response.content
        return action, resource, response.status_code


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("seed", [17])
def test_a_consumer_mirrors_the_data_set_through_the_feed_alone(superuser, seed):
    rng = random.Random(seed)
    editor = APIClient()
    editor.force_authenticate(superuser)
    mirror = Mirror(APIClient())
    mirror.sync()
    writer, done = Editor(editor, rng), []
    for _ in range(120):
        done.append(writer.act())
        if rng.random() < 0.25:
            mirror.sync()
    mirror.sync()
    succeeded = {(action, resource) for action, resource, status in done if status < 300}
    # The mix did what it is for: every kind of write, on records others link to.
    assert {action for action, _ in succeeded} == {"create", "edit", "rekey", "delete"}
    assert {("rekey", "actors"), ("delete", "topics"), ("edit", "sources")} <= succeeded, done
    assert mirror.records == database(APIClient())
