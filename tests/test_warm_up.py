"""gunicorn, as gunicorn.conf.py runs it, warms the application in its master before forking the
workers (policy/warmup.py): every kind of request is answered once, so no user pays a new
process's first-request cost (1.5 s for the first list; issue #18). The workers inherit what the
master built, and must still answer what the database holds now."""

import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from policy import records

from .live_server import ROOT, free_port

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
PASSWORD = secrets.token_urlsafe(20)
WARMED = re.compile(r"warm-up: (\d+) requests in [\d.]+ s(.*)")


def environment(database, tmp_path, **extra):
    base = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ENV", "DEBUG", "DATABASE_URL")}
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": "policy.settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{database}",
        "STATIC_ROOT": str(tmp_path / "static"),
        # Behind a proxy that terminates TLS, as production runs: requests say so in a header.
        "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
        "SERVER_STATE_DIR": str(tmp_path / "state"),
        "LOG_LEVEL": "INFO",
        "GUNICORN_WORKERS": "2",
        **extra,
    }


def manage(env, *args):
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]


def request(base, path, data=None, token=None, raw=False):
    headers = {"Accept": "text/csv" if raw else "application/json", "X-Forwarded-Proto": "https"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Token {token}"
    body = json.dumps(data).encode() if data is not None else None
    try:
        with urllib.request.urlopen(urllib.request.Request(base + path, body, headers), timeout=30) as response:
            body = response.read()
            return response.status, body if raw else json.loads(body)
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Gunicorn:
    def __init__(self, env, log):
        self.base = f"http://127.0.0.1:{free_port()}"
        self.log = log
        self.process = subprocess.Popen(
            [GUNICORN, "policy.wsgi", "--bind", self.base.removeprefix("http://")],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.process.poll() is None, log.read_text()[-3000:]
            try:
                if request(self.base, "/api/v1/")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise AssertionError(f"gunicorn did not answer: {log.read_text()[-3000:]}")

    def warmed(self):
        found = WARMED.search(self.log.read_text())
        return (int(found.group(1)), found.group(2)) if found else None

    def stop(self):
        # A worker still booting when the master is told to stop holds it for the graceful timeout (30 s).
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("warm-up")
    env = environment(tmp_path / "db.sqlite3", tmp_path)
    manage(env, "migrate", "--noinput")
    manage(env, "seed")
    manage(env, "collectstatic", "--noinput")
    manage(
        {**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
        "createsuperuser",
        "--noinput",
        "--username",
        "editor",
        "--email",
        "e@example.org",
    )
    server = Gunicorn(env, tmp_path / "gunicorn.log")
    yield server
    server.stop()


def test_the_master_answers_every_kind_of_request_before_the_workers_fork(served):
    requests, failed = served.warmed()
    assert failed == ""  # every one a 200
    # The root, per type a list page, a search, two CSVs, a dated page, a detail and a cursor page,
    # the timeline, the search across types, then the pages: home, timeline, search, each type's two.
    dated = sum(1 for record_type in records.TYPES if record_type.dates)
    assert requests == 1 + 6 * len(records.TYPES) + dated + 2 + 3 + 2 * len(records.TYPES)
    assert served.log.read_text().index("warm-up:") < served.log.read_text().index("Booting worker")


def test_workers_answer_with_what_was_written_after_the_warm_up(served):
    status, answer = request(served.base, "/api/v1/auth/token/", {"username": "editor", "password": PASSWORD})
    assert status == 200, answer
    token = answer["token"]
    before = request(served.base, "/api/v1/topics/?page_size=1000")[1]
    assert "warmed-later" not in [topic["slug"] for topic in before["results"]]
    status, created = request(served.base, "/api/v1/topics/", {"slug": "warmed-later", "name": "Warmed later"}, token)
    assert status == 201, created
    # An export of the statements changed since (none), outside any test's transaction, counts are cached.
    assert request(served.base, "/api/v1/statements/?format=csv&updated_after=2999-01-01", raw=True)[0] == 200
    # Every worker (two of them, a request each at random) lists the new topic and finds it.
    for _ in range(6):
        listed = request(served.base, "/api/v1/topics/?page_size=1000")[1]
        assert "warmed-later" in [topic["slug"] for topic in listed["results"]]
        assert request(served.base, "/api/v1/topics/?search=warmed")[1]["results"][0]["slug"] == "warmed-later"
        assert request(served.base, "/api/v1/topics/warmed-later/")[0] == 200


def test_a_server_that_cannot_warm_up_starts_cold_and_says_why(tmp_path):
    env = environment(tmp_path / "never-migrated.sqlite3", tmp_path)
    server = Gunicorn(env, tmp_path / "gunicorn.log")
    try:
        assert "warm-up stopped after" in server.log.read_text()
        assert request(server.base, "/api/v1/")[0] == 200
    finally:
        server.stop()


def test_warm_up_can_be_turned_off(tmp_path):
    env = environment(tmp_path / "never-migrated.sqlite3", tmp_path, WARM_UP="0")
    server = Gunicorn(env, tmp_path / "gunicorn.log")
    try:
        assert server.warmed() is None and "warm-up" not in server.log.read_text()
    finally:
        server.stop()
