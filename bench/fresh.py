"""First requests, as researchers make them (issue #18): every URL new, the count cache off.

A production gunicorn (bench.serve) over the database at DATABASE_URL, COUNT_CACHE_SECONDS=0, and
for each request type a list of URLs none of which repeats: a different word for each search,
a different speaker, country or topic and date range for each list. The requests go one at a
time (p50 is the service time, not queueing), after a warm-up on other values; prints p50, p90
and the largest per type, and what the responses counted. Figures, not pass/fail.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_1000000 .venv/bin/python -m bench.fresh
    .venv/bin/python -m bench.fresh --database sqlite:///bench/results/data/sqlite-1000000.sqlite3 --requests 40
"""

import argparse
import contextlib
import datetime
import json
import os
import random
import re
import statistics
from urllib.parse import urlencode

from .serve import Gunicorn

WORD = re.compile(r"[^\W\d_]{4,}")
SAMPLE = 20_000  # statements read to find each word's share


def setup(database):
    os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policy.settings")
    import django

    django.setup()


def common_words(low=0.01, high=0.10):
    """Words found (as search finds them: a substring, accents and case ignored) in between `low`
    and `high` of a sample of the statements, with their share."""
    from policy.models import Statement
    from policy.search.folding import fold

    last = Statement.objects.order_by("-pk").values_list("pk", flat=True).first()
    step = max(1, last // SAMPLE)
    texts = [
        fold(text) for text in Statement.objects.filter(pk__in=range(1, last + 1, step)).values_list("text", flat=True)
    ]
    candidates = {word for text in texts[:2000] for word in WORD.findall(text)}
    shares = {word: sum(word in text for text in texts) / len(texts) for word in candidates}
    return {word: round(share, 4) for word, share in sorted(shares.items()) if low <= share <= high}


def choices():
    """The values the URLs are made of: speakers, countries, topics and the statements' dates."""
    from django.db.models import Max, Min

    from policy.models import Actor, Country, Statement, Topic

    dates = Statement.objects.aggregate(first=Min("said_on"), last=Max("said_on"))
    speakers = Actor.objects.filter(statements__isnull=False).distinct().order_by().values_list("slug", flat=True)
    return {
        "speakers": sorted(speakers),
        "countries": sorted(Country.objects.filter(statements__isnull=False).distinct().values_list("code", flat=True)),
        "topics": sorted(Topic.objects.values_list("slug", flat=True)),
        "first": dates["first"],
        "last": dates["last"],
    }


def date_range(rng, first, last, years=(1, 4)):
    length = datetime.timedelta(days=rng.randint(365 * years[0], 365 * years[1]))
    start = first + datetime.timedelta(days=rng.randint(0, max(0, (last - first - length).days)))
    return {"date_after": start.isoformat(), "date_before": (start + length).isoformat()}


def url_lists(values, words, count, seed):
    """{request type: [URL, …]}: `count` URLs per type, no URL twice, each type's words in a new order."""
    rng = random.Random(seed)
    pool = sorted(words)

    def word_list():
        shuffled = rng.sample(pool, len(pool))
        # Fewer words than requests: the same words again, spelt otherwise (a new URL, the same rows).
        spellings = [str.lower, str.upper, str.capitalize]
        return [spellings[i // len(pool) % 3](shuffled[i % len(pool)]) for i in range(count)]

    def listing(**params):
        return f"/api/v1/statements/?{urlencode(params)}"

    newest = {"ordering": "-said_on"}
    first, last = values["first"], values["last"]
    return {
        "search": [listing(search=w) for w in word_list()],
        "search, newest first": [listing(search=w, **newest) for w in word_list()],
        "cross-type search": [f"/api/v1/search/?{urlencode({'q': w})}" for w in word_list()],
        "speaker + dates, newest first": [
            listing(speaker=rng.choice(values["speakers"]), **date_range(rng, first, last), **newest)
            for _ in range(count)
        ],
        "country + dates, newest first": [
            listing(country=rng.choice(values["countries"]), **date_range(rng, first, last, (0, 1)), **newest)
            for _ in range(count)
        ],
        "topic + dates, newest first": [
            listing(topic=rng.choice(values["topics"]), **date_range(rng, first, last, (0, 1)), **newest)
            for _ in range(count)
        ],
        "dates only": [listing(**date_range(rng, first, last)) for _ in range(count)],
    }


def timed(server, urls):
    """[(seconds, count, count_is_exact)] of each URL, one request at a time."""
    found = []
    for url in urls:
        status, body, seconds = server.get(url, timeout=120)
        if status != 200:
            raise SystemExit(f"{url}: {status} {body[:300]!r}")
        page = json.loads(body)
        found.append((seconds, page.get("count"), page.get("count_is_exact", True)))
    return found


def summary(name, found):
    seconds = sorted(s * 1000 for s, _, _ in found)
    counts = sorted(c for _, c, _ in found if c is not None)
    estimated = sum(not exact for _, _, exact in found)
    return {
        "request": name,
        "n": len(found),
        "p50_ms": round(statistics.median(seconds), 1),
        "p90_ms": round(seconds[int(len(seconds) * 0.9) - 1], 1),
        "max_ms": round(seconds[-1], 1),
        "median_count": counts[len(counts) // 2] if counts else None,
        "counts_not_exact": estimated,
    }


def load():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def serve(database, project):
    settings = {
        "GUNICORN_WORKERS": "1",
        "COUNT_CACHE_SECONDS": "0",
        "THROTTLE_ANON": "off",
        "THROTTLE_EXPENSIVE": "off",
    }
    return Gunicorn(database, project=project, **settings) if project else Gunicorn(database, **settings)


def measure(lists, warmup, servers):
    """{server name: [summary per request type]}: each URL sent to every server in turn (alternating,
    so a loaded machine weighs on each alike)."""
    for server in servers.values():
        for urls in lists.values():
            timed(server, urls[:warmup])
    rows = {name: [] for name in servers}
    for request, urls in lists.items():
        found = {name: [] for name in servers}
        for url in urls[warmup:]:
            for name, server in servers.items():
                found[name] += timed(server, [url])
        for name in servers:
            rows[name].append(summary(request, found[name]))
            print(name, json.dumps(rows[name][-1]), flush=True)
    return rows


def table(rows):
    lines = [
        "| request | p50 ms | p90 ms | max ms | median count | counts not exact |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {row['request']} | {row['p50_ms']} | {row['p90_ms']} | {row['max_ms']} | "
        f"{row['median_count']} | {row['counts_not_exact']}/{row['n']} |"
        for row in rows
    ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL"), required="DATABASE_URL" not in os.environ)
    parser.add_argument("--requests", type=int, default=30, help="URLs timed per request type")
    parser.add_argument("--warmup", type=int, default=5, help="URLs per type sent first, not timed")
    parser.add_argument("--only", action="append", help="only the request types containing this text")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--baseline", nargs=2, metavar=("PROJECT", "DATABASE"), help="also time another checkout")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    setup(args.database)
    words = common_words()
    values = choices()
    print(f"{len(words)} words in 1–10% of the statements (sampled), e.g. {dict(list(words.items())[:5])}")
    lists = url_lists(values, words, args.warmup + args.requests, args.seed)
    lists = {name: urls for name, urls in lists.items() if not args.only or any(o in name for o in args.only)}
    before = load()
    with contextlib.ExitStack() as stack:
        servers = {"this": stack.enter_context(serve(args.database, None))}
        if args.baseline:
            servers["baseline"] = stack.enter_context(serve(args.baseline[1], args.baseline[0]))
        rows = measure(lists, args.warmup, servers)
    print(f"load average before {before}, after {load()}")
    for name, found in rows.items():
        print(f"\n{name}\n{table(found)}")
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"database": args.database, "load": [before, load()], "rows": rows}, out, indent=1)


if __name__ == "__main__":
    main()
