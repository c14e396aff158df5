"""`make bench-memory`: what one gunicorn worker holds, at rest, after ordinary reads, during a full
CSV export and after the OpenAPI schema (issue #18: under 80 MB through a run, exports included).

One worker with gunicorn.conf.py's threads, production settings, over a bench database (default:
SQLite, 1M statements), run twice: from a production install (requirements.txt only, in a
virtualenv of its own: bench/production.py) and from the development .venv (requirements-dev.txt
too: test tools that DRF imports whenever they are installed). The worker's RSS (what `ps` shows and
the issue counts) and USS (its private pages: what it costs beside the master and the other
workers) are read from /proc after each phase; during the export, every 50 ms.

    python -m bench.memory [--backend sqlite|postgres] [--size 1000000] [--no-export]
                           [--installs production,development]
"""

import argparse
import http.client
import subprocess
import sys
import threading
import time
from pathlib import Path

from . import data
from .production import production_python
from .serve import Gunicorn, production_env

STATIC_ROOT = data.ROOT / "results" / "static"  # the pages need collectstatic's manifest in production
EXPORT = "/api/v1/statements/?format=csv"
ORDINARY_READS = [
    "/api/v1/",
    "/api/v1/statements/",
    "/api/v1/statements/?ordering=-said_on&page_size=100",
    "/api/v1/statements/?search=border",
    "/api/v1/actors/",
    "/api/v1/policies/",
    "/api/v1/timeline/?date_after=2021-01-01&date_before=2021-03-31",
    "/api/v1/changes/",
    "/api/v1/search/?q=migrants",
    "/statements/",
    "/timeline/",
    "/search/?q=migrants",
]


def memory_of(pid):
    """(RSS, USS) of a process in MB, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))
    private = sum(int(line.split()[1]) for line in rollup if line.startswith(("Private_Clean", "Private_Dirty")))
    return rss / 1024, private / 1024


def worker_pid(server):
    return int(Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read_text().split()[0])


def read(server, path):
    status, body, _ = server.get(path, timeout=900)
    if status != 200:
        raise SystemExit(f"{path}: {status} {body[:300]!r}")


def export_peak(server, pid):
    """Seconds and peak (RSS, USS) of streaming the whole statements list as CSV."""
    peak, done = [0.0, 0.0], threading.Event()

    def sample():
        while not done.is_set():
            peak[:] = map(max, peak, memory_of(pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=3600)
        connection.request("GET", EXPORT)
        response = connection.getresponse()
        while response.read(1 << 16):
            pass
        if response.status != 200:
            raise SystemExit(f"{EXPORT}: {response.status}")
        return time.perf_counter() - started, peak
    finally:
        done.set()
        sampler.join()


def phases(python, url, export):
    """[(phase, RSS, USS)] of one worker of the install whose interpreter is `python`."""
    environment = production_env(url, STATIC_ROOT=str(STATIC_ROOT))
    collect = [str(python), "manage.py", "collectstatic", "--noinput", "-v0"]
    subprocess.run(collect, check=True, env=environment, cwd=data.PROJECT)
    overrides = {"STATIC_ROOT": str(STATIC_ROOT), "EXPORTS_PER_CLIENT": "0"}
    overrides |= {"THROTTLE_ANON": "off", "THROTTLE_EXPENSIVE": "off"}
    with Gunicorn(url, args=["--workers", "1", "--timeout", "3600"], python=python, **overrides) as server:
        pid, seen = worker_pid(server), []
        seen.append(("after its first request", *memory_of(pid)))
        for path in ORDINARY_READS:
            read(server, path)
        seen.append((f"after {len(ORDINARY_READS)} kinds of reads", *memory_of(pid)))
        if export:
            seconds, peak = export_peak(server, pid)
            seen.append((f"peak during a full CSV export ({seconds:.0f} s)", *peak))
        read(server, "/api/v1/schema/")
        read(server, "/api/v1/schema/?format=json")
        seen.append(("after the OpenAPI schema, YAML and JSON", *memory_of(pid)))
    return seen


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="sqlite", choices=("sqlite", "postgres"))
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--no-export", action="store_true")
    parser.add_argument("--installs", default="production,development")
    args = parser.parse_args()
    data.prepare(args.backend, args.size)
    url = data.database_url(args.backend, args.size)
    pythons = {"production": production_python(), "development": Path(sys.executable)}
    runs = {name: phases(pythons[name], url, not args.no_export) for name in args.installs.split(",")}
    print(f"\none gunicorn worker, {args.backend}, {args.size:,} statements: RSS / USS in MB")
    print(f"| phase | {' | '.join(runs)} |\n|---|{'---|' * len(runs)}")
    for row in zip(*runs.values(), strict=True):
        cells = " | ".join(f"{rss:.1f} / {uss:.1f}" for _, rss, uss in row)
        print(f"| {row[0][0]} | {cells} |")


if __name__ == "__main__":
    main()
