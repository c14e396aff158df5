"""The bench's figures: rounds combined per request type and target (API, floor, peer), the ratios
API/floor and API/peer, a line per request type as it is measured and a Markdown table per run."""

from statistics import median

TARGETS = ("api", "floor", "peer")


def combine(rounds):
    """One figure from a target's rounds: the median of their p50s and of their p99s, requests/s over
    the whole time measured; errors (connection errors and non-2xx) and repeated URLs summed."""
    rounds = [r for r in rounds if r["requests"]]  # a run too short for one answer has no latency
    if not rounds:
        return None
    return {
        "p50": median(r["p50"] for r in rounds),
        "p99": median(r["p99"] for r in rounds),
        "rps": sum(r["requests"] for r in rounds) / sum(r["seconds"] for r in rounds),
        "requests": sum(r["requests"] for r in rounds),
        "errors": sum(r["errors"] for r in rounds),
        "repeats": sum(r["repeats"] for r in rounds),
        "rounds": len(rounds),
    }


def ratios(api, other):
    """(p50 API/other, req/s API/other): below 1 the API answers sooner, above 1 it serves more."""
    if api is None or other is None or not other["p50"] or not other["rps"]:
        return None
    return api["p50"] / other["p50"], api["rps"] / other["rps"]


def row(kind, cache, rounds, check, repeated=True):
    """A request type's combined figures and ratios, from {target: [round, …]}."""
    figures = {target: combine(rounds.get(target, [])) for target in TARGETS}
    unanswered = [target for target in TARGETS if rounds.get(target) and figures[target] is None]
    if repeated:
        for found in filter(None, figures.values()):
            found["repeats"] = 0  # the same URLs again is what a repeated request type is
    return {
        "request": kind,
        "cache": cache,
        **figures,
        "api/floor": ratios(figures["api"], figures["floor"]),
        "api/peer": ratios(figures["api"], figures["peer"]),
        "check": check,
        "unanswered": unanswered,
    }


def cell(figure):
    if figure is None:
        return "–", "–"
    return f"{figure['p50']:.1f} / {figure['p99']:.1f}", f"{figure['rps']:.0f}"


def ratio_cells(pair):
    return ("–", "–") if pair is None else (f"{pair[0]:.2f}", f"{pair[1]:.2f}")


def notes(found):
    problems = [f"MISMATCH {found['check']}"] if found["check"] else []
    problems += [f"{target}: no answer within the run" for target in found.get("unanswered", [])]
    for target in TARGETS:
        figure = found[target]
        if figure and figure["errors"]:
            problems.append(f"{target} errors {figure['errors']}")
        if figure and figure["repeats"]:
            problems.append(f"{target} repeated {figure['repeats']} URLs")
    return "; ".join(problems)


def line(backend, size, found):
    """One line of figures for the terminal, as a request type is measured."""
    parts = [f"{backend:8} {size:>9,} {found['request']:21} cache {found['cache']:3}"]
    for target in TARGETS:
        if found[target]:
            latency, rps = cell(found[target])
            parts.append(f"{target} {latency} ms {rps}/s")
    for name in ("api/floor", "api/peer"):
        if found[name]:
            parts.append(f"{name} p50 ×{found[name][0]:.2f} req/s ×{found[name][1]:.2f}")
    return " | ".join(parts) + (f"  {notes(found)}" if notes(found) else "")


HEADER = [
    "| request | count cache | API p50 / p99 (ms) | API req/s | floor p50 / p99 | floor req/s | Datasette p50 / p99 "
    "| Datasette req/s | p50 API/floor | req/s API/floor | p50 API/Datasette | req/s API/Datasette | notes |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
]


def markdown(runs):
    """A table per (backend, size) run, then the full exports and the memory."""
    lines = []
    for run in runs:
        lines += [
            "",
            f"**{run['backend']}, {run['size']:,} statements** (load average {run['load']}; "
            f"gunicorn: {run.get('server', 'sync')} workers)",
            "",
            *HEADER,
        ]
        for found in run["rows"]:
            cells = [*cell(found["api"]), *cell(found["floor"]), *cell(found["peer"])]
            cells += [*ratio_cells(found["api/floor"]), *ratio_cells(found["api/peer"])]
            lines.append(f"| {found['request']} | {found['cache']} | " + " | ".join(cells) + f" | {notes(found)} |")
    lines += [
        "",
        "| backend | statements | full CSV export: API | floor | Datasette | worker RSS peak | Datasette RSS |",
    ]
    lines += ["|---|---:|---:|---:|---:|---:|---:|"]
    for run in runs:
        exports = run["export"]
        api, floor, peer_export = (
            f"{e['rows']:,} rows in {e['seconds']:.1f} s{' (' + e['error'] + ')' if e.get('error') else ''}"
            if e
            else "–"
            for e in map(exports.get, TARGETS)
        )
        peer = f"{run['peer_peak_mb']:.0f} MB" if run["peer_peak_mb"] else "–"
        lines.append(
            f"| {run['backend']} | {run['size']:,} | {api} | {floor} | {peer_export} | {run['worker_peak_mb']:.0f} MB "
            f"| {peer} |"
        )
    return "\n".join(lines).lstrip() + "\n"
