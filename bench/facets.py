"""Facets (issue #16): lists with `?facets=` and the list pages, timed against gunicorn on PostgreSQL.

Each URL is requested sequentially (one in flight) after a warm-up; p50 and p99 of the rest. The
filtered list is the bench mix's (`topic=…&country=MX&date_after=2015-01-01`, about 1,000 of a
million statements), the same records chosen by bench/params.py. Bounded: a few hundred
requests to 127.0.0.1. The database is read, never written: point `--url` at a copy of the
bench's (`CREATE DATABASE bench_me TEMPLATE bench_1000000`), or at the bench's own.

    python -m bench.facets --url postgres://postgres@127.0.0.1:5432/bench_me
"""

import argparse
import datetime
import itertools
import json
import os
import statistics
import subprocess
import sys

from . import data
from .serve import Gunicorn

RUNS = 40


def urls(params):
    """(name, path): `{day}` in a path is a different date at each request, so that neither its
    count nor its facets come from the cache (each is computed, as for a new filter)."""
    filtered = f"topic={params['topic']}&country={params['country']}"
    by_speaker = f"speaker={params['speaker']}"
    two, five = "facets=speaker,country", "facets=speaker,kind,country,topic,year"
    return [
        ("filtered list, uncached", f"/api/v1/statements/?{filtered}&date_after={{day}}"),
        (
            "filtered list, 2 facets (speaker, country), uncached",
            f"/api/v1/statements/?{filtered}&date_after={{day}}&{two}",
        ),
        ("filtered list, all 5 facets, uncached", f"/api/v1/statements/?{filtered}&date_after={{day}}&{five}"),
        (
            "speaker's list, 2 facets (topic, year), uncached",
            f"/api/v1/statements/?{by_speaker}&date_after={{day}}&facets=topic,year",
        ),
        (
            "filtered list, 2 facets, cached (the same URL again)",
            f"/api/v1/statements/?{filtered}&date_after=2015-01-01&{two}",
        ),
        ("whole list, 2 facets, uncached", "/api/v1/statements/?date_after={day}&facets=speaker,country"),
    ]


DAYS = itertools.count()


def day():
    return (datetime.date(2014, 1, 1) + datetime.timedelta(days=next(DAYS))).isoformat()


def timed(server, path, runs):
    for _ in range(3):  # warm-up: plans compiled, connections open
        status, _, _ = server.get(path.format(day=day()))
        assert status == 200, (path, status)
    seconds = sorted(server.get(path.format(day=day()))[2] for _ in range(runs))
    return statistics.median(seconds) * 1000, seconds[int(len(seconds) * 0.99) - 1] * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=data.database_url("postgres", 1_000_000), help="the database to read")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"timed requests per URL (default {RUNS})")
    options = parser.parse_args()
    env = {**os.environ, "DATABASE_URL": options.url}
    found = subprocess.run([sys.executable, "-m", "bench.params"], env=env, cwd=data.PROJECT, capture_output=True)
    params = json.loads(found.stdout)
    print(f"{params['statements']:,} statements; topic={params['topic']}, speaker={params['speaker']}\n")
    with Gunicorn(options.url, args=["--workers", "2"], THROTTLE_ANON="off", THROTTLE_EXPENSIVE="off") as server:
        print("| request | p50 ms | p99 ms |\n|---|---:|---:|")
        for name, path in urls(params):
            p50, p99 = timed(server, path, options.runs)
            print(f"| {name} | {p50:.1f} | {p99:.1f} |", flush=True)


if __name__ == "__main__":
    main()
