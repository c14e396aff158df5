"""Check every citation in the database: each excerpt must occur verbatim, as whole words, in its
source's text, and be at least MIN_EXCERPT characters long; each quote's parts must be words its
excerpt prints (`loaddata` and raw writes skip the models' validation). A citation of a source whose
text we do not hold cannot be checked: it fails too, unless `--allow-unchecked` says that is expected.

Records stream ordered by source, so only one source's text is held at a time and only
the columns the check needs are fetched: it runs in constant memory on any table size.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.text import Truncator

from policy.models import Source, Statement
from policy.models.records import quote_error
from policy.provenance import MIN_EXCERPT, citation_name, cited_models, holds, locate_excerpt


class Command(BaseCommand):
    help = (
        "Verify that every citation's excerpt occurs verbatim in its source's text and every quote in its excerpt; "
        "exit 1 on any mismatch or on any citation of a source without text (unless --allow-unchecked)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-unchecked",
            action="store_true",
            help="Do not fail on citations of sources whose text we do not hold (they are still counted).",
        )

    def handle(self, *args, allow_unchecked=False, **options):
        checked = mismatches = unchecked = 0
        for model in cited_models():
            source_id, source_slug, text = None, "", ""
            for row_source_id, excerpt, start, end, *label in citation_rows(model):
                if row_source_id != source_id:
                    source_id = row_source_id
                    source_slug, text = Source.objects.values_list("slug", "text").get(pk=source_id)
                if not text:
                    unchecked += 1
                    continue
                checked += 1
                problem = citation_problem(text, excerpt, start, end)
                if problem:
                    mismatches += 1
                    excerpt = Truncator(" ".join(excerpt.split())).chars(80)
                    name = citation_name(label)
                    self.stdout.write(f"{model.__name__} {name}: {problem} in source {source_slug}: “{excerpt}”")
        summary = f"Checked {checked} citations: {mismatches} mismatches, {unchecked} unchecked (no source text)."
        self.stdout.write(summary)
        misquoted = self.check_quotes()
        problems = []
        if mismatches:
            problems.append(f"{mismatches} citation(s) do not match their source's text.")
        if misquoted:
            problems.append(f"{misquoted} quote(s) are not words their excerpt prints.")
        if unchecked and not allow_unchecked:
            problems.append(
                f"{unchecked} citation(s) cite a source without text, so nothing checks them "
                "(--allow-unchecked accepts that)."
            )
        if problems:
            raise CommandError(" ".join(problems))

    def check_quotes(self):
        misquoted = 0
        quotes = Statement.objects.filter(kind="quote").order_by("pk").values_list("slug", "text", "excerpt")
        for slug, text, excerpt in quotes.iterator(chunk_size=2000):
            problem = quote_error(text, excerpt)
            if problem:
                misquoted += 1
                self.stdout.write(f"Statement {slug}: {problem}")
        return misquoted


def citation_rows(model):
    fields = ("source_id", "excerpt", "excerpt_start", "excerpt_end", *model.citation_label)
    return model.objects.order_by("source_id", "pk").values_list(*fields).iterator(chunk_size=2000)


def citation_problem(text, excerpt, start, end):
    if len(excerpt.strip()) < MIN_EXCERPT:
        return f"excerpt shorter than {MIN_EXCERPT} characters"
    span = locate_excerpt(text, excerpt)
    if span is None:
        return "excerpt not found"
    if not holds(text, excerpt, start, end):  # any occurrence will do: an editor may have selected a later one
        return f"stored offsets {start}–{end} but excerpt is at {span[0]}–{span[1]}"
    return None
