"""Import a table of records (CSV, XLSX or JSON Lines; policy.curation.tabular) as suggestions for the
review queue, or with --publish as records. All or nothing; --dry-run reports without writing."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ...curation.importing import import_file
from ...curation.queue import BY_NAME
from ...curation.tabular import FileError


def size_error(size):
    limit = settings.IMPORT_MAX_BYTES
    if size > limit:
        megabyte = 1024 * 1024  # as the admin's import page counts them
        return (
            f"The file is {size / megabyte:,.1f} MB; the import limit is {limit / megabyte:,.0f} MB (IMPORT_MAX_BYTES)."
        )
    return None


class Command(BaseCommand):
    help = "Import records from a CSV, XLSX or JSON Lines file: as suggestions (default) or published."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .csv, .xlsx or .jsonl file; fixtures/templates/ has one per type.")
        parser.add_argument(
            "--type", dest="record_type", help=f"One of {', '.join(BY_NAME)} (default: from the file name)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check every row and report; write nothing.")
        parser.add_argument("--publish", action="store_true", help="Create the records, not suggestions.")
        parser.add_argument("--user", help="The username recorded as the suggestions' author.")

    def handle(self, *args, file, record_type=None, dry_run=False, publish=False, user=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file {file}.")
        error = size_error(path.stat().st_size)
        if error:
            raise CommandError(error)
        author = None
        if user:
            author = get_user_model().objects.filter(username=user).first()
            if author is None:
                raise CommandError(f"No user “{user}”.")
        try:
            report = import_file(
                path.name, path.read_bytes(), record_type=record_type, dry_run=dry_run, publish=publish, user=author
            )
        except FileError as error:
            raise CommandError(f"{path.name}: {error}") from None
        for row in report.rows:
            if dry_run or row.status == "error":
                self.stdout.write(row.line())
        verb = "suggested" if report.ok and not dry_run else "would be suggested"
        for name, slug in report.new_actors.items():
            self.stdout.write(f"new actor “{name}”: {verb} as {slug}")
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
