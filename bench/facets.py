"""Facets (issue #16): lists with `?facets=` and the list pages, timed against gunicorn on PostgreSQL.

Each URL is requested sequentially (one in flight) after a warm-up; p50 and p99 of the rest. The
filtered list is the bench mix's (`topic=…&country=MX&date_after=2015-01-01`, about 1,000 of a
million statements), the same records chosen by bench/params.py. Bounded: a few hundred
requests to 127.0.0.1. The database is read, never written: point `--url` at a copy of the
bench's (`CREATE DATABASE bench_me TEMPLATE bench_1000000`), or at the bench's own.

    python -m bench.facets --url postgres://postgres@127.0.0.1:5432/bench_me

Then the whole list's facets on the first request after a write, against a gunicorn sharing a Redis
(`--redis`, a database number of its own) with this script, which moves the data version on as a
committed write does (nothing is written to the database): served stale while a thread recounts
(SLOW_COUNT_SECONDS, the default), and counted inside the request as before (SLOW_COUNT_SECONDS=inf).
"""

import argparse
import datetime
import itertools
import json
import os
import statistics
import subprocess
import sys
import time

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


WHOLE_LIST = "/api/v1/statements/?facets=speaker,country"
VERSION_KEY = ":1:policy:data-version"  # policy.cache.VERSION_KEY as Django's Redis cache stores it


def after_writes(server, redis_client, runs, path):
    """Seconds of the first request after each of `runs` writes, and whether its facets were stale;
    each time the recount is awaited (untimed) before the next write."""
    seconds, stale = [], []
    server.get(path, timeout=120)  # counted once: there is a latest value to serve
    for _ in range(runs):
        redis_client.incr(VERSION_KEY)
        status, body, took = server.get(path, timeout=120)
        assert status == 200, status
        seconds.append(took)
        stale.append(json.loads(body).get("facets_stale", False))
        for _ in range(600):  # the recount, up to a minute
            if not json.loads(server.get(path, timeout=120)[1]).get("facets_stale", False):
                break
            time.sleep(0.1)
    return statistics.median(seconds) * 1000, max(seconds) * 1000, sum(stale)


def after_write_rows(url, redis_url, runs):
    import redis

    redis_client = redis.Redis.from_url(redis_url)
    print("\n| whole list, 2 facets, first request after a write | p50 ms | max ms | stale |\n|---|---:|---:|---:|")
    modes = [
        ("no facets: the page and its count (counted again after a write)", "0.5", WHOLE_LIST.split("?")[0]),
        ("served stale, recounted in the background", "0.5", WHOLE_LIST),
        ("recounted in the request", "inf", WHOLE_LIST),
    ]
    for name, slow, path in modes:
        redis_client.flushdb()  # this bench's own database number
        env = {"THROTTLE_ANON": "off", "THROTTLE_EXPENSIVE": "off", "REDIS_URL": redis_url, "SLOW_COUNT_SECONDS": slow}
        with Gunicorn(url, args=["--workers", "2"], **env) as server:
            p50, worst, stale = after_writes(server, redis_client, runs, path)
        print(f"| {name} (SLOW_COUNT_SECONDS={slow}) | {p50:.1f} | {worst:.1f} | {stale} of {runs} |", flush=True)
    redis_client.flushdb()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=data.database_url("postgres", 1_000_000), help="the database to read")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"timed requests per URL (default {RUNS})")
    parser.add_argument(
        "--redis", help="redis://…/<n>: a Redis database of this bench's own (flushed), for the rows after a write"
    )
    parser.add_argument("--writes", type=int, default=8, help="writes for the rows after a write (default 8)")
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
    if options.redis:
        after_write_rows(options.url, options.redis, options.writes)
    print(f"\nload average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
