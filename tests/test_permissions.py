"""Who may do what, for every resource: six kinds of client × six actions.

Reads (list, detail, history) are open to everyone. A write needs the Django model permission for it:
`add_<model>` to create, `change_<model>` to update, `delete_<model>` to delete. Staff status alone
grants nothing (it opens the admin's door, not the data); a superuser holds every permission.
Anonymous writes are 401 (no credentials), authenticated ones without the permission 403.
And API tokens: created and revoked by a management command or in the admin.
"""

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from policy.api.urls import router

API = "/api/v1/"
ROUTES = {prefix: viewset for prefix, viewset, _ in router.registry}
ACTIONS = ["list", "detail", "history", "create", "update", "delete"]
READ = {"list": 200, "detail": 200, "history": 200}
MATRIX = {
    "anonymous": {**READ, "create": 401, "update": 401, "delete": 401},
    "authenticated": {**READ, "create": 403, "update": 403, "delete": 403},
    "view permission": {**READ, "create": 403, "update": 403, "delete": 403},
    "change permission": {**READ, "create": 403, "update": 200, "delete": 403},
    "staff": {**READ, "create": 403, "update": 403, "delete": 403},
    "superuser": {**READ, "create": 201, "update": 200, "delete": 204},
}


def client_as(role, model, django_user_model):
    client = APIClient()
    if role == "anonymous":
        return client
    name = model._meta.model_name
    if role == "superuser":
        user = django_user_model.objects.create_superuser("root", password="pw-secret-123")
    else:
        user = django_user_model.objects.create_user(role.replace(" ", "-"), password="pw-secret-123")
        user.is_staff = role == "staff"
        user.save()
        codenames = {"view permission": [f"view_{name}"], "change permission": [f"view_{name}", f"change_{name}"]}
        for codename in codenames.get(role, []):
            user.user_permissions.add(Permission.objects.get(content_type__app_label="policy", codename=codename))
    # A real token, as an API client has (sessions are covered by the generic write cases).
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def write_payload(representation, serializer):
    """A create payload from a record's representation: related records by key, a new key of its own."""
    payload = {}
    for name, field in serializer.fields.items():
        if field.read_only or name not in representation:
            continue
        value = representation[name]
        if isinstance(value, dict):
            value = value.get("slug", value.get("code"))
        elif isinstance(value, list) and value and isinstance(value[0], dict) and "relation" in value[0]:
            value = [{**link, "policy": link["policy"]["slug"], "source": link["source"]["slug"]} for link in value]
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            value = [item.get("slug", item.get("code")) for item in value]
        payload[name] = value
    if "code" in payload:
        payload.update(code="QZ", iso3="QZZ")
    else:
        payload["slug"] = f"{payload['slug'][:150]}-copy"
    return payload


def change_of(serializer):
    name = next(n for n in ("notes", "description", "name") if n in serializer.fields)
    return {name: "Changed by the permission matrix."}


def statuses(client, route):
    """The status of each action for this client, on a record of this resource."""
    viewset = ROUTES[route]
    model, serializer = viewset.serializer_class.Meta.model, viewset.serializer_class()
    key = model.objects.order_by("pk").values_list(viewset.lookup_field, flat=True)[0]
    detail = f"{API}{route}/{key}/"
    representation = APIClient().get(detail).json()
    result = {
        "list": client.get(f"{API}{route}/").status_code,
        "detail": client.get(detail).status_code,
        "history": client.get(f"{detail}history/").status_code,
    }
    created = client.post(f"{API}{route}/", write_payload(representation, serializer), format="json")
    result["create"] = created.status_code
    result["update"] = client.patch(detail, change_of(serializer), format="json").status_code
    # Delete what was just created where that worked (nothing refers to it), else the record itself.
    result["delete"] = client.delete(created["Location"] if created.status_code == 201 else detail).status_code
    return result


@pytest.mark.parametrize("role", MATRIX)
@pytest.mark.parametrize("route", sorted(ROUTES))
def test_permission_matrix(db, django_user_model, route, role):
    model = ROUTES[route].serializer_class.Meta.model
    count = model.objects.count()
    assert statuses(client_as(role, model, django_user_model), route) == MATRIX[role]
    assert model.objects.count() == count, "whatever was created was deleted, and nothing else"


def test_the_matrix_covers_every_resource_role_and_action():
    assert len(ROUTES) * len(MATRIX) * len(ACTIONS) == 324
    assert all(list(row) == ACTIONS for row in MATRIX.values())


def test_permissions_of_one_type_grant_nothing_on_another(db, django_user_model):
    user = django_user_model.objects.create_user("topic-editor")
    user.user_permissions.add(Permission.objects.get(codename="change_topic"))
    client = APIClient()
    client.force_authenticate(user)
    key = ROUTES["actors"].serializer_class.Meta.model.objects.values_list("slug", flat=True)[0]
    assert client.patch(f"{API}actors/{key}/", {"notes": "x"}, format="json").status_code == 403


# Tokens --------------------------------------------------------------------------------------------


def authorised(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.patch(f"{API}topics/migration/", {"description": "x"}, format="json").status_code


def test_api_token_command_creates_replaces_and_revokes(db, django_user_model, capsys):
    user = django_user_model.objects.create_user("alice")
    user.user_permissions.add(Permission.objects.get(codename="change_topic"))

    call_command("api_token", "create", "alice")
    first = capsys.readouterr().out.strip()
    assert Token.objects.get(user=user).key == first and authorised(first) == 200

    call_command("api_token", "create", "alice")
    second = capsys.readouterr().out.strip()
    assert second != first and authorised(first) == 401 and authorised(second) == 200

    call_command("api_token", "revoke", "alice")
    assert "Revoked" in capsys.readouterr().out
    assert authorised(second) == 401 and not Token.objects.filter(user=user).exists()

    call_command("api_token", "revoke", "alice")
    assert "had no token" in capsys.readouterr().out


def test_api_token_command_names_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user “nobody”"):
        call_command("api_token", "create", "nobody")


def test_tokens_are_created_and_revoked_in_the_admin(admin_client, django_user_model):
    user = django_user_model.objects.create_user("bob")
    user.user_permissions.add(Permission.objects.get(codename="change_topic"))
    assert admin_client.get("/admin/authtoken/tokenproxy/").status_code == 200

    response = admin_client.post("/admin/authtoken/tokenproxy/add/", {"user": user.pk})
    assert response.status_code == 302, response.content[:500]
    token = Token.objects.get(user=user)
    assert authorised(token.key) == 200

    # DRF's token admin addresses a token by its user, so keys never appear in URLs or logs.
    response = admin_client.post(f"/admin/authtoken/tokenproxy/{user.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert authorised(token.key) == 401
