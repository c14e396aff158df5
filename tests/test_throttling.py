"""Anonymous clients are limited by address and signed-in ones by user: 429 with Retry-After."""

import os
import subprocess
import sys

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from rest_framework.test import APIClient

from policy.models import Topic

URL = "/api/v1/topics/"


@pytest.fixture
def rates(settings):
    cache.clear()
    settings.THROTTLE_RATES = {"anon": "3/minute", "user": "5/minute"}
    yield
    cache.clear()


def statuses(client, count, **extra):
    return [client.get(URL, **extra).status_code for _ in range(count)]


def test_anonymous_clients_get_429_with_retry_after(db, rates):
    client = APIClient()
    assert statuses(client, 3) == [200] * 3
    response = client.get(URL)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "throttled" in response.json()["detail"].lower()


def test_each_address_has_its_own_allowance(db, rates):
    client = APIClient()
    assert statuses(client, 4, REMOTE_ADDR="10.0.0.1")[-1] == 429
    assert statuses(client, 3, REMOTE_ADDR="10.0.0.2") == [200] * 3


def test_signed_in_users_have_their_own_higher_rate(db, rates, django_user_model):
    client = APIClient()
    assert statuses(client, 4)[-1] == 429
    client.force_authenticate(django_user_model.objects.create_user("reader"))
    assert statuses(client, 6) == [200] * 5 + [429]


def test_writes_are_throttled_too(db, rates, django_user_model):
    writer = django_user_model.objects.create_user("writer")
    writer.user_permissions.add(Permission.objects.get(codename="add_topic"))
    client = APIClient()
    client.force_authenticate(writer)
    assert statuses(client, 5) == [200] * 5
    assert client.post(URL, {"slug": "x", "name": "x"}, format="json").status_code == 429
    assert not Topic.objects.filter(slug="x").exists()


def test_rates_come_from_the_environment():
    code = "from django.conf import settings; print(settings.THROTTLE_RATES)"
    env = {"THROTTLE_ANON": "7/hour", "THROTTLE_USER": "off", "DJANGO_SETTINGS_MODULE": "policy.settings"}
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "{'anon': '7/hour', 'user': None}"
