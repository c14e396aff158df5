"""Writing the package: `datapackage.json` and one CSV per table (policy.datapackage.describe), into a
directory or a zip, streamed a chunk of rows at a time so memory stays flat at any size.

Same data, same bytes: rows in key order, link rows in (record key, linked key) order, cells written
one way only, zip entries with fixed timestamps and permissions, and no moment of export anywhere.
"""

import contextlib
import csv
import io
import itertools
import json
import os
import shutil
import zipfile
from pathlib import Path

from django.db import connections, router, transaction
from django.db.models import Case, F, TextField, Value, When

from ..licensing import PUBLIC_TEXT
from ..models import Source
from .cells import cell, expression, python_cells
from .describe import tables
from .descriptor import descriptor
from .postgres_copy import CellText, copy_rows

CHUNK = 2000
SORT_MEMORY = "256MB"  # the statements, sorted by slug, take about 450 MB on disk in three parallel sorts
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: a file's bytes never depend on when it was written


def lookups(table, public):
    """What `.values_list()` reads for each column: in the public package, a source's text only where
    its licence lets anyone read it (the database sends nothing else)."""
    result = [column.lookup for column in table.columns]
    if public and table.model is Source:
        public_text = When(text_license__in=sorted(PUBLIC_TEXT), then=F("text"))
        shown = Case(public_text, default=Value(""), output_field=TextField())
        result[[c.name for c in table.columns].index("text")] = shown
    return result


def ordering(table):
    """Records in key order; links in (record key, linked record key) order."""
    if table.owner is None:
        return table.order
    return [column.lookup for column in table.columns]


def cells(table, public, vendor):
    """What to read for the table's CSV cells: the database formats what it can say exactly (cells.py);
    and the positions of the columns Python converts."""
    kinds = [column.schema["type"] for column in table.columns]
    read = [expression(lookup, kind, vendor) for lookup, kind in zip(lookups(table, public), kinds, strict=True)]
    return read, python_cells(kinds, vendor)


def write_rows(table, public, using, out):
    """The table's CSV into the binary file `out`, header first; the rows written. PostgreSQL sends the
    CSV itself (postgres_copy); elsewhere csv.writer writes the rows a chunk at a time."""
    vendor = connections[using].vendor
    read, converted = cells(table, public, vendor)
    ordered = table.model.objects.using(using).order_by(*ordering(table))
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow([column.name for column in table.columns])
    if vendor == "postgresql":
        text.detach()
        return copy_rows(ordered.values_list(*map(CellText, read)), out, using)
    written = ordered.values_list(*read).iterator(chunk_size=CHUNK)
    count = 0
    while chunk := list(itertools.islice(written, CHUNK)):
        if converted:
            chunk = [[cell(v) if i in converted else v for i, v in enumerate(row)] for row in chunk]
        writer.writerows(chunk)
        count += len(chunk)
    text.detach()
    return count


@contextlib.contextmanager
def snapshot(using):
    """On PostgreSQL, every table read from one snapshot (a read-only REPEATABLE READ transaction), so a
    write committed during an export cannot leave a row pointing to a record the package lacks. SQLite
    takes its write lock at BEGIN (settings), which would hold every writer for the export: there the
    tables are read one after the other."""
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        # A table is sorted by key once per export: in memory, not in temporary files (on the database server).
        cursor.execute(f"SET LOCAL work_mem = '{SORT_MEMORY}'")
        yield


class Directory:
    def __init__(self, path):
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)

    def open(self, name):
        return open(self.path / name, "wb")

    def close(self):
        pass


class Zip:
    def __init__(self, path_or_file):
        self.zip = zipfile.ZipFile(path_or_file, "w", compression=zipfile.ZIP_DEFLATED)

    def open(self, name):
        info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.create_system = 3  # Unix, wherever it is written
        info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
        return self.zip.open(info, "w", force_zip64=True)

    def close(self):
        self.zip.close()


def write_package(target, public=True):
    """Write the package into `target` (Directory or Zip); {table name: rows written}."""
    using = router.db_for_read(Source)  # one database for every table (a replica, where reads go to one)
    with snapshot(using):
        return write_tables(target, public, using)


def write_whole(target, public=True):
    """Write the package at `target` (a directory, or a path ending in .zip) whole or not at all: into a
    partial file or directory beside it, moved into place once complete. A failure half-way leaves
    nothing at `target`, or the package that was there as it was; {table name: rows written}."""
    target = Path(target)
    zipped = target.name.endswith(".zip")
    if not zipped:
        target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.parent / f".{target.name}.{os.getpid()}.partial"  # same file system: renamed, not copied
    try:
        if zipped:
            counts = write_package(Zip(partial), public)
            os.replace(partial, target)
            return counts
        shutil.rmtree(partial, ignore_errors=True)  # left by a killed export of the same process id
        counts = write_package(Directory(partial), public)
        if not target.exists():
            partial.rename(target)
        for written in sorted(partial.iterdir()) if partial.exists() else ():
            os.replace(written, target / written.name)  # into an existing directory: each file whole
        return counts
    finally:
        if partial.is_dir():
            shutil.rmtree(partial, ignore_errors=True)
        else:
            partial.unlink(missing_ok=True)


def write_tables(target, public, using):
    described = tables()
    counts = {}
    with target.open("datapackage.json") as out:
        out.write((json.dumps(descriptor(described, public, using), indent=2, ensure_ascii=False) + "\n").encode())
    for table in described:
        with target.open(table.path) as out:
            counts[table.name] = write_rows(table, public, using, out)
    target.close()
    return counts
