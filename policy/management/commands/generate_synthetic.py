"""`manage.py generate_synthetic --statements N [--seed S]`: bulk synthetic data (see policy.synthetic)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction

from policy.search import fts_indexing_deferred
from policy.synthetic.generate import Generator


def progress_bar(stream, width=30):
    started = time.monotonic()

    def show(done, total):
        elapsed = time.monotonic() - started
        left = elapsed / done * (total - done) if done else 0
        filled = width * done // total
        bar = "#" * filled + "-" * (width - filled)
        line = f"\r[{bar}] {done:,}/{total:,} sources  {elapsed:5.0f}s elapsed, ~{left:4.0f}s left"
        stream.write(line, ending="\n" if done == total else "")
        stream.flush()

    return show


class Command(BaseCommand):
    help = (
        "Add synthetic records: N statements and, in proportion, sources (with text holding every "
        "excerpt), statistics, events, policies, aid packages, actors and topics. Deterministic for a seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--statements", type=int, required=True, help="Number of statements (e.g. 1000000).")
        parser.add_argument("--seed", type=int, default=0, help="Random seed (default 0): same seed, same data.")
        parser.add_argument("--database", default="default", help="Database alias to write to.")
        parser.add_argument("--no-progress", action="store_true", help="Do not draw the progress bar on stderr.")

    def handle(self, *args, statements, seed, database, no_progress, **options):
        if statements < 1:
            raise CommandError("--statements must be at least 1.")
        generator = Generator(
            statements,
            seed=seed,
            progress=None if no_progress else progress_bar(self.stderr),
            using=connections[database],
        )
        sizes = generator.sizes
        # On SQLite, the search indexes are filled once after the load (policy.search).
        with transaction.atomic(using=database), fts_indexing_deferred(connections[database]):
            elapsed = generator.run()
        self.stdout.write(
            f"Generated {sizes.statements:,} statements, {sizes.sources:,} sources, {sizes.statistics:,} statistics, "
            f"{sizes.events:,} events, {sizes.policies:,} policies, {sizes.aid_packages:,} aid packages, "
            f"{sizes.actors:,} actors and {sizes.topics:,} topics in {elapsed:.1f}s (seed {seed})."
        )
