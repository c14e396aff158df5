"""`/search/?q=`: one search across every record type, for people (policy.reading.search)."""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from ..reading.search import parse, search_types, searchable_types
from .formatting import date_with_precision
from .resources import RESOURCES
from .throttling import refused_as_expensive


def search_page(request):
    """The form; with `q`, each type's matches (PAGE_SIZE a page), excerpts marked; a bad
    parameter is a 400 showing the API's message beside the form."""
    context = {"q": request.GET.get("q", ""), "chosen": request.GET.getlist("type"), "types": type_options()}
    status = 200
    if refused := refused_as_expensive(request):
        return refused
    if request.GET:
        query, errors = parse(request.GET, request.user.is_authenticated)
        if errors:
            context["errors"], status = sorted(errors.items()), 400
        else:
            context.update(results(request, query))
    return render(request, "policy/web/search.html", {"resources": RESOURCES, **context}, status=status)


def type_options():
    return [(t.name, RESOURCES[t.resource].verbose_name_plural) for t in searchable_types()]


def results(request, query):
    groups = search_types(query.text, query.types, query.page, query.page_size)
    if query.page > 1 and not any(group.hits for group in groups):
        raise Http404("Invalid page.")  # past the last page, as the lists' pages and the API's search
    shown = [
        {
            "resource": RESOURCES[group.type.resource],
            "count": group.count,
            "count_is_exact": group.count_is_exact,
            "more": f"{RESOURCES[group.type.resource].list_url()}?{urlencode({'search': query.text})}",
            "hits": [
                {
                    "href": RESOURCES[group.type.resource].page_url(hit.key),
                    "title": hit.title,
                    "date": date_with_precision(hit.date, hit.date_precision),
                    "excerpt": marked(hit.excerpt, hit.match),
                }
                for hit in group.hits
            ],
        }
        for group in groups
    ]
    return {
        "searched": True,
        "groups": shown,
        "total": sum(group.count for group in groups),
        "previous": link(request, query.page - 1) if query.page > 1 else None,
        "next": link(request, query.page + 1) if any(group.has_more for group in groups) else None,
        "api_url": f"{reverse('search')}?{request.GET.urlencode()}",
    }


def marked(excerpt, match):
    """(before, match, after): the template escapes each and wraps the match in <mark>."""
    if not match:
        return excerpt, "", ""
    start, end = match
    return excerpt[:start], excerpt[start:end], excerpt[end:]


def link(request, page):
    params = request.GET.copy()
    params["page"] = str(page)
    return f"?{params.urlencode()}"
