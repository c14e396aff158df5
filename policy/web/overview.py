"""What the landing page shows, aggregated by the database in a fixed number of queries.

Counts and sums are COUNT/SUM … GROUP BY; the timeline is COUNT … GROUP BY day, read from the
date indexes and folded into months here (one row per day that has records, never per record);
lists are LIMITed. The page costs the same 9 or 10 queries at a million records.
"""

from collections import Counter
from functools import reduce
from operator import or_

from django.db.models import Count, F, Q, Sum, Value

from ..choices import DatePrecision, StatisticUnit
from ..models import AidPackage, Source, Statement, Statistic
from ..records import ON_TIMELINE as TYPES
from .resources import RESOURCES

LATEST_STATEMENTS = 6
LARGEST_PACKAGES = 8
LATEST_SOURCES = 5
FIGURES_PER_UNIT = 4


def record_counts():
    """{resource prefix: number of records}: one query (a UNION of one COUNT per table)."""
    parts = [
        resource.model.objects.order_by().annotate(resource=Value(prefix)).values("resource").annotate(n=Count("*"))
        for prefix, resource in RESOURCES.items()
    ]
    found = dict(parts[0].union(*parts[1:], all=True).values_list("resource", "n"))
    return {prefix: found.get(prefix, 0) for prefix in RESOURCES}


def timeline_days():
    """(type, date, count) for each day that has dated records: one query that reads only the
    date indexes (a GROUP BY on an expression, or on the precision too, would read every row)."""
    parts = [
        spec.model.objects.filter(**{f"{spec.main_date}__isnull": False})
        .order_by()
        .annotate(record_type=Value(name), day=F(spec.main_date))
        .values("record_type", "day")
        .annotate(n=Count("*"))
        for name, spec in TYPES.items()
    ]
    return list(parts[0].union(*parts[1:], all=True).values_list("record_type", "day", "n"))


def year_only(days):
    """{(type, 1 January): count} of records dated only to that year: one query, reading only
    the rows of those days (a year is stored as its 1 January)."""
    januaries = {}
    for record_type, day, _ in days:
        if (day.month, day.day) == (1, 1):
            januaries.setdefault(record_type, []).append(day)
    parts = [
        TYPES[name]
        .model.objects.filter(**{f"{TYPES[name].main_date}__in": dates}, date_precision=DatePrecision.YEAR)
        .order_by()
        .annotate(record_type=Value(name), day=F(TYPES[name].main_date))
        .values("record_type", "day")
        .annotate(n=Count("*"))
        for name, dates in januaries.items()
    ]
    if not parts:
        return {}
    rows = parts[0].union(*parts[1:], all=True).values_list("record_type", "day", "n")
    return {(record_type, day): n for record_type, day, n in rows}


def timeline_months():
    """(type, 'YYYY-MM', 'year' or 'exact', count): the days folded into months (two queries)."""
    days = timeline_days()
    coarse = year_only(days)
    months = Counter()
    for record_type, day, n in days:
        month = f"{day.year:04d}-{day.month:02d}"
        year_only_count = coarse.get((record_type, day), 0)
        months[record_type, month, "exact"] += n - year_only_count
        months[record_type, month, "year"] += year_only_count
    return [(*key, n) for key, n in sorted(months.items()) if n]


def latest_statements():
    # The newest keys first, in a subquery, then their rows with the speaker joined: joined from
    # the start, SQLite sorted the whole table (4 s at a million statements).
    newest = Statement.objects.filter(said_on__isnull=False).order_by("-said_on", "-slug")
    return list(
        Statement.objects.filter(pk__in=newest.values("pk")[:LATEST_STATEMENTS])
        .select_related("speaker")
        .only("slug", "text", "kind", "said_on", "date_precision", "speaker__slug", "speaker__name")
        .order_by("-said_on", "-slug")
    )


def latest_sources():
    """The newest sources, topped up with undated ones (a second query, only when few are dated).
    Not ORDER BY published_on DESC NULLS LAST: PostgreSQL would sort the whole table for it."""
    columns = ("slug", "title", "published_on", "date_precision", "publisher__name")
    newest = Source.objects.filter(published_on__isnull=False).order_by("-published_on", "-slug")
    rows = list(newest.values(*columns)[:LATEST_SOURCES])
    if len(rows) < LATEST_SOURCES:
        undated = Source.objects.filter(published_on__isnull=True).order_by("slug")
        rows += undated.values(*columns)[: LATEST_SOURCES - len(rows)]
    return rows


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
        .values("slug", "title", "amount", "value_qualifier", "currency", "status")[:LARGEST_PACKAGES]
    )


def statistic_units():
    rows = Statistic.objects.order_by().values("unit").annotate(count=Count("pk"))
    order = {unit: i for i, unit in enumerate(StatisticUnit.values)}
    return sorted(rows, key=lambda row: (order.get(row["unit"], len(order)), row["unit"]))


def top_first(unit):
    """A unit's figures, the top first: the largest, but for ranks the first (1 is the top)."""
    return ("value", "slug") if unit == StatisticUnit.RANK else ("-value", "slug")


def largest_figures(units):
    """The top few figures of each unit (top_first): one query, a LIMITed subquery per unit."""
    if not units:
        return []
    per_unit = [
        Q(
            pk__in=Statistic.objects.filter(unit=u["unit"])
            .order_by(*top_first(u["unit"]))
            .values("pk")[:FIGURES_PER_UNIT]
        )
        for u in units
    ]
    return list(
        Statistic.objects.filter(reduce(or_, per_unit))
        .order_by("unit", "-value", "slug")
        .values("slug", "title", "value", "value_qualifier", "unit")
    )
