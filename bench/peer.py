"""Datasette as the bench's peer on SQLite: the same file served read-only by another project, in
a virtualenv of its own (bench/results/datasette-venv, made on first use; never a dependency of
this project), with `_search` reading the project's own FTS5 table (migration 0005: a trigram index
of the statements' folded text, `policy_statement_fts`, its rowid the statement's id)."""

import json
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from .app_server import rss_kb
from .serve import free_port, stop_process

RESULTS = Path(__file__).resolve().parent / "results"
VENV = RESULTS / "datasette-venv"
VERSION = "0.65.5"
SETTINGS = {
    "suggest_facets": "off",  # no facets asked for, none suggested: a page and its count, as the API's
    "default_page_size": "50",  # the API's page
    "sql_time_limit_ms": "60000",  # every count finishes, as the API's do (the default gives up after 1 s)
    "max_csv_mb": "0",  # a full CSV export is whole (the default cuts it at 100 MB: 300,000 statements)
}


def metadata(database):
    """Datasette's metadata for the bench's file named `database` (its stem)."""
    return {
        "databases": {
            database: {
                "tables": {
                    "policy_statement": {"fts_table": "policy_statement_fts", "fts_pk": "id"},
                }
            }
        }
    }


def datasette():
    """The path of Datasette's command, installed into its own virtualenv the first time."""
    command = VENV / "bin" / "datasette"
    if not command.exists():
        print(f"== installing datasette=={VERSION} into {VENV} ==", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        pip = [str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, f"datasette=={VERSION}"], check=True)
    return command


class Datasette:
    """`datasette serve -i <file>` on 127.0.0.1 (a free port), and a sampler of its memory (RSS)."""

    def __init__(self, path):
        self.path, self.database = Path(path), Path(path).stem
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.metadata = RESULTS / "datasette-metadata.json"
        self.metadata.write_text(json.dumps(metadata(self.database), indent=1))
        settings = [part for name, value in SETTINGS.items() for part in ("--setting", name, value)]
        self.process = subprocess.Popen(
            [str(datasette()), "serve", "-i", str(self.path), "--host", "127.0.0.1", "--port", str(self.port),
             "--metadata", str(self.metadata), *settings],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.peak_kb, self.running = 0, True
        threading.Thread(target=self.sample, daemon=True).start()
        for _ in range(300):
            if self.process.poll() is not None:
                raise SystemExit("datasette exited")
            try:
                with urllib.request.urlopen(f"{self.base}/-/versions.json", timeout=5):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("datasette did not answer within 60 s")

    def path_of(self, suffix):
        """A URL path of this server from a request type's peer path (bench/mix.py)."""
        return f"/{self.database}/{suffix}"

    def sample(self):
        while self.running:
            self.peak_kb = max(self.peak_kb, rss_kb(self.process.pid))
            time.sleep(0.2)

    def peak_mb(self):
        return self.peak_kb / 1024

    def stop(self):
        self.running = False
        stop_process(self.process)
