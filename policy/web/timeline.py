"""`/timeline/`: what happened, month by month — the API's `/api/v1/timeline/` as a page.

The same parameters (`date_after`, `date_before`, `type`, `country`, `actor`, `topic`,
`ordering`), validated by the same form and merged by the same per-type queries; each entry
links to its record's page. A range that is one calendar month gets links to the months
beside it (the landing page's bars open such a range).
"""

from datetime import date, timedelta
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request

from ..models import Country, Topic
from ..querying.pagination import NumberedPages
from ..querying.timeline import TYPES, requested_timeline
from .filter_form import Control
from .formatting import date_with_precision, month_label
from .listing import encoded, has_empty_values, relative, without_empty
from .resources import BY_MODEL, RESOURCES
from .throttling import refused_as_expensive

PAGE_SIZE = 100


def one_month(query):
    """The first day of the month `date_after`..`date_before` spans exactly, else None."""
    first, last = query.get("date_after"), query.get("date_before")
    if not first or not last or first.day != 1:
        return None
    following = (first + timedelta(days=32)).replace(day=1)
    return first if last == following - timedelta(days=1) else None


def month_range(first):
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return {"date_after": first.isoformat(), "date_before": last.isoformat()}


def month_links(query, raw):
    first = one_month(query)
    if first is None:
        return None
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return {
        "month": month_label(first.strftime("%Y-%m")),
        "previous": {
            "label": month_label(previous.strftime("%Y-%m")),
            "href": "?" + encoded(raw, **month_range(previous), page=None),
        },
        "next": {
            "label": month_label(following.strftime("%Y-%m")),
            "href": "?" + encoded(raw, **month_range(following), page=None),
        },
        "every_type": "?" + encoded(raw, type=None, page=None) if query.get("type") else None,
    }


def controls(raw, errors):
    def values(name):
        return [v for v in raw.getlist(name) if v]

    def options(queryset, key, label, chosen):
        return [(k, name, k in chosen) for k, name in queryset.order_by(label).values_list(key, label)]

    types = [
        (name, BY_MODEL[spec.model].verbose_name_plural.capitalize(), name in values("type"))
        for name, spec in TYPES.items()
    ]
    countries = {v.upper() for v in values("country")}
    built = [
        Control("date_after", "From", "date", values("date_after")),
        Control("date_before", "To", "date", values("date_before")),
        Control("type", "Record types", "checkboxes", values("type"), types, multiple=True),
        Control(
            "country",
            "Country",
            "select",
            values("country"),
            options(Country.objects, "code", "name", countries),
            multiple=len(values("country")) > 1,
        ),
        Control("actor", "Actor", "text", values("actor") or [""], hint="Actor slug, as in its page's address"),
        Control(
            "topic",
            "Topic",
            "select",
            values("topic"),
            options(Topic.objects, "slug", "name", set(values("topic"))),
            multiple=len(values("topic")) > 1,
        ),
        Control(
            "ordering",
            "Order",
            "select",
            values("ordering"),
            [("-date", "Latest first", values("ordering") == ["-date"])],
            empty="Oldest first",
        ),
    ]
    for control in built:
        control.errors = [str(m) for m in errors.get(control.name, [])]
    return built


def entries(rows):
    """The page's rows grouped under their month (a year-dated record under its year)."""
    groups = []
    for row in rows:
        day, precision = row["record_date"], row["date_precision"]
        heading = str(day.year) if precision == "year" else month_label(f"{day.year:04d}-{day.month:02d}")
        if not groups or groups[-1]["heading"] != heading:
            groups.append({"heading": heading, "entries": []})
        spec = TYPES[row["record_type"]]
        resource = BY_MODEL[spec.model]
        groups[-1]["entries"].append(
            {
                "type": resource.verbose_name,
                "colour": spec.colour,
                "title": row["record_title"],
                "href": resource.page_url(row["slug"]),
                "date": date_with_precision(row["record_date"], precision),
            }
        )
    return groups


def timeline_page(request):
    if has_empty_values(request.GET):  # a submitted form sends every field: keep the address short
        query = without_empty(request.GET).urlencode()
        return redirect(f"{request.path}?{query}" if query else request.path)
    if refused := refused_as_expensive(request):
        return refused
    drf_request, raw = Request(request), request.GET
    context = {"resources": RESOURCES, "api_url": reverse("timeline") + (f"?{raw.urlencode()}" if raw else "")}
    try:
        merged, query = requested_timeline(drf_request, {"page"})
        pages = NumberedPages(PAGE_SIZE)
        rows = pages.paginate_queryset(merged, drf_request)
    except NotFound as missing:  # a page past the last, as in the API
        raise Http404(str(missing.detail)) from None
    except ValidationError as error:
        errors = error.detail
        context |= {"errors": [{"name": n, "messages": [str(m) for m in ms]} for n, ms in errors.items()]}
        return render(request, "policy/web/timeline.html", context | {"controls": controls(raw, errors)}, status=400)
    count, number, following, previous = pages.links()
    context |= {
        "controls": controls(raw, {}),
        "months": entries(rows),
        "count": count,
        "page_number": number,
        "next": relative(following),
        "previous": relative(previous),
        "month_links": month_links(query, raw),
        "filtered": bool(raw),
    }
    return render(request, "policy/web/timeline.html", context)


def month_link(record_type, month, year_only):
    """`/timeline/` for one month of one type (a year-dated record sits on its 1 January): a bar's link."""
    first = date.fromisoformat(f"{month}-01")
    params = {"date_after": first.isoformat(), "date_before": first.isoformat()} if year_only else month_range(first)
    return f"{reverse('web:timeline')}?{urlencode({'type': record_type, **params})}"
