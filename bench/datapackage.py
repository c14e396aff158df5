"""The data package's full export at scale (issue #17, item 3): `export_datapackage` into a zip, timed,
with the peak memory of the process that writes it, and the zip's size and rows.

Point DATABASE_URL at a generated database (a copy: the export only reads, but keep the bench's own
untouched), migrated to this checkout:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_copy python -m bench.datapackage
    DATABASE_URL=sqlite:////tmp/sqlite-copy.sqlite3 python -m bench.datapackage --include-reserved-texts
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--include-reserved-texts", action="store_true", help="the editors' package")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "datapackage.zip"
        command = [sys.executable, "manage.py", "export_datapackage", str(target)]
        if args.include_reserved_texts:
            command.append("--include-reserved-texts")
        started = time.monotonic()
        subprocess.run(command, cwd=PROJECT, check=True, env=os.environ, stdout=subprocess.DEVNULL)
        seconds = time.monotonic() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
        with zipfile.ZipFile(target) as package:
            rows = {info.filename: info.file_size for info in package.infolist()}
        database = os.environ.get("DATABASE_URL", "sqlite (default)").rsplit("/", 1)[-1]
        print(f"database {database}: {seconds:.1f} s, peak memory {peak:.0f} MB")
        csv_size = sum(rows.values()) / 2**20
        print(f"zip {target.stat().st_size / 2**20:.0f} MiB; {len(rows)} files, {csv_size:.0f} MiB of CSV")
        cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(
            f"the export's own CPU time {cpu.ru_utime + cpu.ru_stime:.0f} s (the rest is the database's, and waiting)"
        )


if __name__ == "__main__":
    main()
