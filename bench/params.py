"""Prints the bench's request parameters for the database at DATABASE_URL, as JSON: records that
exist at every size, chosen the same way each time, and the pools the never-repeated requests draw
from (bench/mix.py): search terms, speakers, the dates said, keyset boundaries."""

import json
import os
import random
import re
from collections import Counter

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policy.settings")
django.setup()

from django.db.models import Count, Max, Min  # noqa: E402

from policy.models import Actor, Country, Statement, Topic  # noqa: E402
from policy.search.folding import fold  # noqa: E402
from policy.synthetic.text import PLACES  # noqa: E402

SAMPLE = 20_000  # statements read to find the search terms' shares
TERM_SHARE = (0.01, 0.10)  # a search term is in 1–10% of statements
TERM_LENGTHS = range(4, 9)  # letters: words and the parts of words people type
LETTERS = re.compile(r"[a-z]+")


def spread_ids(last, count, seed):
    """`count` ids spread over 1..last at random, the same ones every time."""
    return sorted(random.Random(seed).sample(range(1, last + 1), min(count, last)))


def rows_of(ids, *fields):
    found = []
    for start in range(0, len(ids), 900):  # under SQLite's limit of bound parameters
        found += Statement.objects.filter(pk__in=ids[start : start + 900]).values_list(*fields)
    return found


def terms_of(text):
    """The lower-case ASCII substrings of `text`'s words that a search might type."""
    found = set()
    for word in LETTERS.findall(text.lower()):
        found.update(word[i : i + n] for n in TERM_LENGTHS for i in range(len(word) - n + 1))
    return found


def search_terms(last):
    """[term, share] for terms in 1–10% of a sample of the statements that no actor's name or alias
    holds (a search also finds the statements of a speaker so named: Datasette's would not)."""
    texts = [text for (text,) in rows_of(spread_ids(last, SAMPLE, 2), "text")]
    shares = Counter()
    for text in texts:
        shares.update(terms_of(text))
    actors = Actor.objects.values_list("name", "aliases")
    names = " ".join(fold(f"{name} {' '.join(aliases)}") for name, aliases in actors)
    low, high = TERM_SHARE
    return sorted(
        [term, round(n / len(texts), 4)]
        for term, n in shares.items()
        if low <= n / len(texts) <= high and term not in names
    )


total = Statement.objects.count()
last = Statement.objects.order_by("-pk").values_list("pk", flat=True).first()
ids = [1 + index * (last - 1) // 199 for index in range(200)]
# A speaker with about 0.05% of the statements: a CSV export of a few hundred rows at a million.
speakers = list(Statement.objects.values("speaker__slug", "speaker_id").annotate(n=Count("id")).order_by("-n"))
speaker = min(speakers, key=lambda row: abs(row["n"] - total * 0.0005))
dates = Statement.objects.aggregate(first=Min("said_on"), last=Max("said_on"))
topic = Topic.objects.order_by("pk").values("slug", "id").first()
country = Country.objects.values("code", "id").get(code="MX")
print(
    json.dumps(
        {
            "statements": total,
            "topic": topic["slug"],
            "topic_id": topic["id"],
            "country": country["code"],
            "country_id": country["id"],
            "date_after": "2015-01-01",
            # A town in about 0.1% of statements (the synthetic place names are Zipf-distributed).
            "search": PLACES[25],
            "speaker": speaker["speaker__slug"],
            "speaker_id": speaker["speaker_id"],
            "details": rows_of(ids, "slug", "id"),
            # The pools of the never-repeated requests (bench/mix.py).
            "speakers": sorted([row["speaker__slug"], row["speaker_id"]] for row in speakers),
            "dates": [dates["first"].isoformat(), dates["last"].isoformat()],
            "boundaries": rows_of(spread_ids(last, 5000, 3), "slug", "id"),
            "terms": search_terms(last),
        }
    )
)
