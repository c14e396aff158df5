"""`make bench`: the mix of bench/mix.py against the API, its floor and (on SQLite) Datasette, with the
count cache on and off, on SQLite and PostgreSQL, at 10k and 1M statements.

For every (backend, size): generate the data once (bench.data), draw the mix's parameters from it
(bench.params), start Datasette on the SQLite file (bench.peer). Then, for each count cache mode
(on: COUNT_CACHE_SECONDS=300, off: 0) and each round, a fresh gunicorn (bench.app_server: no count
survives from the round before) and, per request type: a check that the floor and Datasette answer
what the API does (bench.checks, in the first round only), a short warm-up on URLs of its own, then `duration`
seconds each of the API, the floor and Datasette, one after the other (bench.wrk_driver), each
walking the same list of URLs (never-repeated types: none twice). Rounds are combined, the ratios
API/floor and API/Datasette printed per request type (bench.report); then one full CSV export from
each; the RSS of gunicorn's workers and of Datasette is sampled throughout. Results are printed and
written to bench/results/ (latest.json, latest.md).

    python -m bench.run [--backends sqlite,postgres] [--sizes 10000,1000000] [--duration 10]
                        [--rounds 3] [--cache on,off] [--requests "new search,deep cursor"]
                        [--no-peer] [--no-export]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from . import data, mix, report
from .app_server import SERVING, Server
from .checks import same_as_peer, same_data
from .peer import Datasette
from .wrk_driver import wrk

RESULTS = Path(__file__).resolve().parent / "results"
CACHE_SECONDS = {"on": "300", "off": "0"}
URLS_PER_SECOND = 3000  # never-repeated URLs drawn per second of load: more than any target serves here
CHECKED = 3  # URLs of each type checked before measuring


def load():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def parameters(url):
    env = {**os.environ, "DATABASE_URL": url}
    command = [sys.executable, "-m", "bench.params"]
    return json.loads(
        subprocess.run(command, env=env, cwd=data.PROJECT, capture_output=True, text=True, check=True).stdout
    )


class Targets:
    """The three servers of a round, each asked for a request type's values as its own URLs."""

    def __init__(self, server, peer):
        self.server, self.peer = server, peer

    def paths(self, kind, values):
        found = {"api": [kind.api(v) for v in values], "floor": [kind.floor(v) for v in values]}
        if self.peer and kind.peer:
            found["peer"] = [self.peer.path_of(kind.peer(v)) for v in values]
        return found

    def base(self, target):
        return self.peer.base if target == "peer" else self.server.base

    def get(self, target, path):
        if target == "peer":
            return self.server.get(path, port=self.peer.port)
        return self.server.get(path)

    def check(self, kind, values):
        """What differs between the answers of the API and the others, for the first few values."""
        problems = set()
        for one in values[:CHECKED]:
            paths = {target: found[0] for target, found in self.paths(kind, [one]).items()}
            api = self.get("api", paths["api"])
            problems.add(same_data(api, self.get("floor", paths["floor"])))
            if "peer" in paths:
                problems.add(same_as_peer(api, self.get("peer", paths["peer"]), kind.ordered_by))
        return "; ".join(sorted(filter(None, problems)))

    def measure(self, kind, values, duration):
        """{target: one round's figures} of `duration` seconds each, walking the same values' URLs."""
        return {target: wrk(self.base(target), found, duration) for target, found in self.paths(kind, values).items()}


def warm_and_measured(kind, values):
    """The URLs to check and warm up with, and the URLs to measure: apart for a never-repeated type
    (a quarter of the list for the former), so that no measured URL was asked for before."""
    if kind.repeated:
        return values, values
    warm = len(values) // 4
    return values[:warm], values[warm:]


def bench(backend, size, options):
    data.prepare(backend, size)
    url = data.database_url(backend, size)
    params = parameters(url)
    peer = Datasette(url.removeprefix("sqlite:///")) if backend == "sqlite" and not options.no_peer else None
    kinds = [kind for kind in mix.MIX if not options.requests or kind.name in options.requests]
    count = URLS_PER_SECOND * (options.duration + options.warmup)
    rows, worker_peak, started_load, checks = [], 0, load(), {}
    try:
        for cache in options.cache:
            rounds = {kind.name: {} for kind in kinds}
            for number in range(options.rounds):
                server = Server(url, options.server, COUNT_CACHE_SECONDS=CACHE_SECONDS[cache])
                targets = Targets(server, peer)
                try:
                    for kind in kinds:
                        warm, values = warm_and_measured(kind, mix.draws(kind, params, count, f"{cache}:{number}"))
                        if kind.name not in checks:  # once: the answers do not depend on the cache
                            checks[kind.name] = targets.check(kind, warm)
                        if options.warmup:
                            targets.measure(kind, warm, options.warmup)
                        measured = targets.measure(kind, values, options.duration)
                        for target, figures in measured.items():
                            rounds[kind.name].setdefault(target, []).append(figures)
                finally:
                    server.stop()
                    worker_peak = max(worker_peak, server.peak_mb())
            for kind in kinds:
                rows.append(report.row(kind.name, cache, rounds[kind.name], checks[kind.name], kind.repeated))
                print(report.line(backend, size, rows[-1]), flush=True)
        exports = full_exports(url, peer) if options.export else {}
        worker_peak = max(worker_peak, exports.pop("worker_peak_mb", 0))
    finally:
        if peer:
            peer.stop()
    return {
        "backend": backend,
        "size": size,
        "load": f"{started_load} at the start, {load()} at the end",
        "server": options.server,
        "rows": rows,
        "export": exports,
        "worker_peak_mb": worker_peak,
        "peer_peak_mb": peer.peak_mb() if peer else 0,
        "params": {k: v for k, v in params.items() if k in ("statements", "topic", "country", "search", "speaker")},
    }


def full_exports(url, peer):
    """One unfiltered CSV export of the statements from the API, the floor and Datasette."""
    server = Server(url)
    try:
        found = {
            "api": server.full_export("/api/v1/statements/?format=csv"),
            "floor": server.full_export("/floor/statements/export/"),
        }
        if peer:
            found["peer"] = server.full_export(peer.path_of(f"{mix.PEER}.csv?_stream=on&_sort=slug"), port=peer.port)
    finally:
        server.stop()
    print(f"  full CSV export: {found}", flush=True)
    return {**found, "worker_peak_mb": server.peak_mb()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per target and round (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per count cache mode (default 3)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per target and round (default 2)")
    parser.add_argument("--cache", default="on,off", help="count cache modes: on,off (default both)")
    parser.add_argument("--requests", "--endpoints", help='a comma-separated part of the mix, e.g. "new search,detail"')
    parser.add_argument("--no-peer", action="store_true", help="no Datasette on SQLite")
    parser.add_argument("--no-export", action="store_true", help="skip the full CSV exports")
    parser.add_argument(
        "--server",
        choices=sorted(SERVING),
        default="production",
        help="gunicorn as gunicorn.conf.py serves a deployment (production), or the 4 sync workers of earlier runs",
    )
    options = parser.parse_args()
    options.requests = set(options.requests.split(",")) if options.requests else None
    options.cache, options.export = options.cache.split(","), not options.no_export
    if unknown := (options.requests or set()) - set(mix.BY_NAME):
        raise SystemExit(f"not in the mix: {', '.join(sorted(unknown))} (it has: {', '.join(mix.BY_NAME)})")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: `apt-get install wrk` (make bench does it).")
    RESULTS.mkdir(exist_ok=True)
    runs = []
    for backend in options.backends.split(","):
        for size in map(int, options.sizes.split(",")):
            runs.append(bench(backend, size, options))
            (RESULTS / "latest.json").write_text(json.dumps(runs, indent=1))
            (RESULTS / "latest.md").write_text(report.markdown(runs))
    print()
    print(report.markdown(runs))


if __name__ == "__main__":
    main()
