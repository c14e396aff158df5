"""`make evaluate`: how good the suggestions are (issue #15), on the fixtures' article and on the
articles of tests/suggest_corpus/ (each with a hand-made answer key), as two tables.

    .venv/bin/python -m bench.evaluate            # both tables
    .venv/bin/python -m bench.evaluate --verbose  # and every proposal, matched or not

No database: the fixtures are read as files. The article is suggested on as it is, with its
records as the answer key (they are what the extractor would have to find; the actors and
countries stay known, as they would in a database where the article's records were removed).
"""

import json
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CORPUS = ROOT / "tests" / "suggest_corpus"
TYPES = {"policy.statement": "statement", "policy.statistic": "statistic", "policy.aidpackage": "aid_package",
         "policy.event": "event"}  # fmt: skip


def flat(value):
    """A natural key (["joe-biden"], [["MX"], ["US"]]) as the API writes it ("joe-biden", ["MX", "US"])."""
    if isinstance(value, list) and value and all(isinstance(item, list) for item in value):
        return [item[0] for item in value]
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
        return value[0]
    return value


def known_from(actors, countries):
    from policy.suggest import Known, KnownActor, KnownCountry

    return Known(
        tuple(
            KnownActor(
                a["slug"],
                a["name"],
                a.get("kind", "person"),
                a.get("role", ""),
                a.get("country"),
                tuple(a.get("aliases", ())),
            )
            for a in actors
        ),
        tuple(KnownCountry(c["code"], c["name"]) for c in countries),
    )


def seed_article():
    load = lambda name: json.loads((FIXTURES / name).read_text())  # noqa: E731
    source = next(o["fields"] for o in load("04_sources.json") if o["fields"]["slug"].startswith("usa-today"))
    actors = [{**o["fields"], "country": flat(o["fields"]["country"])} for o in load("03_actors.json")]
    countries = [o["fields"] for o in load("01_countries.json")]
    records = []
    for path in sorted(FIXTURES.glob("*.json")):
        for item in json.loads(path.read_text()):
            if item["model"] in TYPES and flat(item["fields"].get("source")) == source["slug"]:
                fields = {name: flat(value) for name, value in item["fields"].items()}
                records.append({"record_type": TYPES[item["model"]], "excerpt": fields["excerpt"], "fields": fields})
    published = date.fromisoformat(source["published_on"])
    return "seed article", source["text"], published, known_from(actors, countries), records


def corpus_articles():
    for key in sorted(CORPUS.glob("*.json")):
        answer = json.loads(key.read_text())
        text = key.with_suffix(".txt").read_text()
        known = known_from(answer.get("actors", []), answer.get("countries", []))
        yield key.stem, text, date.fromisoformat(answer["published_on"]), known, answer["records"]


def evaluate(articles, verbose=False):
    from policy.suggest import suggest
    from policy.suggest.evaluate import add, match, measure

    columns, total = {}, {}
    for name, text, published, known, records in articles:
        proposals = suggest(text, published, known)
        columns[name] = measure(text, records, proposals)
        add(total, columns[name])
        if verbose:
            matched = match(text, records, proposals)
            used = {id(p) for p in matched.values()}
            for proposal in proposals:
                mark = "ok " if id(proposal) in used else "-- "
                print(mark, proposal.rule, json.dumps(proposal.fields, ensure_ascii=False)[:220])
            for index, record in enumerate(records):
                if index not in matched:
                    print("MISSED", record["record_type"], record["excerpt"][:100])
    if len(columns) > 1:
        columns["all"] = total
    return columns


def main(argv=None):
    import django

    argv = sys.argv[1:] if argv is None else argv
    sys.path.insert(0, str(ROOT))
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policy.settings")
    django.setup()
    from policy.suggest.evaluate import table

    verbose = "--verbose" in argv
    print(table("On the fixtures' article (its records as the answer key):", evaluate([seed_article()], verbose)))
    print()
    print(
        table("On the articles of tests/suggest_corpus/ (hand-made answer keys):", evaluate(corpus_articles(), verbose))
    )


if __name__ == "__main__":
    main()
