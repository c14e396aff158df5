"""The landing page, record pages and record lists: server-rendered, read-only, no JavaScript."""

from datetime import date, timedelta
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse

from ..api.timeline import TYPES
from ..choices import AidStatus, StatisticUnit
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
    aid = overview.aid_groups()
    currency = overview.main_currency(aid)
    units = overview.statistic_units()
    counts = overview.record_counts()
    sources = overview.latest_sources()
    packages = RESOURCES["aid-packages"]
    statistics = RESOURCES["statistics"]
    context = {
        "counts": [{"resource": resource, "count": counts[prefix]} for prefix, resource in RESOURCES.items()],
        "statements": [
            {"record": s, "date": date_with_precision(s.said_on, s.date_precision)}
            for s in overview.latest_statements()
        ],
        "sources": [
            {**source, "date": date_with_precision(source["published_on"], source["date_precision"])}
            for source in sources[: overview.LATEST_SOURCES]
        ],
        "more_sources": len(sources) > overview.LATEST_SOURCES,
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
    return show(request, "policy/web/home.html", context)


def favicon(request):
    return redirect(static("policy/favicon.svg"), permanent=True)


def resource_or_404(prefix):
    try:
        return RESOURCES[prefix]
    except KeyError:
        raise Http404("No such record type.") from None


def record_page(request, resource, key):
    resource = resource_or_404(resource)
    if resource.key == "code":
        key = key.upper()  # country codes are case-insensitive, as in the API
    context = page_context(resource, key, request)
    return show(request, [f"policy/web/{resource.name}.html", "policy/web/record.html"], context)


def record_list(request, resource):
    resource = resource_or_404(resource)
    columns = [resource.key, resource.label]
    spec = next((s for s in TYPES.values() if s.model is resource.model), None)
    if spec is not None:
        columns += [spec.date, "date_precision"]
    queryset = resource.model.objects.order_by(resource.key).values(*columns)
    page = Paginator(queryset, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "href": resource.page_url(row[resource.key]),
            "key": row[resource.key],
            "label": row[resource.label],
            "date": date_with_precision(row[spec.date], row["date_precision"]) if spec else "",
        }
        for row in page
    ]
    return show(request, "policy/web/list.html", {"resource": resource, "page": page, "rows": rows, "dated": spec})


def show(request, template, context):
    # The footer links every record type's list.
    return render(request, template, {"resources": RESOURCES, **context})
