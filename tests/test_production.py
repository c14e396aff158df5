"""Production settings (DJANGO_ENV=production), each checked in a fresh process with its own environment:
required variables, `check --deploy`, static files through WhiteNoise, HTTPS and security headers."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.test import APIClient

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_VARIABLES = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL")


def run(args, tmp_path, **env):
    """`python <args>` in the project, with a clean environment plus `env`."""
    base = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ENV", "DEBUG", *PRODUCTION_VARIABLES)}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def production_env(tmp_path, **extra):
    """What production needs set, over a SQLite file in `tmp_path`."""
    return {
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        **extra,
    }


@pytest.fixture
def production(tmp_path):
    return production_env(tmp_path, ALLOWED_HOSTS="policy.example.org,testserver")


@pytest.mark.parametrize("missing", PRODUCTION_VARIABLES)
def test_production_refuses_to_start_without_its_settings(tmp_path, production, missing):
    env = {k: v for k, v in production.items() if k != missing}
    result = run(["manage.py", "check"], tmp_path, **env)
    assert result.returncode != 0
    assert f"{missing} is not set. Production (DJANGO_ENV=production) needs it" in result.stderr


def test_the_wsgi_entry_point_is_production_unless_told_otherwise(tmp_path):
    result = run(["-c", "import policy.wsgi"], tmp_path)
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stderr
    assert run(["-c", "import policy.wsgi"], tmp_path, DJANGO_ENV="development").returncode == 0


def test_an_unknown_environment_name_is_refused(tmp_path):
    result = run(["manage.py", "check"], tmp_path, DJANGO_ENV="prod")
    assert result.returncode != 0 and "set it to “development” or “production”" in result.stderr


def test_check_deploy_passes_with_production_settings(tmp_path, production):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **production)
    assert result.returncode == 0, result.stderr
    settings = run(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.SECURE_HSTS_SECONDS)",
        ],
        tmp_path,
        DJANGO_SETTINGS_MODULE="policy.settings",
        **production,
    )
    assert settings.stdout.split() == ["False", "True", "True", "True", "31536000"]


# Pages whose static files must load, and what a browser would fetch from each.
PAGES = {
    "/admin/login/": "text/html",
    "/api/v1/": "text/html",
    "/api/v1/docs/": "text/html",
    "/api/v1/redoc/": "text/html",
}
PROBE = """
import json, re, django
from django.core.management import call_command
django.setup()
call_command("collectstatic", interactive=False, verbosity=0)
from django.test import Client
client = Client()
result = {"pages": {}, "assets": {}, "http": client.get("/api/v1/").status_code}
result["http_location"] = client.get("/api/v1/")["Location"]
for page, accept in PAGES.items():
    response = client.get(page, secure=True, HTTP_ACCEPT=accept)
    html = response.content.decode()
    result["pages"][page] = {"status": response.status_code, "headers": dict(response.headers)}
    for url in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        asset = client.get(url, secure=True)
        result["assets"][url] = [asset.status_code, asset.get("Cache-Control", "")]
    script = client.get(page + "?script", secure=True) if page == "/api/v1/docs/" else None
    if script is not None:
        result["docs_script"] = script.status_code
        for url in re.findall(r'"(/static/[^"]+)"', html + script.content.decode()):
            result["assets"][url] = [client.get(url, secure=True).status_code, ""]
print(json.dumps(result))
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """collectstatic, then each page over HTTPS and every static file it links, in a production process."""
    tmp_path = tmp_path_factory.mktemp("production")
    env = production_env(tmp_path, DJANGO_SETTINGS_MODULE="policy.settings")
    result = run(["-c", f"PAGES = {PAGES!r}\n{PROBE}"], tmp_path, **env)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_plain_http_is_redirected_to_https(served):
    assert served["http"] == 301
    assert served["http_location"] == "https://testserver/api/v1/"


@pytest.mark.parametrize("page", PAGES)
def test_pages_load_with_their_static_files(served, page):
    assert served["pages"][page]["status"] == 200
    assets = {url: status for url, (status, _) in served["assets"].items()}
    assert assets, "the pages link static files"
    assert set(assets.values()) == {200}, {url: s for url, s in assets.items() if s != 200}


def test_docs_start_up_script_is_a_file_not_inline(served):
    assert served["docs_script"] == 200
    assert any("swagger-ui" in url for url in served["assets"])


def test_static_files_are_hashed_and_cached_for_good(served):
    hashed = [cache for url, (_, cache) in served["assets"].items() if cache]
    assert hashed and all("max-age=315360000" in cache for cache in hashed)


@pytest.mark.parametrize("page", PAGES)
def test_security_headers_over_https(served, page):
    headers = served["pages"][page]["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "script-src 'self';" in headers["Content-Security-Policy"], "no inline scripts"


@pytest.mark.parametrize("url", ["/api/v1/", "/api/v1/topics/", "/admin/login/"])
def test_development_sends_the_same_headers_but_no_hsts(db, url):
    response = APIClient().get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Content-Security-Policy"].startswith("default-src 'self'")
    assert "Strict-Transport-Security" not in response


ERRORS_PROBE = """
import json, django
django.setup()
from django.test import Client
from policy.api import views
def crash(*args, **kwargs):
    raise RuntimeError("a bug")
views.TopicViewSet.list = crash  # a view that fails, as a bug would
client = Client(raise_request_exception=False)
result = {}
for name, url, extra in [
    ("api 404", "/api/v1/no-such-resource/", {}),
    ("api 500", "/api/v1/topics/", {}),
    ("api 400", "/api/v1/topics/", {"HTTP_HOST": "evil.example.org"}),
    ("page 404", "/no-such-page/", {}),
    ("page 400", "/", {"HTTP_HOST": "evil.example.org"}),
]:
    response = client.get(url, secure=True, **extra)
    result[name] = [response.status_code, response["Content-Type"], response.content.decode()[:200]]
print(json.dumps(result))
"""


@pytest.fixture(scope="module")
def production_errors(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("errors")
    env = production_env(tmp_path, DJANGO_SETTINGS_MODULE="policy.settings")
    result = run(["-c", ERRORS_PROBE], tmp_path, **env)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "name, status, detail",
    [
        ("api 404", 404, "Not found."),
        ("api 500", 500, "Server error: the request could not be completed."),
        ("api 400", 400, "Bad request."),
    ],
)
def test_api_errors_are_json_in_production_too(production_errors, name, status, detail):
    """They were Django's HTML pages: with DEBUG off, errors no DRF view renders reach Django's handlers."""
    code, content_type, body = production_errors[name]
    assert (code, content_type, json.loads(body)) == (status, "application/json", {"detail": detail})


@pytest.mark.parametrize("name, status", [("page 404", 404), ("page 400", 400)])
def test_web_page_errors_stay_html_in_production(production_errors, name, status):
    code, content_type, body = production_errors[name]
    assert (code, content_type) == (status, "text/html; charset=utf-8")
    assert body.lstrip().startswith("<!doctype html>") or "<h1>" in body
