"""A production install is requirements.txt alone: the server's code imports nothing that only
requirements-dev.txt installs, and a worker loads the curation tools only when curating (issue #18,
item 3: what a worker imports that it never uses costs every worker its memory)."""

import ast
import json
import os
import re
import subprocess
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVER_CODE = [path for path in (ROOT / "policy").rglob("*.py") if "migrations" not in path.parts]


def requirement_names(path):
    names = set()
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            names.add(re.split(r"[\[=<>~ ]", line)[0].lower().replace("_", "-"))
    return names


def imported_distributions(path, owners):
    """The installed distributions whose modules `path` imports (the standard library's and the
    project's own modules belong to none); `owners` maps a top-level module to its distributions."""
    tree = ast.parse(path.read_text(), filename=str(path))
    tops = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            tops.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            tops.add(node.module.split(".")[0])
    return {name.lower().replace("_", "-") for top in tops for name in owners.get(top, [])}


def test_the_two_requirement_files_split_server_from_tools():
    server, tools = requirement_names(ROOT / "requirements.txt"), requirement_names(ROOT / "requirements-dev.txt")
    assert "-r requirements.txt" in (ROOT / "requirements-dev.txt").read_text()
    assert {"django", "djangorestframework", "gunicorn"} <= server
    assert {"pytest", "playwright", "requests", "frictionless", "ruff"} <= tools
    assert not server & tools


def test_server_code_imports_nothing_only_the_tests_install():
    tools_only, owners = requirement_names(ROOT / "requirements-dev.txt"), packages_distributions()
    imports = {str(path.relative_to(ROOT)): imported_distributions(path, owners) for path in SERVER_CODE}
    assert any("rest_framework" in path.read_text() for path in SERVER_CODE)  # the scan sees imports at all
    assert {"djangorestframework", "django"} <= set().union(*imports.values())
    assert {path: found & tools_only for path, found in imports.items() if found & tools_only} == {}


WORKER = """
import io, json, sys
from policy.wsgi import application
def get(path):
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "testserver",
               "SERVER_PORT": "443", "wsgi.input": io.BytesIO(), "wsgi.url_scheme": "https",
               "HTTP_HOST": "testserver", "HTTP_ACCEPT": "application/json", "REMOTE_ADDR": "127.0.0.1"}
    statuses = []
    b"".join(application(environ, lambda status, headers, *rest: statuses.append(status)))
    return statuses[0]
statuses = [get("/api/v1/")]  # the URLconf: every view, serializer and filterset imported
print(json.dumps({"statuses": statuses, "modules": sorted({name.split(".")[0] for name in sys.modules})}))
"""


def test_a_worker_serving_reads_does_not_load_the_curation_tools(tmp_path):
    """rapidfuzz (the closest passage to a wrong excerpt: 4 MB) and the suggestion rules' libraries
    load when an editor needs them, not in every worker at start-up."""
    env = {key: value for key, value in os.environ.items() if key not in ("DJANGO_ENV", "DEBUG")}
    env |= {
        "DJANGO_ENV": "production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "policy.settings",
    }
    worker = subprocess.run([sys.executable, "-c", WORKER], cwd=ROOT, env=env, capture_output=True, text=True)
    assert worker.returncode == 0, worker.stderr[-3000:]
    seen = json.loads(worker.stdout.strip().splitlines()[-1])
    assert seen["statuses"] == ["200 OK"]
    assert {"django", "rest_framework", "policy"} <= set(seen["modules"])
    assert {"rapidfuzz", "dateparser", "babel", "text2num", "openpyxl", "pytest", "playwright"} & set(
        seen["modules"]
    ) == set()


def test_a_sqlite_connection_keeps_a_small_page_cache(db):
    """One connection a worker thread, each with its own cache: 256 KiB each (SQLITE_CACHE_KIB), not
    SQLite's 2 MiB, since the operating system caches the file anyway."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == -256


SQLITE_WORKER = """
import io, json, sys
from urllib.parse import urlsplit
from policy.wsgi import application

def get(url, accept="application/json"):
    parts = urlsplit(url)
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": parts.path, "QUERY_STRING": parts.query,
               "SERVER_NAME": "testserver", "SERVER_PORT": "443", "wsgi.input": io.BytesIO(),
               "wsgi.url_scheme": "https", "HTTP_HOST": "testserver", "HTTP_ACCEPT": accept,
               "REMOTE_ADDR": "127.0.0.1"}
    statuses = []
    body = b"".join(application(environ, lambda status, headers, *rest: statuses.append(status)))
    return statuses[0], body

answers = {}
def read(url, accept="application/json"):
    status, body = get(url, accept)
    answers[url + " " + accept] = status
    return body

record_lists = [url for name, url in json.loads(read("/api/v1/")).items() if name not in
                {"search", "timeline", "changes", "datapackage", "schema", "docs"}]
assert len(record_lists) == 9, record_lists
for url in record_lists:
    read(json.loads(read(url))["results"][0]["url"])
for url in [
    "/api/v1/statements/?search=border", "/api/v1/statements/?topic=migration&country=MX&date_after=2021-01-01",
    "/api/v1/statements/?facets=speaker,topic,country,year", "/api/v1/statements/?cursor=&ordering=-said_on",
    "/api/v1/policies/?search=lopez&facets=topic,country", "/api/v1/timeline/",
    "/api/v1/search/?q=migrants", "/api/v1/changes/", "/api/v1/schema/", "/api/v1/datapackage.zip",
]:
    read(url)
read("/api/v1/statements/?format=csv", "text/csv")
for url in ["/", "/statements/?search=border&topic=migration", "/timeline/", "/search/?q=migrants", "/api/v1/docs/",
            "/api/v1/statements/", "/admin/login/"]:
    read(url, "text/html")
loaded = sorted(name for name, module in sys.modules.items() if "psycopg" in name and module)
print(json.dumps({"answers": answers, "psycopg": loaded}))
"""


def test_a_worker_serving_sqlite_never_loads_the_postgresql_driver(tmp_path):
    """psycopg is installed for PostgreSQL, but a worker whose database is SQLite serves every kind of read
    without it (policy/wsgi.py): DRF would otherwise load it into every worker (11 MB each, issue #18)."""
    env = {key: value for key, value in os.environ.items() if key not in ("DJANGO_ENV", "DEBUG")}
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}", "DJANGO_SETTINGS_MODULE": "policy.settings"}
    for command in (["migrate", "-v0"], ["seed", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
    env |= {"DJANGO_ENV": "production", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "testserver"}
    env |= {"STATIC_ROOT": str(tmp_path / "static"), "SECURE_SSL_REDIRECT": "0"}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    worker = subprocess.run([sys.executable, "-c", SQLITE_WORKER], cwd=ROOT, env=env, capture_output=True, text=True)
    assert worker.returncode == 0, worker.stderr[-3000:]
    seen = json.loads(worker.stdout.strip().splitlines()[-1])
    assert len(seen["answers"]) > 30
    assert {url: status for url, status in seen["answers"].items() if status != "200 OK"} == {}
    assert seen["psycopg"] == []
