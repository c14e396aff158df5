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
    assert out.strip() == "{'anon': '7/hour', 'user': None, 'login': '30/minute', 'expensive': None}"


def fresh_process(code, env_name="development", **env):
    """`code` run after django.setup() in a new process under DJANGO_ENV=`env_name`, throttle
    variables unset unless given."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("THROTTLE_") and k != "NUM_PROXIES"}
    production = {"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "testserver", "DATABASE_URL": "sqlite:///unused"}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={
            **base,
            **(production if env_name == "production" else {}),
            "DJANGO_ENV": env_name,
            "DJANGO_SETTINGS_MODULE": "policy.settings",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


RATES = "from django.conf import settings; print(settings.THROTTLE_RATES)"


def test_production_keeps_its_limits():
    out = fresh_process(RATES, "production").stdout.strip()
    assert out == "{'anon': '120/minute', 'user': '1200/minute', 'login': '5/minute', 'expensive': '30/minute'}"


def test_development_does_not_get_in_a_researchers_way():
    # Issue #11, item 21: a script walking the records hit 429 after 121 requests under `make serve`.
    out = fresh_process(RATES).stdout.strip()
    assert out == "{'anon': None, 'user': None, 'login': '30/minute', 'expensive': None}"
    walk = "from django.test import Client; c = Client(); print({c.get('/api/v1/').status_code for _ in range(150)})"
    assert fresh_process(walk).stdout.strip() == "{200}"


def test_a_forged_x_forwarded_for_does_not_escape_the_limit(db, rates):
    # Issue #11, item 2: a random X-Forwarded-For on each request was a new client each time.
    client = APIClient()
    forged = [statuses(client, 1, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")[0] for n in range(4)]
    assert forged == [200, 200, 200, 429]


def test_behind_one_proxy_the_address_it_adds_is_the_client(db, rates, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    client = APIClient()
    # The proxy appends the address it saw; whatever the client put before it is ignored.
    behind = {"REMOTE_ADDR": "10.0.0.9", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 198.51.100.7"}
    assert statuses(client, 4, **behind) == [200, 200, 200, 429]
    other = {"REMOTE_ADDR": "10.0.0.9", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 198.51.100.8"}
    assert statuses(client, 1, **other) == [200]


def test_num_proxies_comes_from_the_environment():
    code = "from django.conf import settings; print(settings.REST_FRAMEWORK['NUM_PROXIES'])"
    assert fresh_process(code).stdout.strip() == "0"
    assert fresh_process(code, "production", NUM_PROXIES="2").stdout.strip() == "2"
    for bad in ("two", "²"):  # "²".isdigit() is true, and int("²") a ValueError: a traceback, not the message
        refused = fresh_process(code, NUM_PROXIES=bad)
        assert refused.returncode != 0 and f"NUM_PROXIES is “{bad}”" in refused.stderr
