"""What `make bench` asks for: the request types of the mix, each as the API's URL, the floor's and
Datasette's (the peer's, on SQLite), from one request's parameters.

Two kinds. *Repeated*: the same few URLs again and again (a list's first page, details), where the
API's count cache answers all but the first. *Never repeated*: a new URL for every request, as a
researcher's searches and date ranges are — drawn at random (seeded) from the data's own pools
(bench/params.py): search terms in 1–10% of statements, speakers, ranges of the dates said, keyset
boundaries anywhere in the table. A run walks its list of URLs once (bench/wrk_driver.py).
"""

import base64
import datetime
import json
import random
from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import quote, urlencode

API = "/api/v1/statements/"
FLOOR = "/floor/statements/"
PEER = "policy_statement"  # Datasette's table, under /<database>/
SLUG_ORDER = ["slug", "pk"]  # the statements' default ordering, as the API's cursors name it


class RequestType(NamedTuple):
    name: str
    repeated: bool
    draw: Callable  # (random.Random, params) -> one request's values
    api: Callable  # values -> path
    floor: Callable
    peer: Callable | None  # values -> path under /<database>/, or None: Datasette has no equivalent
    ordered_by: str = "slug"  # the column whose values a page's rows must show in the same order


def query(path, **values):
    return f"{path}?{urlencode(values)}" if values else path


def named(keys, values):
    return dict(zip(keys, values, strict=True))


def date_range(rng, params):
    """A new range of 1 week to 2 years within the dates said."""
    first, last = (datetime.date.fromisoformat(day) for day in params["dates"])
    days = rng.randint(7, 730)
    start = first + datetime.timedelta(days=rng.randint(0, max(0, (last - first).days - days)))
    return start.isoformat(), (start + datetime.timedelta(days=days)).isoformat()


def cursor_token(values, ordering=SLUG_ORDER):
    """The API's opaque `cursor=` for the rows after a boundary row (policy.api.cursors.cursor_link)."""
    payload = json.dumps({"d": "after", "o": ordering, "v": values})
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def tilde(text):
    """Datasette's tilde encoding of a `_next` component (datasette.utils.tilde_encode)."""
    safe = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
    return "".join(chr(b) if b in safe else "+" if b == 32 else f"~{b:02X}" for b in text.encode())


def peer_list(**values):
    return query(f"{PEER}.json", _shape="objects", _labels="on", **values)


def speaker_dates(rng, params):
    (slug, pk), (after, before) = rng.choice(params["speakers"]), date_range(rng, params)
    return {"speaker": slug, "speaker_id": pk, "date_after": after, "date_before": before}


def boundary(rng, params):
    slug, pk = rng.choice(params["boundaries"])
    return {"slug": slug, "id": pk}


def filtered(params):
    return {"topic": params["topic"], "country": params["country"], "date_after": params["date_after"]}


def through(table, column, value):
    return json.dumps({"table": table, "column": column, "value": str(value)}, separators=(",", ":"))


MIX = [
    RequestType(
        "list page", True, lambda rng, p: {}, lambda v: API, lambda v: FLOOR, lambda v: peer_list(_sort="slug")
    ),
    RequestType(
        "filtered list",
        True,
        lambda rng, p: {**filtered(p), "topic_id": p["topic_id"], "country_id": p["country_id"]},
        lambda v: query(API, topic=v["topic"], country=v["country"], date_after=v["date_after"]),
        lambda v: query(f"{FLOOR}filtered/", topic=v["topic"], country=v["country"], date_after=v["date_after"]),
        # The date as `_where`: a `said_on__gte` filter's parameter would share a name with the first
        # `_through`'s (Datasette 0.65 numbers each from p0), which then goes unapplied.
        lambda v: (
            peer_list(_sort="slug", _where=f"said_on >= '{v['date_after']}'")
            + "&_through="
            + quote(through("policy_statement_topics", "topic_id", v["topic_id"]))
            + "&_through="
            + quote(through("policy_statement_countries", "country_id", v["country_id"]))
        ),
    ),
    RequestType(
        "detail",
        True,
        lambda rng, p: named(("slug", "id"), rng.choice(p["details"])),
        lambda v: f"{API}{v['slug']}/",
        lambda v: f"{FLOOR}{v['slug']}/",
        lambda v: f"{PEER}/{v['id']}.json?_shape=objects",
    ),
    RequestType("timeline", True, lambda rng, p: {}, lambda v: "/api/v1/timeline/", lambda v: "/floor/timeline/", None),
    RequestType(
        "speaker's CSV",
        True,
        lambda rng, p: {"speaker": p["speaker"], "speaker_id": p["speaker_id"]},
        lambda v: query(API, format="csv", speaker=v["speaker"]),
        lambda v: query(f"{FLOOR}export/", speaker=v["speaker"]),
        lambda v: query(f"{PEER}.csv", speaker_id=v["speaker_id"], _sort="slug", _stream="on"),
    ),
    RequestType(
        "new search",
        False,
        lambda rng, p: {"search": rng.choice(p["terms"])[0]},
        lambda v: query(API, search=v["search"]),
        lambda v: query(f"{FLOOR}search/", search=v["search"]),
        lambda v: peer_list(_search=v["search"], _sort="slug"),
    ),
    RequestType(
        "new date range",
        False,
        lambda rng, p: named(("date_after", "date_before"), date_range(rng, p)),
        lambda v: query(API, **v),
        lambda v: query(f"{FLOOR}where/", **v),
        lambda v: peer_list(said_on__gte=v["date_after"], said_on__lte=v["date_before"], _sort="slug"),
    ),
    RequestType(
        "new speaker",
        False,
        lambda rng, p: named(("speaker", "speaker_id"), rng.choice(p["speakers"])),
        lambda v: query(API, speaker=v["speaker"]),
        lambda v: query(f"{FLOOR}where/", speaker=v["speaker"]),
        lambda v: peer_list(speaker_id=v["speaker_id"], _sort="slug"),
    ),
    RequestType(
        "speaker+dates newest",
        False,
        speaker_dates,
        lambda v: query(
            API, speaker=v["speaker"], date_after=v["date_after"], date_before=v["date_before"], ordering="-said_on"
        ),
        lambda v: query(
            f"{FLOOR}where/",
            speaker=v["speaker"],
            date_after=v["date_after"],
            date_before=v["date_before"],
            ordering="-said_on",
        ),
        lambda v: peer_list(
            speaker_id=v["speaker_id"],
            said_on__gte=v["date_after"],
            said_on__lte=v["date_before"],
            _sort_desc="said_on",
        ),
        ordered_by="said_on",
    ),
    RequestType(
        "deep cursor",
        False,
        boundary,
        lambda v: query(API, cursor=cursor_token([v["slug"], v["id"]])),
        lambda v: query(f"{FLOOR}where/", after=v["slug"]),
        lambda v: peer_list(_sort="slug", _next=f"{tilde(v['slug'])},{v['id']}"),
    ),
]
BY_NAME = {kind.name: kind for kind in MIX}


def draws(kind, params, count, seed):
    """`count` requests' values of `kind` (fewer if its pool runs out), none twice for a never-repeated
    kind; the same for the same seed."""
    rng = random.Random(f"{seed}:{kind.name}")
    if kind.repeated:
        values = [kind.draw(rng, params) for _ in range(min(count, 200))]
        return list({json.dumps(v, sort_keys=True): v for v in values}.values())
    found = {}
    for _ in range(count * 20):
        values = kind.draw(rng, params)
        found.setdefault(json.dumps(values, sort_keys=True), values)
        if len(found) == count:
            break
    return list(found.values())
