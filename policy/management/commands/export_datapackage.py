"""Write the data set as a Frictionless Data Package (policy.datapackage) into a directory or a zip."""

import time

from django.core.management.base import BaseCommand

from policy.datapackage import write_whole


class Command(BaseCommand):
    help = (
        "Write every record as a Frictionless Data Package: datapackage.json and one CSV per record type and "
        "link table, into DIR (or a .zip). Texts whose licence forbids republishing are left out unless "
        "--include-reserved-texts."
    )

    def add_arguments(self, parser):
        parser.add_argument("target", help="A directory (created if need be), or a file ending in .zip.")
        parser.add_argument(
            "--include-reserved-texts",
            action="store_true",
            help="Include the full texts of all-rights-reserved sources: an editors' package, not for publishing.",
        )

    def handle(self, target, include_reserved_texts=False, **options):
        started = time.monotonic()
        # Whole or not at all: a failure half-way leaves no partial package at the target.
        counts = write_whole(target, public=not include_reserved_texts)
        for name, count in counts.items():
            self.stdout.write(f"{name}.csv: {count:,} rows")
        self.stdout.write(f"Wrote {len(counts)} tables to {target} in {time.monotonic() - started:.1f}s.")
