"""In-process timings of the paths issue #12 moved below the API (policy/querying/): the web list,
the timeline page and the API's list and timeline, through Django's test client (no server, no
network), so two checkouts can be compared on the same database copy.

    DATABASE_URL=sqlite:////path/copy.sqlite3 .venv/bin/python path/to/bench/moved_paths.py [rounds]

run from the root of the checkout to time (its `policy` is the one imported).

Prints the median milliseconds of each request over `rounds` (default 30) after one warm-up, of
wall time and of this process's CPU time (SQLite runs in the process: on a loaded machine the CPU
time is the steadier figure), counts cached as in production (later requests reuse the count).
"""

import os
import statistics
import sys
import time

import django

sys.path.insert(0, os.getcwd())  # the checkout to time, not necessarily this file's
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policy.settings")
django.setup()

from django.test import Client  # noqa: E402

from policy.models import Topic  # noqa: E402

TOPIC = Topic.objects.order_by("pk").values_list("slug", flat=True).first()
REQUESTS = {
    "web list": "/statements/",
    "web list, filtered, page 3": f"/statements/?topic={TOPIC}&ordering=-said_on&page=3",
    "timeline page": "/timeline/",
    "timeline page, one month": "/timeline/?date_after=2015-03-01&date_before=2015-03-31",
    "API list": "/api/v1/statements/",
    "API list, filtered, page 3": f"/api/v1/statements/?topic={TOPIC}&ordering=-said_on&page=3",
    "API list, cursor": "/api/v1/statements/?ordering=-said_on&cursor=",
    "API timeline": "/api/v1/timeline/?date_after=2015-03-01&date_before=2015-03-31",
}


def timed(client, url):
    """(wall, CPU) milliseconds of one request."""
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(url, HTTP_ACCEPT="text/html" if not url.startswith("/api/") else "application/json")
    elapsed = ((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return elapsed


def main(rounds):
    client = Client()
    for name, url in REQUESTS.items():
        timed(client, url)  # warm-up: compiled plans, counts
        wall, cpu = zip(*(timed(client, url) for _ in range(rounds)), strict=True)
        print(f"{name:32} wall {statistics.median(wall):8.2f} ms   CPU {statistics.median(cpu):8.2f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
