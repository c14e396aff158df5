"""Write cases: who may write, what a create/update/delete answers and changes, and that every
invalid write is a 400 naming the field and leaves no row behind."""

import pytest
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from .api_support import (
    API,
    client_for,
    detail_url,
    is_related,
    key_of,
    list_url,
    related_keys,
    same_scalar,
    table_counts,
    user_with,
)


class WriteCases:
    @pytest.fixture
    def writer(self, django_user_model):
        name = self.model._meta.model_name
        return user_with(django_user_model, "writer", f"add_{name}", f"change_{name}", f"delete_{name}")

    def token_client(self, user):
        response = APIClient().post(f"{API}auth/token/", {"username": user.username, "password": "pw-secret-123"})
        assert response.status_code == 200, response.content
        assert Token.objects.get(user=user).key == response.json()["token"]
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
        return client

    def session_client(self, user):
        """A browser-like session: logged in, and CSRF-checked as DRF's SessionAuthentication does."""
        client = APIClient(enforce_csrf_checks=True)
        assert client.login(username=user.username, password="pw-secret-123")
        client.get("/admin/login/")  # sets the csrftoken cookie
        return client, client.cookies["csrftoken"].value

    def assert_represents(self, data, payload):
        for name, value in payload.items():
            got = data[name]
            if isinstance(got, dict):
                got = got.get("slug", got.get("code"))
            elif isinstance(got, list) and got and isinstance(got[0], dict) and "relation" in got[0]:
                got, value = (
                    sorted((g["relation"], g["policy"]["slug"]) for g in got),
                    sorted((v["relation"], v["policy"]) for v in value),
                )
            elif isinstance(got, list) and got and isinstance(got[0], dict):
                got, value = sorted(g.get("slug", g.get("code")) for g in got), sorted(value)
            assert got == value, name

    def assert_stored(self, obj, payload):
        """The payload, read back from the database rather than through the API."""
        obj = type(obj).objects.get(pk=obj.pk)
        fields = self.serializer.fields
        for name, value in payload.items():
            field = fields[name]
            if isinstance(field, serializers.ListSerializer):
                continue  # nested writes (policy links) have their own tests
            if is_related(field):
                expected = set(value) if isinstance(value, list) else {value} - {None}
                assert related_keys(obj, field.source) == expected, name
            else:
                assert same_scalar(value, getattr(obj, field.source)), name

    def test_anonymous_users_cannot_write(self, api):
        before, obj = table_counts(), self.sample()
        assert api.post(list_url(self.route), self.create_payload(), format="json").status_code == 401
        assert api.put(detail_url(self.route, obj), self.create_payload(), format="json").status_code == 401
        assert api.patch(detail_url(self.route, obj), self.update_payload(), format="json").status_code == 401
        assert api.delete(detail_url(self.route, obj)).status_code == 401
        assert table_counts() == before

    def test_writes_need_the_model_permission(self, db, django_user_model):
        name, obj, before = self.model._meta.model_name, self.sample(), table_counts()
        reader = client_for(user_with(django_user_model, "reader"))
        assert reader.get(detail_url(self.route, obj)).status_code == 200
        assert reader.post(list_url(self.route), self.create_payload(), format="json").status_code == 403
        assert reader.put(detail_url(self.route, obj), self.create_payload(), format="json").status_code == 403
        assert reader.patch(detail_url(self.route, obj), self.update_payload(), format="json").status_code == 403
        assert reader.delete(detail_url(self.route, obj)).status_code == 403
        adder = client_for(user_with(django_user_model, "adder", f"add_{name}"))
        assert adder.patch(detail_url(self.route, obj), self.update_payload(), format="json").status_code == 403
        assert adder.put(detail_url(self.route, obj), self.create_payload(), format="json").status_code == 403
        assert adder.delete(detail_url(self.route, obj)).status_code == 403
        assert table_counts() == before

    def test_create_answers_with_the_records_representation(self, writer):
        client, payload = self.token_client(writer), self.create_payload()
        count = self.model.objects.count()
        response = client.post(list_url(self.route), payload, format="json")
        assert response.status_code == 201, response.content
        data = response.json()
        assert self.model.objects.count() == count + 1
        assert response["Location"] == data["url"]
        assert client.get(data["url"]).json() == data
        self.assert_represents(data, payload)
        self.assert_stored(self.model.objects.get(**{self.key: data[self.key]}), payload)

    def test_patch_changes_the_record(self, writer):
        client, csrf = self.session_client(writer)
        obj, changes = self.sample(), self.update_payload()
        url = detail_url(self.route, obj)
        assert client.patch(url, changes, format="json").status_code == 403, "CSRF is enforced for sessions"
        response = client.patch(url, changes, format="json", HTTP_X_CSRFTOKEN=csrf)
        assert response.status_code == 200, response.content
        self.assert_represents(response.json(), changes)
        self.assert_stored(obj, changes)
        assert client.get(response.json()["url"]).json() == response.json()

    def test_put_replaces_the_record(self, writer):
        client, obj, payload = client_for(writer), self.sample(), self.create_payload()
        response = client.put(detail_url(self.route, obj), payload, format="json")
        assert response.status_code == 200, response.content
        self.assert_represents(response.json(), payload)
        self.assert_stored(obj, payload)
        old = client.get(
            detail_url(self.route, obj)
        )  # gone from the old key, which names the new (policy.reading.renamed)
        assert old.status_code == 404 and response.json()["url"] in old.json()["detail"], "the old key is gone"
        assert client.get(response.json()["url"]).json() == response.json()

    def test_delete_removes_the_record(self, writer):
        client = client_for(writer)
        before = table_counts()
        created = client.post(list_url(self.route), self.create_payload(), format="json").json()
        response = client.delete(created["url"])
        assert response.status_code == 204
        assert client.get(created["url"]).status_code == 404
        assert self.model.objects.count() == before[self.model._meta.db_table]

    def test_deleting_a_referenced_record_is_409_or_204(self, writer):
        """Never a 500: a record others still refer to answers 409 and stays; otherwise it goes."""
        client = client_for(writer)
        for obj in self.records()[:5]:
            response = client.delete(detail_url(self.route, obj))
            exists = self.model.objects.filter(pk=obj.pk).exists()
            assert (response.status_code, exists) in ((204, False), (409, True)), response.content

    def test_invalid_payload_is_400_naming_the_field(self, writer, invalid_case):
        overrides, field = invalid_case
        before = table_counts()
        response = client_for(writer).post(list_url(self.route), {**self.create_payload(), **overrides}, format="json")
        self.assert_rejected(response, field)
        assert table_counts() == before, "a failed write leaves nothing behind"

    def test_a_list_posted_creates_its_items_like_single_writes(self, writer):
        """Bulk create (policy.api.bulk): the same payload, in a list, makes the same record."""
        client, payload = client_for(writer), self.create_payload()
        response = client.post(list_url(self.route), [payload], format="json")
        assert response.status_code == 201, response.content
        (data,) = response.json()
        self.assert_represents(data, payload)
        self.assert_stored(self.model.objects.get(**{self.key: data[self.key]}), payload)
        assert client.get(data["url"]).json() == data

    def test_a_list_patched_updates_its_items_like_single_writes(self, writer):
        client, obj, changes = client_for(writer), self.sample(), self.update_payload()
        response = client.patch(list_url(self.route), [{self.key: key_of(obj), **changes}], format="json")
        assert response.status_code == 200, response.content
        (data,) = response.json()
        self.assert_represents(data, changes)
        self.assert_stored(obj, changes)

    def test_malformed_json_is_400(self, writer):
        before = table_counts()
        response = client_for(writer).generic(
            "POST", list_url(self.route), '{"slug": ', content_type="application/json"
        )
        assert response.status_code == 400
        assert "detail" in response.json()
        assert table_counts() == before
