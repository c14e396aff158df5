"""Sign-in attempts are limited per address and per username, on the token endpoint and the admin
login alike (one count for both): beyond the limit even the right password is refused, with 429
and `Retry-After`, so guessing costs minutes per handful of tries (issue #11, items 1 and 12)."""

import os
import subprocess
import sys

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient

TOKEN = "/api/v1/auth/token/"
ADMIN_LOGIN = "/admin/login/"
PASSWORD = "right-horse-battery"


@pytest.fixture
def login_rate(settings):
    caches["sign_in"].clear()
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "login": "5/minute"}
    yield
    caches["sign_in"].clear()


@pytest.fixture
def editor(db, django_user_model):
    return django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True, is_superuser=True)


def guess(client, password, username="editor", **extra):
    return client.post(TOKEN, {"username": username, "password": password}, format="json", **extra)


def test_the_token_endpoint_refuses_the_right_password_after_five_guesses(editor, login_rate):
    client = APIClient()
    assert [guess(client, f"wrong-{n}").status_code for n in range(5)] == [400] * 5
    response = guess(client, PASSWORD)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "token" not in response.json()


def test_guesses_at_one_username_from_many_addresses_are_counted_together(editor, login_rate):
    client = APIClient()
    codes = [guess(client, f"wrong-{n}", REMOTE_ADDR=f"10.0.0.{n}").status_code for n in range(5)]
    assert codes == [400] * 5
    assert guess(client, PASSWORD, REMOTE_ADDR="10.0.0.99").status_code == 429
    # Usernames differing only in case are one count.
    assert guess(client, PASSWORD, username="EDITOR", REMOTE_ADDR="10.0.0.98").status_code == 429


def test_guesses_at_many_usernames_from_one_address_are_counted_together(editor, login_rate):
    client = APIClient()
    assert [guess(client, "x", username=f"user{n}").status_code for n in range(5)] == [400] * 5
    assert guess(client, PASSWORD).status_code == 429
    assert guess(client, PASSWORD, REMOTE_ADDR="10.0.0.1").json().keys() == {"token"}


@pytest.mark.parametrize("body", [[1, 2], "editor", None, {"username": ["a", "b"], "password": 1}])
def test_a_body_that_is_not_a_form_is_a_400_not_a_500(editor, login_rate, body):
    response = APIClient().post(TOKEN, body, format="json")
    assert response.status_code == 400


def admin_login(client, password, **extra):
    return client.post(ADMIN_LOGIN, {"username": "editor", "password": password, "next": "/admin/"}, **extra)


def signed_in(client):
    return "_auth_user_id" in client.session


def test_the_admin_login_refuses_the_right_password_after_five_guesses(client, editor, login_rate):
    assert [admin_login(client, f"wrong-{n}").status_code for n in range(5)] == [200] * 5
    assert not signed_in(client)
    response = admin_login(client, PASSWORD)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert not signed_in(client)
    assert "Too many sign-in attempts. Try again in" in response.content.decode()


def test_the_admin_login_lets_the_right_password_in_below_the_limit(client, editor, login_rate):
    assert admin_login(client, "wrong").status_code == 200
    response = admin_login(client, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert signed_in(client)


def test_token_and_admin_guesses_share_one_count(client, editor, login_rate):
    api = APIClient()
    assert [guess(api, "wrong").status_code for _ in range(3)] == [400] * 3
    assert [admin_login(client, "wrong").status_code for _ in range(2)] == [200] * 2
    assert admin_login(client, PASSWORD).status_code == 429
    assert guess(api, PASSWORD).status_code == 429


def test_attempts_made_through_another_process_count_here(editor, login_rate):
    # gunicorn's workers are processes: each counting on its own would allow workers × 5 guesses.
    guesser = (
        "from django.test import RequestFactory; from policy.api.throttling import sign_in_wait; "
        "print([sign_in_wait(RequestFactory().post('/admin/login/', {'username': 'editor'}, REMOTE_ADDR='10.9.9.9')) "
        "for _ in range(5)])"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "policy.settings", "THROTTLE_LOGIN": "5/minute"}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {guesser}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "[None, None, None, None, None]", result.stderr
    assert guess(APIClient(), PASSWORD, REMOTE_ADDR="10.9.9.8").status_code == 429  # the username's count
    assert guess(APIClient(), PASSWORD, username="other", REMOTE_ADDR="10.9.9.9").status_code == 429  # the address's
