"""The app under `make bench`: gunicorn on 127.0.0.1 in production mode (DEBUG off, throttling off)
with the floor's URLs (bench.settings), and a thread sampling the memory (RSS) of its workers and
of any other process handed to it (Datasette)."""

import http.client
import subprocess
import threading
import time
from pathlib import Path

from . import data
from .production import production_python
from .serve import free_port, production_env, stop_process

WORKERS = 4
# Sync workers, one thread, as the figures in bench/README.md were measured (gunicorn.conf.py, which
# gunicorn reads from the project's directory, would make them threads).
SYNC = ["--worker-class", "sync", "--threads", "1"]
# How gunicorn serves the API and the floor (`python -m bench.run --server`). "sync": the figures of bench/README.md.
# "production": as a deployment does, from gunicorn.conf.py (which gunicorn reads from the project's
# directory): threaded workers, 2 × cores + 1 of them, that keep a client's connection open between
# requests, as Datasette's own server does; a sync worker closes it after every answer.
SERVING = {"sync": ["--workers", str(WORKERS), *SYNC], "production": []}


def server_env(url, **overrides):
    return production_env(
        url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        THROTTLE_ANON="off",
        THROTTLE_USER="off",
        THROTTLE_EXPENSIVE="off",
        EXPORTS_PER_CLIENT="0",  # every request comes from one address: wrk's
        LOG_LEVEL="ERROR",
        PYTHONWARNINGS="ignore:No directory at",  # WhiteNoise, in a checkout without collectstatic
        **overrides,
    )


def rss_kb(pid):
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return int(next((line for line in status.splitlines() if line.startswith("VmRSS")), "VmRSS: 0").split()[1])


class Server:
    """gunicorn on 127.0.0.1 (a free port), `env` added to its environment (COUNT_CACHE_SECONDS)."""

    def __init__(self, url, serving="sync", **env):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        # What a production install runs: requirements.txt alone, without the tools the tests add
        # (bench/production.py; they cost every worker 10 MB, bench/memory.py).
        gunicorn = str(production_python().with_name("gunicorn"))
        self.process = subprocess.Popen(
            [gunicorn, "policy.wsgi", "--bind", f"127.0.0.1:{self.port}", *SERVING[serving],
             "--timeout", "3600", "--log-level", "warning"],  # a full export on a busy machine: minutes
            env=server_env(url, **env),
            cwd=data.PROJECT,
        )  # fmt: skip
        self.peak = {}  # worker pid -> max RSS in kB
        self.running = True
        for _ in range(300):
            if self.process.poll() is not None:
                raise SystemExit("gunicorn exited")
            try:
                if self.get("/floor/timeline/")[0] == 200:  # only this bench's server answers /floor/
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            self.stop()
            raise SystemExit("gunicorn did not start")
        threading.Thread(target=self.sample, daemon=True).start()

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
                self.peak[pid] = max(self.peak.get(pid, 0), rss_kb(pid))
            time.sleep(0.2)

    def peak_mb(self):
        return max(self.peak.values(), default=0) / 1024

    def get(self, path, timeout=600, port=None):
        """(status, body) of one GET, from this server or from another one's `port` on 127.0.0.1."""
        connection = http.client.HTTPConnection("127.0.0.1", port or self.port, timeout=timeout)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def full_export(self, path, port=None):
        """Seconds and rows for one unfiltered CSV export, read as it streams; an export cut short says so
        rather than losing the run's figures."""
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", port or self.port, timeout=3600)
        lines, error = 0, None
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            while chunk := response.read(1 << 20):
                lines += chunk.count(b"\n")
        except (OSError, http.client.HTTPException) as problem:
            error = f"cut short: {problem!r}"
        finally:
            connection.close()
        return {"seconds": time.monotonic() - started, "rows": lines - 1, "error": error}

    def stop(self):
        self.running = False
        stop_process(self.process)
