"""Load a data package written by export_datapackage into an empty database (all or nothing)."""

from django.core.management.base import BaseCommand, CommandError

from policy.datapackage import PackageError, load_package


class Command(BaseCommand):
    help = (
        "Load a data package (a directory or .zip written by export_datapackage) into an empty, migrated "
        "database, all or nothing. No history is written: the package holds records, not their past."
    )

    def add_arguments(self, parser):
        parser.add_argument("package", help="The package's directory or .zip file.")

    def handle(self, package, **options):
        try:
            counts = load_package(package)
        except (PackageError, OSError, ValueError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Loaded {sum(counts.values()):,} rows into {len(counts)} tables.")
