"""How good the suggestions are: proposals matched to an answer key (records with their excerpts),
scored as issue #15 asks. Pure: `make evaluate` (bench/evaluate.py) feeds it the fixtures' article
and the articles under tests/suggest_corpus/.

A proposal matches a key record of its type whose excerpt overlaps its own, the best agreeing
first (same quote words, value, amount or date), each used once. Precision is the share of all
proposals that match a record of the key (a new actor matches a key actor of the same name).
"""

from decimal import Decimal

from .models_compat import SEPARATOR

ROWS = (
    ("quotes: recall", "quote_recall"),
    ("quotes: right speaker", "quote_speaker"),
    ("figures+money: recall", "figure_recall"),
    ("figures+money: right value and unit", "figure_value"),
    ("figures+money: right qualifier", "figure_qualifier"),
    ("money: right status", "money_status"),
    ("dates: right value and precision", "dates"),
    ("undated records left undated", "undated"),
    ("events: recall", "event_recall"),
    ("precision over all suggestions", "precision"),
)


def span_of(text, record):
    start = text.find(record["excerpt"])
    return (start, start + len(record["excerpt"])) if start >= 0 else (-1, -1)


def score(text, record, proposal):
    start, end = span_of(text, record)
    if proposal.record_type != record["record_type"] or not (proposal.start < end and start < proposal.end):
        return None
    fields, mine = record["fields"], proposal.fields
    if record["record_type"] == "statement":
        parts = [p for p in fields["text"].split(SEPARATOR) if p.strip()]
        shared = sum(1 for part in parts if part in mine.get("text", "") or mine.get("text", "") in part)
        return shared * 3 if shared else None
    if record["record_type"] == "actor":
        return 3 if fields["name"] == mine.get("name") else None
    points = 1
    for name in ("value", "amount", "unit", "start_date", "kind", "said_on", "period_start", "announced_on"):
        if name in fields and _same(fields.get(name), mine.get(name)):
            points += 1
    return points


def _same(a, b):
    if a is None or b is None:
        return a is None and b is None
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except ArithmeticError:
        return str(a) == str(b)


def match(text, records, proposals):
    """{record index: proposal}, greedy by score."""
    pairs = []
    for r, record in enumerate(records):
        for p, proposal in enumerate(proposals):
            points = score(text, record, proposal)
            if points is not None:
                pairs.append((-points, r, p))
    matched, used = {}, set()
    for _, r, p in sorted(pairs):
        if r not in matched and p not in used:
            matched[r] = proposals[p]
            used.add(p)
    return matched


DATE_FIELDS = {
    "statement": "said_on",
    "statistic": "period_start",
    "aid_package": "announced_on",
    "event": "start_date",
}


def measure(text, records, proposals):
    """{metric: (right, out of)} for one article."""
    matched = match(text, records, proposals)
    counts = {name: [0, 0] for _, name in ROWS}

    def count(name, ok):
        counts[name][0] += bool(ok)
        counts[name][1] += 1

    for r, record in enumerate(records):
        fields, mine, kind = record["fields"], matched.get(r), record["record_type"]
        got = mine.fields if mine else {}
        if kind == "statement" and fields.get("kind") == "quote":
            count("quote_recall", mine)
            count("quote_speaker", mine and got.get("speaker") == fields.get("speaker"))
        figure = kind == "statistic" or (kind == "aid_package" and fields.get("amount") is not None)
        if figure:
            count("figure_recall", mine)
            value_field, unit_field = ("value", "unit") if kind == "statistic" else ("amount", "currency")
            right = (
                mine and _same(got.get(value_field), fields[value_field]) and got.get(unit_field) == fields[unit_field]
            )
            count("figure_value", right)
            count(
                "figure_qualifier",
                mine and got.get("value_qualifier", "exact") == fields.get("value_qualifier", "exact"),
            )
        if figure and kind == "aid_package":
            count("money_status", mine and got.get("status") == fields["status"])
        if kind == "event":
            count("event_recall", mine)
        date_field = DATE_FIELDS.get(kind)
        if date_field and (kind != "statement" or fields.get("kind") == "quote") and (figure or kind != "aid_package"):
            right = mine and _same(got.get(date_field), fields.get(date_field))
            if fields.get(date_field):
                right = right and got.get("date_precision") == fields.get("date_precision")
                right = right and _same(got.get("end_date"), fields.get("end_date")) if kind == "event" else right
                count("dates", right)
            else:
                count("undated", right)
    used = {id(p) for p in matched.values()}
    for proposal in proposals:
        count("precision", id(proposal) in used)
    return {name: tuple(value) for name, value in counts.items()}


def add(total, counts):
    for name, (right, out_of) in counts.items():
        old = total.get(name, (0, 0))
        total[name] = (old[0] + right, old[1] + out_of)
    return total


def table(title, columns):
    """Text table: one row per metric, one column per article (percent and right/out of)."""
    names = list(columns)
    width = max(len(label) for label, _ in ROWS) + 2
    lines = [title, "".ljust(width) + "".join(name[:18].rjust(20) for name in names)]
    for label, key in ROWS:
        cells = []
        for name in names:
            right, out_of = columns[name].get(key, (0, 0))
            cells.append((f"{100 * right / out_of:.0f}% ({right}/{out_of})" if out_of else "—").rjust(20))
        lines.append(label.ljust(width) + "".join(cells))
    return "\n".join(lines)
