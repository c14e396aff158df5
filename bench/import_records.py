"""Bulk import at 10,000 statement rows: `import_records` dry run and commit (suggestions), and with
`--publish` (records with history), on SQLite and PostgreSQL; wall time and peak memory (RSS).

    .venv/bin/python -m bench.import_records                       # both backends, 10,000 rows
    .venv/bin/python -m bench.import_records --backends sqlite --rows 2000

Each backend gets a fresh database (SQLite: a file under bench/results/; PostgreSQL: the database
`bench_import` on the local server, or BENCH_IMPORT_DATABASE_URL), migrated and loaded with the
fixtures. The file's rows quote whole sentences of the fixtures' article, spoken by its actors
(named by name, alias or slug), dated to the month or day. Each step runs in a process of its own,
which reports its own time and peak RSS.
"""

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG_URL = os.environ.get("BENCH_IMPORT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_import")
STEPS = {
    "dry run": ["--dry-run"],
    "commit (suggestions)": [],
    "dry run --publish": ["--dry-run", "--publish"],
    "commit --publish (records)": ["--publish"],
}
SPEAKERS = ["AMLO", "Kamala Harris", "joe-biden", "López Obrador", "Donald Trump"]


def rows_file(count, path):
    """A statements CSV of `count` rows quoting the article's sentences."""
    import csv

    fixture = json.loads((ROOT / "fixtures" / "04_sources.json").read_text())
    source = next(r["fields"] for r in fixture if r["fields"]["text"])
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", source["text"]) if 12 <= len(s) <= 300 and "\n" not in s]
    random.seed(1)
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["speaker", "text", "kind", "said_on", "source", "excerpt", "countries"])
        for number in range(count):
            sentence = sentences[number % len(sentences)]
            date = f"2021-{random.randint(1, 12):02d}" + ("" if number % 2 else f"-{random.randint(1, 28):02d}")
            writer.writerow(
                [SPEAKERS[number % len(SPEAKERS)], sentence, "paraphrase", date, source["slug"], sentence, "MX;US"]
            )


def measure(args):
    """In this process: one `import_records` run; prints seconds and peak RSS as JSON."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policy.settings")
    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        try:
            call_command("import_records", *args, stdout=quiet)
            ok = True
        except Exception as error:  # reported, not raised: the figure says it failed
            ok = str(error)[:300]
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": round(seconds, 2), "peak_mb": round(peak), "ok": ok}))


def prepare(url):
    env = {**os.environ, "DATABASE_URL": url}
    if url.startswith("postgres"):
        name = url.rsplit("/", 1)[1]
        base = url.rsplit("/", 1)[0] + "/postgres"
        import psycopg

        with psycopg.connect(base, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
    else:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    fixtures = sorted(str(p) for p in (ROOT / "fixtures").glob("*.json"))
    subprocess.run([*manage, "loaddata", *fixtures, "-v0"], cwd=ROOT, env=env, check=True)
    return env


def step(env, *args):
    command = [sys.executable, "-m", "bench.import_records", "--measure", *args]
    output = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--steps", default="dry run,commit (suggestions),dry run --publish,commit --publish (records)")
    parser.add_argument("--measure", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    if options.measure is not None:
        return measure(options.measure)
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = RESULTS / f"statements-{options.rows}.csv"
    rows_file(options.rows, data)
    print(f"{options.rows:,} statement rows ({data.stat().st_size / 1e6:.1f} MB)")
    print("| backend | step | seconds | peak RSS (MB) | result |\n|---|---|---|---|---|")
    for backend in options.backends.split(","):
        url = PG_URL if backend == "postgres" else f"sqlite:///{RESULTS / 'import.sqlite3'}"
        env = prepare(url)
        for label, args in STEPS.items():
            if label not in options.steps.split(","):
                continue
            result = step(env, str(data), *args)
            ok = "ok" if result["ok"] is True else result["ok"]
            print(f"| {backend} | {label} | {result['seconds']} | {result['peak_mb']} | {ok} |", flush=True)


if __name__ == "__main__":
    main()
