"""The landing page, record pages and record lists: server-rendered, read-only, no JavaScript."""

from datetime import date, timedelta
from urllib.parse import quote, urlencode

from django.db import DEFAULT_DB_ALIAS
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse

from ..cache import until_data_changes
from ..choices import AidStatus, StatisticUnit
from ..records import ON_TIMELINE as TYPES
from . import charts, overview
from .formatting import date_with_precision
from .record import page_context
from .resources import BY_MODEL, RESOURCES

LIST_PAGE_SIZE = 50
TIMELINE_NAMES = {name: BY_MODEL[spec.model].verbose_name_plural for name, spec in TYPES.items()}


def timeline_link(record_type, month, coarse):
    """The API's timeline for one bar: that type in that month (a year-dated record sits on 1 January)."""
    first = date.fromisoformat(f"{month}-01")
    last = first if coarse else (first + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    params = {"type": record_type, "date_after": first.isoformat(), "date_before": last.isoformat()}
    return f"{reverse('timeline')}?{urlencode(params)}"


def home(request):
    # The same for every visitor and costly at scale (about 0.7 s at a million records: grouping
    # every dated record by day, drawing a thousand bars), so rendered once per data version.
    html = until_data_changes(
        "home",
        lambda: render_to_string("policy/web/home.html", {"resources": RESOURCES, **home_context()}, request),
        DEFAULT_DB_ALIAS,
    )
    return HttpResponse(html)


def home_context():
    aid = overview.aid_groups()
    currency = overview.main_currency(aid)
    units = overview.statistic_units()
    counts = overview.record_counts()
    packages = RESOURCES["aid-packages"]
    statistics = RESOURCES["statistics"]
    return {
        "counts": [{"resource": resource, "count": counts[prefix]} for prefix, resource in RESOURCES.items()],
        "statements": [
            {"record": s, "date": date_with_precision(s.said_on, s.date_precision)}
            for s in overview.latest_statements()
        ],
        "sources": [
            {**source, "date": date_with_precision(source["published_on"], source["date_precision"])}
            for source in overview.latest_sources()
        ],
        "timeline": charts.timeline(overview.timeline_months(), TIMELINE_NAMES, timeline_link),
        "aid_currency": currency,
        "aid_by_status": charts.aid_by_status(
            aid, currency, AidStatus.choices, lambda status: f"{packages.api_url()}?{urlencode({'status': status})}"
        ),
        "aid_largest": charts.largest_packages(
            overview.largest_packages(currency), dict(AidStatus.choices), packages.page_url
        ),
        "statistics": charts.statistics_by_unit(
            units, overview.largest_figures(units), dict(StatisticUnit.choices), statistics.page_url
        ),
        "figures_per_unit": overview.FIGURES_PER_UNIT,
    }


def favicon(request):
    return redirect(static("policy/favicon.svg"), permanent=True)


def resource_or_404(prefix):
    try:
        return RESOURCES[prefix]
    except KeyError:
        raise Http404("No such record type.") from None


def record_page(request, resource, key):
    resource = resource_or_404(resource)
    key = resource.type.normalise_key(key)  # country codes are case-insensitive, as in the API
    context = page_context(resource, key, request)
    return show(request, [f"policy/web/{resource.name}.html", "policy/web/record.html"], context)


def keyset_page(queryset, key, after=None, before=None, size=LIST_PAGE_SIZE):
    """One page in key order, after or before a key: an index range, fast at any depth (OFFSET is not)."""
    if before:
        rows = list(queryset.filter(**{f"{key}__lt": before}).order_by(f"-{key}")[: size + 1])
        return rows[:size][::-1], len(rows) > size, True
    if after:
        queryset = queryset.filter(**{f"{key}__gt": after})
    rows = list(queryset.order_by(key)[: size + 1])
    return rows[:size], bool(after), len(rows) > size


def record_list(request, resource):
    resource = resource_or_404(resource)
    key = resource.key
    spec = next((s for s in TYPES.values() if s.model is resource.model), None)
    columns = [key, resource.label, *([spec.main_date, "date_precision"] if spec else [])]
    page, has_previous, has_next = keyset_page(
        resource.model.objects.values(*columns), key, request.GET.get("after"), request.GET.get("before")
    )
    rows = [
        {
            "href": resource.page_url(row[key]),
            "key": row[key],
            "label": row[resource.label],
            "date": date_with_precision(row[spec.main_date], row["date_precision"]) if spec else "",
        }
        for row in page
    ]
    context = {
        "resource": resource,
        "rows": rows,
        "dated": spec,
        "count": resource.model.objects.count(),
        "previous": f"?before={quote(rows[0]['key'])}" if has_previous and rows else None,
        "next": f"?after={quote(rows[-1]['key'])}" if has_next and rows else None,
    }
    return show(request, "policy/web/list.html", context)


def show(request, template, context):
    # The footer links every record type's list.
    return render(request, template, {"resources": RESOURCES, **context})
