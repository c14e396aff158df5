"""The floor: the bench's endpoints answered by hand — the SQL they need, rows to dicts, orjson.

No DRF, no FilterSet, no serializer, no read plan: a view per endpoint that takes its few
parameters as given (no validation beyond what the SQL needs), runs the queries the answer
needs (the page, its many-to-many links, the slugs a filter names, the count) and renders
the same JSON or CSV the API does. The bench checks that both answer the same bytes' worth
of data before it measures them. Counts are cached as the API caches them (policy.cache, for
COUNT_CACHE_SECONDS; not at all when it is 0), so floor and API pay for counting alike. The CSV
export is in bench/floor_export.py.
"""

import hashlib
import heapq

import orjson
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse

from policy import records
from policy.cache import data_version
from policy.search import TRIGRAM, fts_indexes, fts_phrase
from policy.search.folding import fold

PAGE_SIZE = 50
STATEMENT_COLUMNS = """
    s.id, s.slug, sp.slug, sp.name, s.text, s.kind, s.said_on, s.date_precision, ev.slug, ev.title,
    ad.slug, ad.name, s.language, s.is_translation, src.slug, src.title, s.excerpt, s.excerpt_start,
    s.excerpt_end, s.notes, s.created_at, s.updated_at"""
STATEMENT_JOINS = """
    FROM policy_statement s
    JOIN policy_actor sp ON sp.id = s.speaker_id
    JOIN policy_source src ON src.id = s.source_id
    LEFT JOIN policy_event ev ON ev.id = s.event_id
    LEFT JOIN policy_actor ad ON ad.id = s.addressee_id"""


def link_tables(record_type):
    """{field: (link table, target table, target id column, target key, target label, target route)}
    for a type's many-to-many fields, from the declarations (policy.records)."""
    found = {}
    for name in record_type.link_arrays:
        field = record_type.model._meta.get_field(name)
        through, target = field.remote_field.through._meta, records.BY_MODEL[field.related_model]
        column = through.get_field(field.m2m_reverse_field_name()).column
        found[name] = (through.db_table, target.model._meta.db_table, column, target.key, target.label, target.resource)
    return found


LINKS = link_tables(records.STATEMENT)


def postgres():
    return connection.vendor == "postgresql"


def query(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def aware(value):
    # SQLite hands back naive UTC datetimes where the ORM would make them aware.
    from datetime import timezone

    return value if value is None or value.tzinfo else value.replace(tzinfo=timezone.utc)


def count(sql, params):
    """As the API counts: cached for COUNT_CACHE_SECONDS, or afresh every time when it is 0 (the bench's
    "count cache off" rounds)."""
    if settings.COUNT_CACHE_SECONDS <= 0:
        return query(sql, params)[0][0]
    key = f"floor:{data_version()}:{hashlib.sha1(f'{sql}{params!r}'.encode()).hexdigest()}"
    found = cache.get(key)
    if found is None:
        found = query(sql, params)[0][0]
        cache.set(key, found, settings.COUNT_CACHE_SECONDS)
    return found


def links(ids, base):
    """{field: {statement id: [compact records]}} for a page, one query per many-to-many field."""
    if not ids:
        return {field: {} for field in LINKS}
    marks = ", ".join(["%s"] * len(ids))
    found = {}
    for field, (table, target, column, key, label, route) in LINKS.items():
        by_owner = found[field] = {}
        rows = query(
            f"SELECT l.statement_id, t.{key}, t.{label} FROM {table} l JOIN {target} t ON t.id = l.{column} "
            f"WHERE l.statement_id IN ({marks}) ORDER BY l.statement_id, t.{key}",
            ids,
        )
        for owner, slug, name in rows:
            by_owner.setdefault(owner, []).append({key: slug, label: name, "url": f"{base}{route}/{slug}/"})
    return found


def compact(slug, label, name, base, route):
    return None if slug is None else {"slug": slug, label: name, "url": f"{base}{route}/{slug}/"}


def statements(rows, base):
    linked = links([row[0] for row in rows], base)
    return [
        {
            "url": f"{base}statements/{r[1]}/",
            "slug": r[1],
            "speaker": compact(r[2], "name", r[3], base, "actors"),
            "text": r[4],
            "kind": r[5],
            "said_on": r[6],
            "date_precision": r[7],
            "event": compact(r[8], "title", r[9], base, "events"),
            "addressee": compact(r[10], "name", r[11], base, "actors"),
            "language": r[12],
            "is_translation": bool(r[13]),
            "policies": linked["policies"].get(r[0], []),
            "countries": linked["countries"].get(r[0], []),
            "topics": linked["topics"].get(r[0], []),
            "source": compact(r[14], "title", r[15], base, "sources"),
            "excerpt": r[16],
            "excerpt_start": r[17],
            "excerpt_end": r[18],
            "notes": r[19],
            "created_at": aware(r[20]),
            "updated_at": aware(r[21]),
        }
        for r in rows
    ]


def page_of(request, where, params, order="s.slug", order_params=(), after=None):
    """A page of the statements `where` selects, with their count; `after`, (SQL, params), narrows the
    page alone to the rows past a keyset boundary, as the API's `cursor=` does (the count keeps them)."""
    number = int(request.GET.get("page", 1))
    base = request.build_absolute_uri("/api/v1/")
    boundary, boundary_params = after or ("", [])
    sql = (
        f"SELECT {STATEMENT_COLUMNS} {STATEMENT_JOINS} WHERE s.id IN ("
        f"SELECT s.id FROM policy_statement s WHERE {where}{boundary} ORDER BY {order}, s.slug LIMIT %s OFFSET %s"
        f") ORDER BY {order}, s.slug"
    )
    page_params = [*params, *boundary_params, *order_params, PAGE_SIZE, (number - 1) * PAGE_SIZE, *order_params]
    rows = query(sql, page_params)
    # Counted as the API counts (settings.COUNT_LIMIT): up to the limit, then "more than".
    limit = settings.COUNT_LIMIT
    total = count(f"SELECT COUNT(*) FROM (SELECT 1 FROM policy_statement s WHERE {where} LIMIT {limit + 1}) n", params)
    last_page = after is None and len(rows) < PAGE_SIZE  # a numbered last page knows its count (a cursor's not)
    exact = total <= limit or last_page
    total = (number - 1) * PAGE_SIZE + len(rows) if last_page else min(total, limit)
    url = request.build_absolute_uri(request.path.replace("/floor/", "/api/v1/"))
    query_string = request.GET.copy()
    pages = {}
    for name, other in (("next", number + 1), ("previous", number - 1)):
        query_string["page"] = other
        beyond = name == "next" and not exact
        pages[name] = f"{url}?{query_string.urlencode()}" if 0 < (other - 1) * PAGE_SIZE < total or beyond else None
    if number == 2:
        query_string.pop("page")
        pages["previous"] = f"{url}?{query_string.urlencode()}" if query_string else url
    bound = {} if exact else {"count_is_exact": False}
    body = {"count": total, **bound, "next": pages["next"], "previous": pages["previous"]}
    body["results"] = statements(rows, base)
    return HttpResponse(orjson.dumps(body), content_type="application/json")


def statement_list(request):
    return page_of(request, "TRUE" if postgres() else "1", [])


def filtered(request):
    """?topic=<slug>&country=<code>&date_after=<date>"""
    (topic,) = query("SELECT id FROM policy_topic WHERE slug = %s", [request.GET["topic"]])[0]
    (country,) = query("SELECT id FROM policy_country WHERE code = %s", [request.GET["country"]])[0]
    if postgres():  # the link arrays under one GIN index (migration 0006), as the API reads them
        where = "s.topics_ids && ARRAY[%s]::bigint[] AND s.countries_ids && ARRAY[%s]::bigint[] AND s.said_on >= %s"
    else:
        where = (
            "s.id IN (SELECT statement_id FROM policy_statement_topics WHERE topic_id = %s) "
            "AND s.id IN (SELECT statement_id FROM policy_statement_countries WHERE country_id = %s) "
            "AND s.said_on >= %s"
        )
    return page_of(request, where, [topic, country, request.GET["date_after"]])


def where(request):
    """?speaker=<slug>&date_after=<date>&date_before=<date>&ordering=-said_on&after=<slug>, each optional:
    `after` is the keyset page past that slug (the bench's deep cursors, in the default order)."""
    conditions, params = ["TRUE" if postgres() else "1"], []
    if "speaker" in request.GET:
        (speaker,) = query("SELECT id FROM policy_actor WHERE slug = %s", [request.GET["speaker"]])[0]
        conditions.append("s.speaker_id = %s")
        params.append(speaker)
    for name, operator in (("date_after", ">="), ("date_before", "<=")):
        if name in request.GET:
            conditions.append(f"s.said_on {operator} %s")
            params.append(request.GET[name])
    order = "s.said_on DESC, s.id" if request.GET.get("ordering") == "-said_on" else "s.slug"
    after = (" AND s.slug > %s", [request.GET["after"]]) if "after" in request.GET else None
    return page_of(request, " AND ".join(conditions), params, order=order, after=after)


def search(request):
    """?search=<word>: accents and case ignored (migration 0009), as the API searches."""
    word = request.GET["search"]
    if not postgres():
        # The text through its FTS5 trigram index over folded text (migrations 0005, 0009), where it
        # has one and the word is long enough; the actors' names row by row (a small table).
        # One list of ids, as the API builds it: OR-ed, SQLite scans the table at small sizes.
        like = f"%{fold(word)}%"
        text, match = "SELECT id FROM policy_statement WHERE policy_fold(text) LIKE %s ESCAPE '\\'", like
        if len(fold(word)) >= TRIGRAM and "policy_statement" in fts_indexes(connection):
            text = "SELECT rowid FROM policy_statement_fts WHERE policy_statement_fts MATCH %s"
            match = fts_phrase(fold(word))
        actor = (
            "SELECT id FROM policy_actor WHERE policy_fold(name) LIKE %s ESCAPE '\\' "
            "OR policy_fold_json(aliases) LIKE %s ESCAPE '\\'"
        )
        where = (
            f"s.id IN ({text} UNION SELECT id FROM policy_statement WHERE speaker_id IN ({actor}) "
            "UNION SELECT id FROM policy_statement WHERE addressee_id IN "
            "(SELECT id FROM policy_actor WHERE policy_fold(name) LIKE %s ESCAPE '\\'))"
        )
        return page_of(request, where, [match, like, like, like])
    from policy.search.postgresql import tsquery as to_tsquery  # needs psycopg: not on SQLite (policy/wsgi.py)

    like = f"%{word}%"
    tsquery = to_tsquery(word)
    names = "COALESCE(name::text, '') || ' ' || COALESCE(aliases::text, '')"
    document = f"to_tsvector('simple'::regconfig, policy_unaccent({names}))"
    matches = "to_tsquery('simple'::regconfig, policy_unaccent(%s))"
    contains = "UPPER(policy_unaccent({}::text)) LIKE UPPER(policy_unaccent(%s))"
    where = (
        f"({contains.format('s.text')} OR s.search_document @@ {matches} "
        f"OR s.speaker_id = ANY(ARRAY(SELECT id FROM policy_actor WHERE {contains.format('name')} "
        f"OR {contains.format('aliases')} OR {document} @@ {matches})) "
        f"OR s.addressee_id = ANY(ARRAY(SELECT id FROM policy_actor WHERE {contains.format('name')} "
        f"OR to_tsvector('simple'::regconfig, policy_unaccent(COALESCE(name::text, ''))) @@ {matches})))"
    )
    order = f"ts_rank(s.search_document, {matches}) DESC"
    params = [like, tsquery, like, like, tsquery, like, tsquery]
    return page_of(request, where, params, order, [tsquery])


def detail(request, slug):
    rows = query(f"SELECT {STATEMENT_COLUMNS} {STATEMENT_JOINS} WHERE s.slug = %s", [slug])
    return HttpResponse(orjson.dumps(statements(rows, request.build_absolute_uri("/api/v1/"))[0]))


TIMELINE = [  # type, table, date column, title column, route
    ("event", "policy_event", "start_date", "title", "events"),
    ("policy", "policy_policy", "start_date", "title", "policies"),
    ("aid_package", "policy_aidpackage", "announced_on", "title", "aid-packages"),
    ("statement", "policy_statement", "said_on", "text", "statements"),
    ("statistic", "policy_statistic", "period_start", "title", "statistics"),
]


def timeline(request):
    base = request.build_absolute_uri("/api/v1/")
    parts, total = [], 0
    for kind, table, date, title, route in TIMELINE:
        rows = query(
            f"SELECT {date}, %s, slug, SUBSTR({title}, 1, 200), date_precision FROM {table} "
            f"WHERE {date} IS NOT NULL ORDER BY {date}, slug LIMIT %s",
            [kind, PAGE_SIZE],
        )
        parts.append([(*row, route) for row in rows])
        total += count(f"SELECT COUNT(*) FROM {table} WHERE {date} IS NOT NULL", ())
    merged = list(heapq.merge(*parts))[:PAGE_SIZE]
    results = [
        {"type": t, "slug": s, "title": title, "date": d, "date_precision": p, "url": f"{base}{route}/{s}/"}
        for d, t, s, title, p, route in merged
    ]
    following = f"{base}timeline/?page=2" if total > PAGE_SIZE else None
    body = {"count": total, "next": following, "previous": None, "results": results}
    return HttpResponse(orjson.dumps(body), content_type="application/json")
