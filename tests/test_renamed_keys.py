"""A link made before a record's key changed still finds the record (policy.reading.renamed): the record's
page redirects (302) to its key now; the API's detail stays a 404 (what the change feed's consumers read
as "gone from this key") whose message names the key now. A key that never was, or whose record is gone,
is a plain 404, and a key taken again by another record names that one."""

import pytest
from django.test import Client

from policy.models import Topic

from .api_support import API, ROUTES, client_for, editor_user, key_name, key_of

pytestmark = pytest.mark.django_db

TYPES = [pytest.param(model, route, id=route) for model, route in ROUTES.items()]


def new_key(model, old):
    return "ZZ" if key_name(model) == "code" else f"{old}-renamed"


def renamed(django_user_model, model, route):
    """(old key, new key) of the type's first record, its key changed through the API."""
    record = model.objects.order_by("pk").first()
    old = key_of(record)
    editor = client_for(editor_user(django_user_model, "renamer"))
    field = key_name(model)
    response = editor.patch(f"{API}{route}/{old}/", {field: new_key(model, old)}, format="json")
    assert response.status_code == 200, response.content
    return old, response.json()[field]


@pytest.mark.parametrize("model, route", TYPES)
def test_the_api_s_detail_under_the_old_key_is_a_404_naming_the_new(django_user_model, model, route):
    old, new = renamed(django_user_model, model, route)
    response = Client().get(f"{API}{route}/{old}/", {"fields": key_name(model)})
    assert response.status_code == 404
    name, field = model._meta.verbose_name, key_name(model)
    url = f"http://testserver{API}{route}/{new}/"
    assert response.json() == {"detail": f"No {name} with {field} “{old}”: it is now “{new}”, {url}"}
    assert Client().get(url, {"fields": field}).json() == {field: new}


@pytest.mark.parametrize("model, route", TYPES)
def test_the_page_under_the_old_key_redirects_to_the_new(django_user_model, model, route):
    old, new = renamed(django_user_model, model, route)
    response = Client().get(f"/{route}/{old}/", HTTP_ACCEPT="text/html")
    assert response.status_code == 302 and response["Location"] == f"/{route}/{new}/"


def test_writes_to_the_old_key_are_not_redirected(django_user_model):
    old, _ = renamed(django_user_model, Topic, "topics")
    editor = client_for(editor_user(django_user_model, "writer"))
    assert editor.patch(f"{API}topics/{old}/", {"name": "x"}, format="json").status_code == 404
    assert editor.delete(f"{API}topics/{old}/").status_code == 404


def test_a_key_taken_again_names_the_record_that_has_it_now(django_user_model):
    old, _ = renamed(django_user_model, Topic, "topics")
    editor = client_for(editor_user(django_user_model, "reuser"))
    assert editor.post(f"{API}topics/", {"slug": old, "name": "Another topic"}, format="json").status_code == 201
    answer = Client().get(f"{API}topics/{old}/")
    assert answer.status_code == 200 and answer.json()["name"] == "Another topic"


def test_a_deleted_record_s_keys_are_a_404(django_user_model):
    old, new = renamed(django_user_model, Topic, "topics")
    Topic.objects.filter(slug=new).delete()
    assert Client().get(f"{API}topics/{old}/").json() == {"detail": f"No topic with slug “{old}”."}
    assert Client().get(f"/topics/{old}/").status_code == 404
