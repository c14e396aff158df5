"""Loading a package (a directory or a zip written by policy.datapackage.write) into an empty database:
every table in dependency order, related records found by key, all or nothing.

Rows are inserted in batches (`bulk_create`), so no history is written (the package holds none) and
the values are kept as the package has them: timestamps, excerpt offsets. PostgreSQL's link arrays
and search documents follow by their triggers and generated columns.
"""

import csv
import io
import itertools
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from ..cache import data_changed
from .describe import tables

BATCH = 2000


class PackageError(Exception):
    pass


READ = {
    "string": lambda text: text,
    "date": date.fromisoformat,
    "datetime": datetime.fromisoformat,
    "number": Decimal,
    "integer": int,
    "boolean": lambda text: text == "true",
    "array": json.loads,
}


def value(column, text):
    if text == "":
        return "" if column.schema["type"] == "string" and not column.model_field.null else None
    return READ[column.schema["type"]](text)


class Package:
    """The files of a package, from a directory or a zip."""

    def __init__(self, path):
        path = Path(path)
        self.zip = zipfile.ZipFile(path) if path.is_file() else None
        self.path = path

    def open(self, name):
        if self.zip is not None:
            return io.TextIOWrapper(self.zip.open(name), encoding="utf-8", newline="")
        return open(self.path / name, encoding="utf-8", newline="")

    def names(self):
        with self.open("datapackage.json") as descriptor:
            return [resource["name"] for resource in json.load(descriptor)["resources"]]


class Loader:
    def __init__(self, package):
        self.package = package
        self.ids = {}  # {model: {key: id}}, for foreign keys and links

    def resolve(self, column, key, table):
        if key == "":
            return None
        model = column.model_field.related_model
        try:
            return self.ids[model][key]
        except KeyError:
            raise PackageError(f"{table.path}: no {model._meta.verbose_name} with key “{key}”.") from None

    def read(self, table):
        with self.package.open(table.path) as file:
            reader = csv.reader(file)
            header = next(reader, [])
            expected = [column.name for column in table.columns]
            if header != expected:
                raise PackageError(f"{table.path}: the columns are {header}, expected {expected}.")
            yield from reader

    def instance(self, table, row):
        values = {}
        for column, text in zip(table.columns, row, strict=True):
            if column.model_field.is_relation:
                values[column.model_field.attname] = self.resolve(column, text, table)
            else:
                values[column.model_field.attname] = value(column, text)
        return table.model(**values)

    def load(self, table):
        model = table.model
        # bulk_create stamps auto_now fields with the present: the package's own times are put back after.
        stamped = [
            f.attname
            for f in model._meta.concrete_fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        key = table.key[0] if table.owner is None and len(table.key) == 1 else None
        rows = self.read(table)
        count = 0
        while batch := [self.instance(table, row) for row in itertools.islice(rows, BATCH)]:
            kept = [[getattr(obj, name) for name in stamped] for obj in batch]
            model.objects.bulk_create(batch)
            if stamped:
                for obj, times in zip(batch, kept, strict=True):
                    for name, moment in zip(stamped, times, strict=True):
                        setattr(obj, name, moment)
                model.objects.bulk_update(batch, stamped)
            if key:
                self.ids.setdefault(model, {}).update((getattr(obj, key), obj.pk) for obj in batch)
            count += len(batch)
        return count


def load_package(path):
    """Load the package at `path` into the database, which must hold no records; {table: rows}."""
    package = Package(path)
    described = tables()
    missing = [table.name for table in described if table.name not in package.names()]
    if missing:
        raise PackageError(f"The package has no table {', '.join(missing)}.")
    loader = Loader(package)
    with transaction.atomic():
        occupied = [table.name for table in described if table.model.objects.exists()]
        if occupied:
            raise PackageError(f"The database is not empty ({', '.join(occupied)}): load a package into an empty one.")
        counts = {table.name: loader.load(table) for table in described}
        transaction.on_commit(data_changed)
    return counts
