"""Whole-list CSV exports hold a slot while they stream: a few per client across the server's
processes, a few per process, so clients that never read cannot take every worker (issue #11,
item 6: two stalled anonymous exports had stopped a server). bench/stall.py shows it on gunicorn."""

import os
import runpy
import socket
import subprocess
import sys
import time

import pytest
from rest_framework.test import APIClient

from policy.api import exports

URL = "/api/v1/statements/?format=csv"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


OPENED = []


@pytest.fixture
def limits(settings, tmp_path, monkeypatch):
    # This process's count of streaming exports starts at 0: an earlier test's CSV response that the test
    # client never read to the end (a WSGI server always closes it) would still hold its slot.
    monkeypatch.setattr(exports, "_streaming", 0)
    settings.EXPORT_LOCK_DIR = str(tmp_path / "exports")
    settings.EXPORTS_PER_CLIENT, settings.EXPORTS_PER_PROCESS = 2, 5
    yield settings
    # A WSGI server closes every response; the test client only those read to the end.
    while OPENED:
        OPENED.pop().close()


def export(address, **extra):
    response = APIClient().get(URL, REMOTE_ADDR=address, **extra)
    OPENED.append(response)
    return response


def test_a_client_may_stream_two_exports_at_once(db, limits):
    stalled = [export("10.0.0.1") for _ in range(2)]  # opened, never read
    assert [response.status_code for response in stalled] == [200, 200]
    refused = export("10.0.0.1")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 30
    assert "At most 2 CSV exports at once per client" in refused.content.decode()  # a CSV error row
    assert export("10.0.0.2").status_code == 200  # others are not held up
    b"".join(stalled[0].streaming_content)  # read to the end: the server closes it
    assert export("10.0.0.1").status_code == 200


def test_a_process_streams_a_bounded_number_of_exports(db, limits):
    limits.EXPORTS_PER_PROCESS = 2
    stalled = [export(f"10.0.1.{n}") for n in range(2)]
    refused = export("10.0.1.9")
    assert refused.status_code == 429 and "as many CSV exports as it allows" in refused.content.decode()
    assert APIClient().get("/api/v1/statements/", {"format": "csv", "page": 1}).status_code == 200  # pages: no slot
    stalled[0].close()
    assert export("10.0.1.9").status_code == 200


def test_a_slot_held_by_another_process_counts_and_is_freed_when_it_dies(db, limits):
    limits.EXPORTS_PER_CLIENT = 1
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from policy.api.exports import client_slot; "
            "slot = client_slot('address:10.0.2.1'); print('held', flush=True); import time; time.sleep(60)",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "policy.settings", "EXPORT_LOCK_DIR": limits.EXPORT_LOCK_DIR},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        assert export("10.0.2.1").status_code == 429
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)
    assert export("10.0.2.1").status_code == 200


def test_under_gunicorn_an_export_gets_a_write_timeout(db, limits):
    limits.EXPORT_WRITE_TIMEOUT = 7
    ours, theirs = socket.socketpair()
    with ours, theirs:
        response = export("10.0.3.1", **{"gunicorn.socket": ours})
        assert response.status_code == 200 and ours.gettimeout() == 7


def test_an_unusable_lock_directory_is_logged_not_a_500(db, limits, tmp_path, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    limits.EXPORT_LOCK_DIR = str(blocker / "exports")  # a directory inside a file cannot exist
    assert export("10.0.4.1").status_code == 200
    assert "cannot lock a file" in caplog.text


def test_gunicorn_workers_keep_threads_for_ordinary_requests(monkeypatch):
    monkeypatch.delenv("GUNICORN_THREADS", raising=False)
    monkeypatch.setenv("EXPORTS_PER_PROCESS", "6")
    config = runpy.run_path(os.path.join(ROOT, "gunicorn.conf.py"))
    assert config["worker_class"] == "gthread"
    assert config["threads"] == 8  # two more than a process may spend on exports
    assert config["bind"] == "127.0.0.1:8000"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, filename",
    [
        ("statements/", "statements.csv"),  # the whole list, streamed
        ("statements/?page=1", "statements.csv"),
        ("countries/MX/", "countries-MX.csv"),
        ("topics/migration/history/", "topics-migration-history.csv"),
        ("timeline/", "timeline.csv"),
        ("changes/", "changes.csv"),
    ],
)
def test_every_csv_downloads_under_a_name_from_its_address(client, path, filename):
    response = client.get(f"/api/v1/{path}", HTTP_ACCEPT="text/csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
