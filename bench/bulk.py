"""Bulk writes through the API (issue #14: 1,000 statements created in one request, history included,
under 10 s): `.venv/bin/python -m bench.bulk [--backends sqlite postgres] [--items 1000]`.

A fresh database per backend (a temporary SQLite file; a scratch PostgreSQL database, dropped after)
gets the migrations, the fixtures and an editor with a token; a gunicorn of this project (production
settings, bench/serve.py) then takes one POST of N statements citing the article, and one PATCH of
the same N. Each is timed from the request's first byte to the response's last, and the history is
counted (one entry per record).
"""

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import data
from .serve import Gunicorn, production_env


def setup_database(url):
    fixtures = sorted(str(path) for path in (data.PROJECT / "fixtures").glob("*.json"))
    data.manage(url, "migrate", "--noinput", "-v0")
    data.manage(url, "loaddata", "-v0", *fixtures)
    env = {**production_env(url), "DJANGO_SUPERUSER_PASSWORD": "bench-pw-123"}
    command = [sys.executable, "manage.py", "createsuperuser", "--noinput", "--username", "bench", "--email", "b@x.org"]
    subprocess.run(command, env=env, cwd=data.PROJECT, check=True, capture_output=True)
    token = subprocess.run(
        [sys.executable, "manage.py", "api_token", "create", "bench"],
        env=env,
        cwd=data.PROJECT,
        check=True,
        capture_output=True,
    )
    return token.stdout.decode().strip()


def article():
    """(source slug, speaker slug, sentences of the article) from the fixtures."""
    for path in sorted((data.PROJECT / "fixtures").glob("*.json")):
        for row in json.loads(path.read_text()):
            if row["model"] == "policy.source" and row["fields"].get("text"):
                sentences = [s for s in row["fields"]["text"].split("\n") if len(s) > 40]
                return row["fields"]["slug"], sentences
    raise SystemExit("no source text in fixtures/")


def send(server, method, token, body):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    payload = json.dumps(body).encode()
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    started = time.perf_counter()
    connection.request(method, "/api/v1/statements/", payload, headers)
    response = connection.getresponse()
    answer = response.read()
    seconds = time.perf_counter() - started
    connection.close()
    if response.status not in (200, 201):
        raise SystemExit(f"{method}: {response.status} {answer[:500]!r}")
    return seconds, len(payload)


def history_count(url):
    code = "from policy.models import Statement; print(Statement.history.filter(slug__startswith='bulk-').count())"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "policy.settings"}
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        env=env,
        cwd=data.PROJECT,
        capture_output=True,
    )
    return int(out.stdout.decode().strip() or 0)


def run(backend, items):
    with tempfile.TemporaryDirectory() as folder:
        scratch = f"bench_bulk_{os.getpid()}"
        if backend == "postgres":
            data.ensure_postgres()
            data.psql(f"DROP DATABASE IF EXISTS {scratch}")
            data.psql(f"CREATE DATABASE {scratch}")
            url = f"{data.POSTGRES}/{scratch}"
        else:
            url = f"sqlite:///{Path(folder) / 'bulk.sqlite3'}"
        try:
            token = setup_database(url)
            source, sentences = article()
            statements = [
                {
                    "slug": f"bulk-{n}",
                    "speaker": "joe-biden",
                    "text": f"Synthetic statement {n}",
                    "kind": "paraphrase",
                    "said_on": "2021-05-07",
                    "topics": ["us-mexico-relations"],
                    "countries": ["MX", "US"],
                    "source": source,
                    "excerpt": sentences[n % len(sentences)],
                }
                for n in range(items)
            ]
            with Gunicorn(url, args=["--timeout", "600"], THROTTLE_USER="off") as server:
                created, size = send(server, "POST", token, statements)
                changes = [{"slug": item["slug"], "language": "es"} for item in statements]
                updated, _ = send(server, "PATCH", token, changes)
            entries = history_count(url)
        finally:
            if backend == "postgres":
                data.psql(f"DROP DATABASE IF EXISTS {scratch}")
    print(
        f"{backend}: POST {items} statements ({size / 1e6:.1f} MB) {created:.2f} s; "
        f"PATCH {items} {updated:.2f} s; history entries {entries} (expected {2 * items})"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"])
    parser.add_argument("--items", type=int, default=1000)
    args = parser.parse_args()
    for backend in args.backends:
        run(backend, args.items)


if __name__ == "__main__":
    main()
