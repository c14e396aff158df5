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
