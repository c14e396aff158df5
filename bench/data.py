"""Bench databases: one per (backend, size), generated once with a fixed seed and reused.

A marker file beside the SQLite files records what a database holds (size, seed, latest
migration); a database whose marker does not match is generated again.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
PROJECT = ROOT.parent
DATA = ROOT / "results" / "data"
SEED = 1
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def database_url(backend, size):
    if backend == "sqlite":
        return f"sqlite:///{DATA / f'sqlite-{size}.sqlite3'}"
    return f"{POSTGRES}/bench_{size}"


def latest_migration():
    return sorted(path.stem for path in (PROJECT / "policy" / "migrations").glob("0*.py"))[-1]


def psql(sql, database="postgres"):
    subprocess.run(["psql", f"{POSTGRES}/{database}", "-qc", sql], check=True, stdout=subprocess.DEVNULL)


def ensure_postgres():
    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"]).returncode == 0:
        return
    version = sorted(os.listdir("/etc/postgresql"))[0]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=True)
    for _ in range(30):
        if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"]).returncode == 0:
            return
        time.sleep(1)
    raise SystemExit("PostgreSQL did not start on 127.0.0.1:5432.")


def manage(url, *args):
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "policy.settings"}
    subprocess.run([sys.executable, str(PROJECT / "manage.py"), *args], check=True, env=env, cwd=PROJECT)


def prepare(backend, size):
    """Make sure the database for (backend, size) exists and holds what the marker says."""
    DATA.mkdir(parents=True, exist_ok=True)
    marker = DATA / f"{backend}-{size}.json"
    expected = {"statements": size, "seed": SEED, "migration": latest_migration()}
    if backend == "postgres":
        ensure_postgres()
    if marker.exists() and expected.items() <= json.loads(marker.read_text()).items():
        return
    url = database_url(backend, size)
    print(f"== generating {size:,} statements on {backend} ==", file=sys.stderr, flush=True)
    started = time.monotonic()
    if backend == "sqlite":
        (DATA / f"sqlite-{size}.sqlite3").unlink(missing_ok=True)
    else:
        psql(f"DROP DATABASE IF EXISTS bench_{size}")
        psql(f"CREATE DATABASE bench_{size}")
    manage(url, "migrate", "--noinput", "-v0")
    manage(url, "generate_synthetic", "--statements", str(size), "--seed", str(SEED))
    if backend == "postgres":
        psql("VACUUM ANALYZE", f"bench_{size}")  # visibility map for index-only scans
    marker.write_text(json.dumps({**expected, "generated_in_seconds": round(time.monotonic() - started)}))


if __name__ == "__main__":
    for backend in sys.argv[1].split(","):
        for size in sys.argv[2].split(","):
            prepare(backend, int(size))
