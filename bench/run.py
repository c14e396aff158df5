"""`make bench`: each endpoint of a fixed mix against its floor, on SQLite and PostgreSQL, at 10k and 1M statements.

For every (backend, size): generate the data once (bench.data), serve the app with gunicorn on
127.0.0.1 in production mode (DEBUG off), check that API and floor answer the same data, then
drive each with wrk — same connections, same duration, one after the other — and print
requests/s, p50 and p99 side by side with the ratio API/floor. Then time a CSV export of the
whole statements table from each. The RSS of every gunicorn worker is sampled throughout.
Results are printed and written to bench/results/ (latest.json, latest.md).

    python -m bench.run [--backends sqlite,postgres] [--sizes 10000,1000000] [--duration 10]
                        [--endpoints "search,detail"] [--no-export]
"""

import argparse
import csv
import http.client
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from . import data
from .serve import free_port, production_env

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"
WORKERS = 4
CONNECTIONS = 2  # one request in flight per core: latency close to service time, throughput near saturation
THREADS = 1

LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def server_env(url):
    return production_env(
        url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        THROTTLE_ANON="off",
        THROTTLE_USER="off",
        THROTTLE_EXPENSIVE="off",
        EXPORTS_PER_CLIENT="0",  # every request comes from one address: wrk's
        LOG_LEVEL="ERROR",
    )


PORT = free_port()


SYNC = ["--worker-class", "sync", "--threads", "1"]


class Server:
    """gunicorn on 127.0.0.1:PORT, and a thread sampling its workers' RSS."""

    def __init__(self, url):
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        bind = f"127.0.0.1:{PORT}"
        self.process = subprocess.Popen(
            # Sync workers, one thread, as the figures below were measured (gunicorn.conf.py, which
            # gunicorn reads from this directory, would make them threads).
            [gunicorn, "policy.wsgi", "--bind", bind, "--workers", str(WORKERS), "--timeout", "600", *SYNC],
            env=server_env(url),
            cwd=data.PROJECT,
        )
        self.peak = {}  # worker pid -> max RSS in kB
        self.running = True
        for _ in range(150):
            if self.process.poll() is not None:
                raise SystemExit("gunicorn exited")
            try:
                if get("/floor/timeline/")[0] == 200:  # only this bench's server answers /floor/
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not start")
        self.sampler = threading.Thread(target=self.sample, daemon=True)
        self.sampler.start()

    def workers(self):
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            if parent == self.process.pid:
                found.append(int(stat.parent.name))
        return found

    def sample(self):
        while self.running:
            for pid in self.workers():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                rss = int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1])
                self.peak[pid] = max(self.peak.get(pid, 0), rss)
            time.sleep(0.2)

    def peak_mb(self):
        return max(self.peak.values(), default=0) / 1024

    def stop(self):
        self.running = False
        self.process.terminate()
        self.process.wait(timeout=30)


def get(path, timeout=600):
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


def mix(params):
    """(name, API paths, floor paths) of the fixed mix."""
    filtered = f"topic={params['topic']}&country={params['country']}&date_after={params['date_after']}"
    details, search = params["details"], f"search={params['search']}"
    by_speaker = f"speaker={params['speaker']}&date_after=2010-01-01&ordering=-said_on"
    return [
        ("list page", ["/api/v1/statements/"], ["/floor/statements/"]),
        ("filtered list", [f"/api/v1/statements/?{filtered}"], [f"/floor/statements/filtered/?{filtered}"]),
        ("speaker's list", [f"/api/v1/statements/?{by_speaker}"], [f"/floor/statements/by-speaker/?{by_speaker}"]),
        ("search", [f"/api/v1/statements/?{search}"], [f"/floor/statements/search/?{search}"]),
        ("detail", [f"/api/v1/statements/{slug}/" for slug in details], [f"/floor/statements/{s}/" for s in details]),
        ("timeline", ["/api/v1/timeline/"], ["/floor/timeline/"]),
        (
            "CSV export",
            [f"/api/v1/statements/?format=csv&speaker={params['speaker']}"],
            [f"/floor/statements/export/?speaker={params['speaker']}"],
        ),
    ]  # fmt: skip


def same_data(api_path, floor_path):
    """Does the floor answer what the API does? (count and results; CSV rows)"""
    (status, api), (floor_status, floor) = get(api_path), get(floor_path)
    if status != 200 or floor_status != 200:
        return f"status {status} / {floor_status}"
    if api.startswith(b"{") and floor.startswith(b"{"):
        api, floor = json.loads(api), json.loads(floor)
        if "results" in api:
            api, floor = (api["count"], api["results"]), (floor["count"], floor["results"])
        return "" if api == floor else "different JSON"
    api_rows, floor_rows = (list(csv.reader(io.StringIO(body.decode()))) for body in (api, floor))
    return "" if api_rows == floor_rows else f"different CSV ({len(api_rows)} vs {len(floor_rows)} rows)"


def script(paths):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(LUA % ", ".join(json.dumps(path) for path in paths))
    return file.name


def wrk(paths, duration):
    """Requests/s and latency percentiles (ms) for `duration` seconds of load cycling over `paths`."""
    name = script(paths)
    try:
        out = subprocess.run(
            ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{duration}s", "--timeout", "30s",
             "-s", name, f"http://127.0.0.1:{PORT}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(name)
    line = next(line for line in out.splitlines() if line.startswith("RESULT"))
    requests, micros, p50, p99, errors, non2xx = map(int, line.split()[1:])
    return {"rps": requests / (micros / 1e6), "p50": p50 / 1000, "p99": p99 / 1000, "requests": requests,
            "errors": errors + non2xx}  # fmt: skip


def full_export(path):
    """Seconds and rows for one unfiltered CSV export, read as it streams."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=3600)
    connection.request("GET", path)
    response = connection.getresponse()
    lines = 0
    while chunk := response.read(1 << 20):
        lines += chunk.count(b"\n")
    connection.close()
    return {"seconds": time.monotonic() - started, "rows": lines - 1, "status": response.status}


def bench(backend, size, duration, endpoints=None, export=True):
    data.prepare(backend, size)
    url = data.database_url(backend, size)
    env = {**os.environ, "DATABASE_URL": url}
    params = json.loads(subprocess.run([sys.executable, "-m", "bench.params"], env=env, cwd=data.PROJECT,
                                       capture_output=True, text=True, check=True).stdout)  # fmt: skip
    server = Server(url)
    rows = []
    try:
        for name, api_paths, floor_paths in mix(params):
            if endpoints and name not in endpoints:
                continue
            check = same_data(api_paths[0], floor_paths[0])
            wrk(api_paths, 2), wrk(floor_paths, 2)  # warm-up: connections, plans, caches, buffers
            api, floor = wrk(api_paths, duration), wrk(floor_paths, duration)
            rows.append(
                {"backend": backend, "size": size, "endpoint": name, "api": api, "floor": floor, "check": check}
            )
            print_row(rows[-1])
        exports = {
            "api": full_export("/api/v1/statements/?format=csv") if export else None,
            "floor": full_export("/floor/statements/export/") if export else None,
        }
    finally:
        server.stop()
    return {"backend": backend, "size": size, "rows": rows, "export": exports, "worker_peak_mb": server.peak_mb(),
            "params": {k: v for k, v in params.items() if k != "details"}}  # fmt: skip


def print_row(row):
    api, floor = row["api"], row["floor"]
    print(
        f"{row['backend']:9} {row['size']:>9,} {row['endpoint']:14} "
        f"API {api['p50']:7.1f} / {api['p99']:7.1f} ms {api['rps']:7.1f}/s | "
        f"floor {floor['p50']:7.1f} / {floor['p99']:7.1f} ms {floor['rps']:7.1f}/s | "
        f"p50 ×{api['p50'] / floor['p50']:.2f}  req/s ×{api['rps'] / floor['rps']:.2f}"
        + (f"  ERRORS {api['errors']}/{floor['errors']}" if api["errors"] or floor["errors"] else "")
        + (f"  MISMATCH: {row['check']}" if row["check"] else ""),
        flush=True,
    )


def markdown(runs):
    lines = [
        "| backend | statements | endpoint | API p50 / p99 (ms) | API req/s | floor p50 / p99 (ms) | floor req/s "
        "| p50 API/floor | req/s API/floor |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        for row in run["rows"]:
            api, floor = row["api"], row["floor"]
            lines.append(
                f"| {row['backend']} | {row['size']:,} | {row['endpoint']} | {api['p50']:.1f} / {api['p99']:.1f} "
                f"| {api['rps']:.0f} | {floor['p50']:.1f} / {floor['p99']:.1f} | {floor['rps']:.0f} "
                f"| {api['p50'] / floor['p50']:.2f} | {api['rps'] / floor['rps']:.2f} |"
            )
    lines += [
        "",
        "| backend | statements | full CSV export: API | floor | worker RSS peak |",
        "|---|---:|---:|---:|---:|",
    ]
    for run in runs:
        api, floor = run["export"]["api"], run["export"]["floor"]
        if api is None:
            continue
        lines.append(
            f"| {run['backend']} | {run['size']:,} | {api['rows']:,} rows in {api['seconds']:.1f} s "
            f"| {floor['rows']:,} rows in {floor['seconds']:.1f} s | {run['worker_peak_mb']:.0f} MB |"
        )
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per endpoint (default 10)")
    parser.add_argument("--endpoints", help='a comma-separated part of the mix, e.g. "search,speaker\'s list"')
    parser.add_argument("--no-export", action="store_true", help="skip the full CSV exports")
    options = parser.parse_args()
    endpoints = set(options.endpoints.split(",")) if options.endpoints else None
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: `apt-get install wrk` (make bench does it).")
    RESULTS.mkdir(exist_ok=True)
    runs = []
    for backend in options.backends.split(","):
        for size in map(int, options.sizes.split(",")):
            runs.append(bench(backend, size, options.duration, endpoints, export=not options.no_export))
            run = runs[-1]
            print(f"  full CSV export: API {run['export']['api']}, floor {run['export']['floor']}; "
                  f"worker RSS peak {run['worker_peak_mb']:.0f} MB", flush=True)  # fmt: skip
    (RESULTS / "latest.json").write_text(json.dumps(runs, indent=1))
    (RESULTS / "latest.md").write_text(markdown(runs))
    print()
    print(markdown(runs))


if __name__ == "__main__":
    main()
