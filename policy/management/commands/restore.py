"""Load a file written by `manage.py backup` into an empty, migrated database — all of it or none.

The backup carries each record's history, so history is not recorded again while loading
(loading fixtures otherwise records a "created" entry per record).
"""

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings


class Command(BaseCommand):
    help = "Restore a `manage.py backup` file into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        occupied = [
            str(m._meta.verbose_name_plural) for m in apps.get_app_config("policy").get_models() if m.objects.exists()
        ]
        if occupied:
            raise CommandError(
                f"The database already holds {', '.join(occupied[:5])}: restore only into an empty database "
                "(a new one, after `manage.py migrate`), so nothing is merged or duplicated."
            )
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            call_command("loaddata", file, verbosity=options["verbosity"])
