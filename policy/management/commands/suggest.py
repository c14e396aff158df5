"""`manage.py suggest SOURCE_KEY [--replace]`: the machine's suggestions for a source's text, added
to the review queue (see policy.suggest)."""

from django.core.management.base import BaseCommand, CommandError

from ...models import Source
from ...suggest.source import SuggestRefused, suggest_for_source


class Command(BaseCommand):
    help = "Suggest records from a source's text (quotes, figures, money, dates, events, new actors) for review."

    def add_arguments(self, parser):
        parser.add_argument("source", help="The source's slug, e.g. usa-today-biden-mexico-2021-05-07.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace the source's pending suggestions from the extractor (atomically).",
        )

    def handle(self, *args, source, replace, **options):
        found = Source.objects.filter(slug=source).first()
        if found is None:
            raise CommandError(f"No source with the slug “{source}”.")
        try:
            run = suggest_for_source(found, replace=replace)
        except SuggestRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(run.message)
