"""Synthetic data at any scale, for benchmarks and load tests (`manage.py generate_synthetic`).

Sizes follow the number of statements: per 1,000 statements there are 100 sources (each
cited by ~10 records, its text holding every excerpt), 50 statistics, 20 events, 20
policies, 10 aid packages and 5 actors, with countries and topics from a fixed
vocabulary. Sources are generated in date order, a chunk at a time, each with the
records drawn from it, so memory stays flat and relations (a statement at an event,
an aid package under a policy) point at nearby, earlier records.

Same `seed`, same empty database → the same rows, timestamps included.
"""

import datetime
import random
import time
from dataclasses import dataclass
from itertools import accumulate

from django.db import transaction

from .. import link_arrays
from ..models import Actor, Country, PolicyRelation, Topic
from ..records import AID_PACKAGE, EVENT, POLICY, SOURCE, STATEMENT, STATISTIC
from .records import COLUMNS, RECENT, Batch, SourceBuilder
from .reference import build_reference
from .text import Phrases
from .writer import Writer

# The cited record types (policy.records), in the order a source's records are drawn and written
# (a record before those that refer to it); SourceBuilder.<the type's name> draws one.
DRAWN = (EVENT, POLICY, AID_PACKAGE, STATEMENT, STATISTIC)
MODELS = {t.model_name: t.model for t in (SOURCE, *DRAWN)}
FIRST_DAY, LAST_DAY = datetime.date(2000, 1, 1), datetime.date(2024, 12, 31)
CHUNK = 500  # sources per batch of inserts


@dataclass
class Sizes:
    statements: int

    def __post_init__(self):
        n = self.statements
        self.sources = max(1, n // 10)
        self.statistics, self.events, self.policies, self.aid_packages = n // 20, n // 50, n // 50, n // 100
        self.actors = max(20, n // 200)
        self.topics = min(200, max(20, n // 5000))

    def per_type(self):
        return {
            "event": self.events,
            "policy": self.policies,
            "aidpackage": self.aid_packages,
            "statement": self.statements,
            "statistic": self.statistics,
        }


class Generator:
    def __init__(self, statements, seed=0, progress=None, using=None):
        self.sizes = Sizes(statements)
        self.rng = random.Random(seed)
        self.phrases = Phrases(self.rng)
        self.writer = Writer(using) if using is not None else Writer()
        self.progress = progress or (lambda done, total: None)
        self.recent_policies = []

    def remember(self, name, value):
        values = getattr(self, name)
        values.append(value)
        if len(values) > RECENT:
            del values[0]

    def spread(self, total, buckets):
        """How many of `total` records each source gets: at random, summing to exactly `total`."""
        counts = [0] * buckets
        for _ in range(total):
            counts[self.rng.randrange(buckets)] += 1
        return counts

    def run(self):
        sizes, rng = self.sizes, self.rng
        with transaction.atomic(using=self.writer.connection.alias):
            created = datetime.datetime.combine(FIRST_DAY, datetime.time(), tzinfo=datetime.timezone.utc)
            self.ref = build_reference(rng, self.writer, sizes, created)
            self.people_cum_weights = list(accumulate(self.ref.people_weights))
            counts = {kind: self.spread(total, sizes.sources) for kind, total in sizes.per_type().items()}
            next_ids = {kind: self.writer.next_id(model) for kind, model in MODELS.items()}
            span = (LAST_DAY - FIRST_DAY).days
            batch, started = Batch(), time.monotonic()
            for index in range(sizes.sources):
                day = FIRST_DAY + datetime.timedelta(days=index * span // sizes.sources + rng.randrange(10))
                builder = SourceBuilder(self, next_ids["source"], min(day, LAST_DAY))
                next_ids["source"] += 1
                for record_type in DRAWN:
                    kind, build = record_type.model_name, getattr(builder, record_type.name)
                    for _ in range(counts[kind][index]):
                        build(batch, next_ids[kind])
                        next_ids[kind] += 1
                builder.finish(batch)
                if (index + 1) % CHUNK == 0 or index + 1 == sizes.sources:
                    self.write(batch)
                    batch = Batch()
                    self.progress(index + 1, sizes.sources)
            self.writer.reset_sequences([Country, Topic, Actor, PolicyRelation, *MODELS.values()])
            self.writer.tidy()
        return time.monotonic() - started

    def write(self, batch):
        for kind, model in MODELS.items():
            links = {name: pairs for (owner, name), pairs in batch.links.items() if owner == kind}
            # Links before their records (foreign keys are checked at commit): on PostgreSQL the
            # records then arrive with their link arrays, and the link tables' triggers (migration
            # 0006) find no record to rewrite — each row is written once.
            for field_name, pairs in links.items():
                field = model._meta.get_field(field_name)
                columns = [f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"]
                self.writer.insert(field.remote_field.through, columns, sorted(set(pairs)))
            columns, rows = COLUMNS[kind], batch.rows[kind]
            arrays = {name: pairs for name, pairs in links.items() if self.writer.has_link_array(model, name)}
            if arrays:
                ids = {name: link_arrays.array_values(pairs) for name, pairs in arrays.items()}
                columns = [*columns, *map(link_arrays.column_name, arrays)]
                rows = [(*row, *(tuple(ids[name].get(row[0], ())) for name in arrays)) for row in rows]
            self.writer.insert(model, columns, rows)
            if kind == "policy":
                columns = ["from_policy_id", "to_policy_id", "relation", "source_id", "excerpt"]
                columns += ["excerpt_start", "excerpt_end", "notes"]
                self.writer.insert(PolicyRelation, columns, batch.policy_relations)
