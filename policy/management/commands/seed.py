"""Load the fixtures into a database that has no records yet.

`make serve` runs this on every start: a fresh database gets the article's records,
and an existing one keeps its edits (reloading fixtures would overwrite them).
"""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from ...models import Source


class Command(BaseCommand):
    help = "Load fixtures/*.json if the database holds no records yet (--force: load anyway)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Load even if records exist (updates them).")

    def handle(self, *args, force=False, **options):
        if Source.objects.exists() and not force:
            self.stdout.write("Records already present: fixtures not reloaded (use --force to reload).")
            return
        files = sorted(str(path) for path in Path(settings.BASE_DIR, "fixtures").glob("*.json"))
        call_command("loaddata", *files, verbosity=options["verbosity"])
