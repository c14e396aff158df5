"""The landing page, record pages and record lists: server-rendered, read-only, no JavaScript."""

from urllib.parse import urlencode

from django.db import DEFAULT_DB_ALIAS
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static

from ..cache import until_data_changes
from ..choices import AidStatus, StatisticUnit
from ..reading.renamed import current_key
from ..records import ON_TIMELINE as TYPES
from . import charts, overview
from .formatting import date_with_precision
from .listing import ListPage, has_empty_values, without_empty
from .record import page_context
from .resources import BY_MODEL, RESOURCES
from .throttling import refused_as_expensive
from .timeline import month_link

TIMELINE_NAMES = {name: BY_MODEL[spec.model].verbose_name_plural for name, spec in TYPES.items()}


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
        "timeline": charts.timeline(overview.timeline_months(), TIMELINE_NAMES, month_link),
        "aid_currency": currency,
        "aid_by_status": charts.aid_by_status(
            aid, currency, AidStatus.choices, lambda status: f"{packages.list_url()}?{urlencode({'status': status})}"
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
    if request.GET:  # `?as_of=` would otherwise show the record as it is now, as if it were then
        context = {"resource": resource, "unknown": sorted(request.GET), "api_url": resource.api_url(key)}
        return show(request, "policy/web/no_parameters.html", context, status=400)
    try:
        context = page_context(resource, key, request)
    except Http404:
        renamed = current_key(resource.model, resource.key, key)  # a link made before a rename
        if renamed is None:
            raise
        return redirect(resource.page_url(renamed))
    return show(request, [f"policy/web/{resource.name}.html", "policy/web/record.html"], context)


def record_list(request, resource):
    resource = resource_or_404(resource)
    if has_empty_values(request.GET):  # a submitted form sends every field: keep the address short
        query = without_empty(request.GET).urlencode()
        return redirect(f"{request.path}?{query}" if query else request.path)
    if refused := refused_as_expensive(request):
        return refused
    context = ListPage(resource, request).context()
    return show(request, "policy/web/list.html", context, status=context["status"])


def show(request, template, context, status=200):
    # The footer links every record type's list.
    return render(request, template, {"resources": RESOURCES, **context}, status=status)
