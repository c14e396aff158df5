"""Write the whole database to one JSON file that `manage.py restore` loads into an empty database.

Records, their many-to-many links and policy relations, their change history, users with their
permissions and tokens, and the admin's log: everything but what `migrate` recreates (content
types, permissions) and sessions. Primary keys are kept, because the history refers to records by
them; other references use natural keys (slugs, codes, usernames), so the file reads as data.

The file holds password hashes and every API token in plain text, so it is created readable and
writable by its owner only (mode 0600), whatever the umask, and an existing file is narrowed too.
"""

import os

from django.core.management import call_command
from django.core.management.base import BaseCommand

EXCLUDED = ["contenttypes", "auth.permission", "sessions"]
OWNER_ONLY = 0o600


class Command(BaseCommand):
    help = "Dump the whole database (records, history, users, tokens) to a JSON file (default: stdout)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write, mode 0600 (default: standard output).")

    def handle(self, *args, output=None, **options):
        if output is None:
            return self.dump(self.stdout)
        # The mode is set on the open descriptor before a byte is written: no moment when it is wider.
        descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, OWNER_ONLY)
        os.fchmod(descriptor, OWNER_ONLY)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            self.dump(file)

    def dump(self, stream):
        call_command("dumpdata", exclude=EXCLUDED, natural_foreign=True, indent=1, stdout=stream)
