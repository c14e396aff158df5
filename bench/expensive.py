"""The expensive anonymous reads of issue #11, item 13, timed against gunicorn on PostgreSQL.

Each request three times, anonymously: status and median milliseconds. Then a burst of 80
different searches from one address, to show THROTTLE_EXPENSIVE (production's default,
30/minute, counted per worker with the local-memory cache: 2 workers here, so about 60 pass).
Bounded: about 100 requests to 127.0.0.1. The database is the bench's, generated once
(bench/data.py; 300,000 statements by default: about 2 minutes).

    python -m bench.expensive                                # this checkout
    python -m bench.expensive --project /tmp/before          # another checkout, for "before"
"""

import argparse
import random
import statistics
import string

from . import data
from .serve import Gunicorn

SIZE = 300_000


def long_search():
    """200 random letters: a search no cache has seen."""
    return "".join(random.choices(string.ascii_lowercase, k=200))


REQUESTS = [
    ("timeline, page 250 of 1,000", lambda: "/api/v1/timeline/?page=250&page_size=1000"),
    ("timeline, page 2,000", lambda: "/api/v1/timeline/?page=2000"),
    ("statements, page 5,000", lambda: "/api/v1/statements/?page=5000"),
    ("statements, search=on", lambda: "/api/v1/statements/?search=on"),
    ("statements, a new 200-character search", lambda: f"/api/v1/statements/?search={long_search()}"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", default=str(data.PROJECT), help="the checkout to serve (default: this one)")
    parser.add_argument("--size", type=int, default=SIZE, help=f"statements (default {SIZE:,})")
    options = parser.parse_args()
    data.prepare("postgres", options.size)
    url = data.database_url("postgres", options.size)
    with Gunicorn(url, project=options.project, args=["--workers", "2"], THROTTLE_ANON="off") as server:
        server.get("/api/v1/statements/")  # the unfiltered count, cached as it would be in service
        print("| request | status | median ms (3 runs) |\n|---|---:|---:|")
        for name, path in REQUESTS:
            runs = [server.get(path()) for _ in range(3)]
            statuses = "/".join(sorted({str(status) for status, _, _ in runs}))
            print(f"| {name} | {statuses} | {statistics.median(s for _, _, s in runs) * 1000:.0f} |", flush=True)
        burst = [server.get(f"/api/v1/statements/?search={random.choice(['border', 'wall', 'aid'])}x{n}")[0]
                 for n in range(80)]  # fmt: skip
        print(f"80 searches in a row from one address: {burst.count(200)} answered, {burst.count(429)} refused (429)")


if __name__ == "__main__":
    main()
