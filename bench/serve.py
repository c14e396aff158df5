"""A gunicorn of this project (or of another checkout, for "before" figures) on 127.0.0.1, for
bench/stall.py and bench/expensive.py: production settings, a free port, stopped on exit."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from . import data


def production_env(url, **overrides):
    """The environment of a production server of this project on 127.0.0.1, over the database at `url`."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "policy.settings",
        "DJANGO_ENV": "production",
        "DEBUG": "0",
        "SECRET_KEY": "bench",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "LOG_LEVEL": "CRITICAL",
        **overrides,
    }


def stop_process(process):
    """Terminate `process` and wait for it; killed if it has not exited within 30 s."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    def __init__(self, url, project=data.PROJECT, args=(), python=sys.executable, **env):
        self.port = free_port()
        gunicorn = str(Path(python).with_name("gunicorn"))
        environment = production_env(url, **env)
        command = [gunicorn, "policy.wsgi", "--bind", f"127.0.0.1:{self.port}", *args]
        self.process = subprocess.Popen(command, env=environment, cwd=project, stderr=subprocess.DEVNULL)
        for _ in range(150):
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited: {' '.join(command)}")
            try:
                if self.get("/api/v1/", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn did not answer within 30 s")

    def get(self, path, timeout=30, source="127.0.0.1"):
        """(status, body, seconds) of one GET; `source` is the client's loopback address."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout, source_address=(source, 0))
        started = time.perf_counter()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            return response.status, body, time.perf_counter() - started
        finally:
            connection.close()

    def stop(self):
        stop_process(self.process)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
