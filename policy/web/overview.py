"""What the landing page shows, aggregated by the database in a fixed number of queries.

Counts, months and sums are COUNT/SUM … GROUP BY; lists are LIMITed. Nothing here reads a
whole table into Python, so the page costs the same handful of queries at a million records.
"""

from functools import reduce
from operator import or_

from django.db.models import CharField, Count, F, Func, Q, Sum, Value

from ..api.timeline import TYPES
from ..choices import StatisticUnit
from ..models import AidPackage, Source, Statement, Statistic
from .resources import RESOURCES

LATEST_STATEMENTS = 6
LARGEST_PACKAGES = 8
LATEST_SOURCES = 5
FIGURES_PER_UNIT = 4


class YearMonth(Func):
    """'YYYY-MM' of a date, in SQL (SQLite keeps dates as ISO text; PostgreSQL formats them)."""

    output_field = CharField()
    template = "substr(CAST(%(expressions)s AS CHAR(10)), 1, 7)"

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 7)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="to_char(%(expressions)s, 'YYYY-MM')", **extra)


def record_counts():
    """{resource prefix: number of records}: one query (a UNION of one COUNT per table)."""
    parts = [
        resource.model.objects.order_by().annotate(resource=Value(prefix)).values("resource").annotate(n=Count("pk"))
        for prefix, resource in RESOURCES.items()
    ]
    found = dict(parts[0].union(*parts[1:], all=True).values_list("resource", "n"))
    return {prefix: found.get(prefix, 0) for prefix in RESOURCES}


def timeline_months():
    """(type, 'YYYY-MM', date_precision, count) for every dated record: one query."""
    parts = [
        spec.model.objects.filter(**{f"{spec.date}__isnull": False})
        .order_by()
        .annotate(record_type=Value(name), month=YearMonth(spec.date))
        .values("record_type", "month", "date_precision")
        .annotate(n=Count("pk"))
        for name, spec in TYPES.items()
    ]
    return list(parts[0].union(*parts[1:], all=True).values_list("record_type", "month", "date_precision", "n"))


def latest_statements():
    # select_related: the speaker's name is shown beside each statement.
    return list(
        Statement.objects.filter(said_on__isnull=False)
        .select_related("speaker")
        .only("slug", "text", "kind", "said_on", "date_precision", "speaker__slug", "speaker__name")
        .order_by("-said_on", "-slug")[:LATEST_STATEMENTS]
    )


def latest_sources():
    """The newest few sources (one more than shown, to know whether to link the full list)."""
    return list(
        Source.objects.order_by(F("published_on").desc(nulls_last=True), "slug").values(
            "slug", "title", "published_on", "date_precision", "publisher__name"
        )[: LATEST_SOURCES + 1]
    )


def aid_groups():
    """{status: {count, priced, totals: {currency: sum}}}: one GROUP BY status, currency."""
    groups = {}
    rows = (
        AidPackage.objects.order_by()
        .values("status", "currency")
        .annotate(n=Count("pk"), priced=Count("amount"), total=Sum("amount"))
    )
    for row in rows:
        group = groups.setdefault(row["status"], {"count": 0, "priced": 0, "totals": {}})
        group["count"] += row["n"]
        group["priced"] += row["priced"]
        if row["total"] is not None:
            group["totals"][row["currency"]] = row["total"]
    return groups


def main_currency(groups):
    """The currency most priced packages use: amounts in different currencies share no axis."""
    priced = {}
    for group in groups.values():
        for currency in group["totals"]:
            priced[currency] = priced.get(currency, 0) + 1
    return max(priced, key=lambda c: (priced[c], c == "USD")) if priced else "USD"


def largest_packages(currency):
    return list(
        AidPackage.objects.filter(amount__isnull=False, currency=currency)
        .order_by("-amount", "slug")
        .values("slug", "title", "amount", "currency", "status")[:LARGEST_PACKAGES]
    )


def statistic_units():
    rows = Statistic.objects.order_by().values("unit").annotate(count=Count("pk"))
    order = {unit: i for i, unit in enumerate(StatisticUnit.values)}
    return sorted(rows, key=lambda row: (order.get(row["unit"], len(order)), row["unit"]))


def largest_figures(units):
    """The largest few figures of each unit: one query, a LIMITed subquery per unit."""
    if not units:
        return []
    per_unit = [
        Q(pk__in=Statistic.objects.filter(unit=u["unit"]).order_by("-value", "slug").values("pk")[:FIGURES_PER_UNIT])
        for u in units
    ]
    return list(
        Statistic.objects.filter(reduce(or_, per_unit))
        .order_by("unit", "-value", "slug")
        .values("slug", "title", "value", "unit")
    )
