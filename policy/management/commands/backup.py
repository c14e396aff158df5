"""Write the whole database to one JSON file that `manage.py restore` loads into an empty database.

Records, their many-to-many links and policy relations, their change history, users with their
permissions and tokens, and the admin's log: everything but what `migrate` recreates (content
types, permissions) and sessions. Primary keys are kept, because the history refers to records by
them; other references use natural keys (slugs, codes, usernames), so the file reads as data.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

EXCLUDED = ["contenttypes", "auth.permission", "sessions"]


class Command(BaseCommand):
    help = "Dump the whole database (records, history, users, tokens) to a JSON file (default: stdout)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args, output=None, **options):
        call_command("dumpdata", exclude=EXCLUDED, natural_foreign=True, indent=1, output=output, stdout=self.stdout)
