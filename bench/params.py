"""Prints the bench's request parameters for the database at DATABASE_URL, as JSON:
records that exist at every size, chosen the same way each time."""

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policy.settings")
django.setup()

from django.db.models import Count  # noqa: E402

from policy.models import Country, Statement, Topic  # noqa: E402
from policy.synthetic.text import PLACES  # noqa: E402

total = Statement.objects.count()
last = Statement.objects.order_by("-pk").values_list("pk", flat=True).first()
ids = [1 + index * (last - 1) // 199 for index in range(200)]
# A speaker with about 0.05% of the statements: a CSV export of a few hundred rows at a million.
speakers = Statement.objects.values("speaker__slug").annotate(n=Count("id")).order_by("-n")
speaker = min(speakers, key=lambda row: abs(row["n"] - total * 0.0005))["speaker__slug"]
print(
    json.dumps(
        {
            "statements": total,
            "topic": Topic.objects.order_by("pk").values_list("slug", flat=True).first(),
            "country": Country.objects.get(code="MX").code,
            "date_after": "2015-01-01",
            # A town in about 0.1% of statements (the synthetic place names are Zipf-distributed).
            "search": PLACES[25],
            "speaker": speaker,
            "details": list(Statement.objects.filter(pk__in=ids).values_list("slug", flat=True)),
        }
    )
)
