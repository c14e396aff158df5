"""What the generic API tests need besides HTTP: public keys, the routes, and expectations
computed in Python from model instances — never with the ORM filter under test — and write
payloads built from the loaded fixtures."""

import contextlib
import csv
import datetime
import io
import re
import unicodedata
from collections import Counter
from decimal import Decimal

from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection, transaction
from rest_framework import serializers
from rest_framework.test import APIClient

from policy.api.urls import router
from policy.models import Country, Source

API = "/api/v1/"
# What a browser sends for a page: the lessons of issue #11 (DRF chose its HTML renderers for it).
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
VIEWSETS = {prefix: viewset for prefix, viewset, _ in router.registry}
ROUTES = {viewset.serializer_class.Meta.model: route for route, viewset in VIEWSETS.items()}
BIG_PAGE = {"page_size": 1000}
# Runs of ASCII letters: `migrant_encounters` gives two words, `MX` one.
ASCII_WORD = re.compile(r"[A-Za-z]{2,}")


def key_name(model):
    return "code" if model is Country else "slug"


def key_of(obj):
    return getattr(obj, key_name(type(obj)))


def label_name(model):
    """The field a compact representation shows beside the key."""
    names = {field.name for field in model._meta.get_fields()}
    return next(name for name in ("title", "name", "text", key_name(model)) if name in names)


def list_url(route):
    return f"{API}{route}/"


def detail_url(route, obj_or_key):
    key = obj_or_key if isinstance(obj_or_key, str) else key_of(obj_or_key)
    return f"{API}{route}/{key}/"


def related_objects(obj, field_name):
    field = obj._meta.get_field(field_name)
    if field.many_to_many:
        return list(getattr(obj, field_name).all())
    target = getattr(obj, field_name)
    return [] if target is None else [target]


def related_keys(obj, field_name):
    """Public keys of the records `obj` points to through a foreign key or many-to-many field."""
    return {key_of(target) for target in related_objects(obj, field_name)}


def texts_at(obj, path):
    """Every string a search path (`speaker__aliases`) reaches from `obj`."""
    head, _, rest = path.partition("__")
    field = obj._meta.get_field(head)
    if field.is_relation:
        return [text for target in related_objects(obj, head) for text in texts_at(target, rest)]
    value = getattr(obj, head)
    values = value if isinstance(value, list) else [value]
    return [str(item) for item in values if item not in (None, "")]


def without_accents(text):
    """`text` with the accents Unicode decomposes removed: `López` → `Lopez` (the test's own oracle)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def searchable(text):
    return without_accents(text).casefold()


def matches_search(obj, search_fields, word):
    """Does `search=word` find `obj`: `word` inside one of its texts, accents and case ignored."""
    needle = searchable(word)
    return any(needle in searchable(text) for path in search_fields for text in texts_at(obj, path))


def ascii_words(text):
    return ASCII_WORD.findall(text)


def non_ascii_words(text):
    return [word for word in re.findall(r"\w+", text) if word.isalpha() and not word.isascii()]


def most_common(values):
    return [value for value, _ in Counter(values).most_common()]


def expected_order(records, field, descending):
    """Records sorted as `ordering=[-]field` promises: by value, ties by primary key, NULLs where the
    database puts them (SQLite: smallest; PostgreSQL: largest)."""
    nulls_first = (connection.vendor == "postgresql") == descending
    present = sorted(
        sorted((r for r in records if getattr(r, field) is not None), key=lambda r: r.pk),
        key=lambda r: getattr(r, field),
        reverse=descending,
    )
    missing = sorted((r for r in records if getattr(r, field) is None), key=lambda r: r.pk)
    return missing + present if nulls_first else present + missing


def table_counts():
    """Rows in every table of the app — records, many-to-many links, policy relations, history."""
    models = apps.get_app_config("policy").get_models(include_auto_created=True)
    return {model._meta.db_table: model.objects.count() for model in models}


def user_with(django_user_model, username, *permissions):
    """A user holding `policy.<codename>` permissions (e.g. "add_statement")."""
    user = django_user_model.objects.create_user(username, password="pw-secret-123")
    for codename in permissions:
        user.user_permissions.add(Permission.objects.get(content_type__app_label="policy", codename=codename))
    return user


def editor_user(django_user_model, username):
    """A user holding every `policy.*` permission: may add, change and delete any record."""
    user = django_user_model.objects.create_user(username, password="pw-secret-123")
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="policy"))
    return user


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def absolute(model, key):
    return f"http://testserver{detail_url(ROUTES[model], key)}"


def compact(obj):
    model = type(obj)
    return {
        key_name(model): key_of(obj),
        label_name(model): getattr(obj, label_name(model)),
        "url": absolute(model, key_of(obj)),
    }


def same_scalar(json_value, value):
    """A JSON value against the model attribute it represents."""
    if isinstance(value, Decimal):
        return json_value is not None and Decimal(json_value) == value
    if isinstance(value, datetime.datetime):
        return datetime.datetime.fromisoformat(json_value.replace("Z", "+00:00")) == value
    if isinstance(value, datetime.date):
        return json_value == value.isoformat()
    return json_value == value


def csv_cell(value):
    """How the API promises to flatten a JSON value into a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, dict) and "relation" in value:
        return f"{value['relation']}:{csv_cell(value['policy'])}"
    if isinstance(value, dict):
        return value.get("slug", value.get("code"))
    if isinstance(value, list):
        return ";".join(csv_cell(item) for item in value)
    return str(value)


def csv_rows(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8"))))


def is_related(field):
    return isinstance(field, (serializers.RelatedField, serializers.ManyRelatedField)) and not isinstance(
        field, serializers.HyperlinkedIdentityField
    )


# ---------------------------------------------------------------- write payloads


def excerpt_payload():
    """`source` and an `excerpt` that occurs verbatim in its text, from the data."""
    source = Source.objects.exclude(text="").order_by("pk").first()
    middle = len(source.text) // 2
    start = source.text.index(" ", middle) + 1
    end = source.text.rindex(" ", start, start + 60)  # whole words
    return {"source": source.slug, "excerpt": source.text[start:end].strip()}


def link_payload(relation, policy, **citation):
    """A policy link as a write names it: cited like a record, with an excerpt of the data's source."""
    return {"relation": relation, "policy": policy, **excerpt_payload(), **citation}


def some_key(model, exclude=(), **filters):
    return key_of(model.objects.filter(**filters).exclude(**{f"{key_name(model)}__in": exclude}).order_by("pk")[0])


def keys(model, count, **filters):
    return [key_of(obj) for obj in model.objects.filter(**filters).order_by("pk")[:count]]


@contextlib.contextmanager
def generated_records(django_db_blocker, statements, analyse=False, check_constraints=False):
    """`generate_synthetic` with `statements` (and the other records in proportion), in a transaction
    rolled back on exit: what a module-scoped fixture of the EXPLAIN tests holds for its tests."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("generate_synthetic", statements=statements, seed=1, no_progress=True, stdout=io.StringIO())
            if analyse:
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            if check_constraints:  # the deferred foreign keys, once here rather than after every test
                connection.check_constraints()
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def sqlite_plan(sql):
    """SQLite's EXPLAIN QUERY PLAN of `sql`: its steps' details."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return [row[-1] for row in cursor.fetchall()]
