"""Chart geometry for the landing page, computed here and drawn as inline SVG by the templates.

Every function takes the few aggregated rows the database returned (policy.web.overview) and
returns plain numbers and strings, so the templates only place shapes; no JavaScript is needed.
Colours are the Okabe–Ito palette, which stays distinguishable for colour-blind readers.
"""

from dataclasses import dataclass

from ..records import ON_TIMELINE
from .formatting import MONTHS, money, month_label, quantity

TYPE_COLOURS = {name: record_type.colour for name, record_type in ON_TIMELINE.items()}  # policy.records
STATUS_COLOURS = {
    "requested": "#56B4E9",
    "pledged": "#CC79A7",
    "announced": "#E69F00",
    "appropriated": "#0072B2",
    "disbursed": "#009E73",
    "cut": "#D55E00",
}
UNIT_COLOURS = {
    "percent": "#0072B2",
    "usd": "#009E73",
    "count": "#E69F00",
    "persons": "#CC79A7",
    "ratio": "#D55E00",
    "years": "#56B4E9",
}


def fmt(number):
    """Coordinates as compact strings (the templates must not localise them)."""
    return f"{number:.1f}".rstrip("0").rstrip(".")


@dataclass
class Shape:
    x: str
    y: str
    width: str
    height: str
    colour: str
    href: str
    title: str
    faint: bool = False


# The timeline ----------------------------------------------------------------------------------

TIMELINE_WIDTH, TIMELINE_HEIGHT = 960, 240
PLOT_LEFT, PLOT_TOP, PLOT_BOTTOM = 44, 12, 206


def month_range(first, last):
    year, month = map(int, first.split("-"))
    end = tuple(map(int, last.split("-")))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def nice_ceiling(value):
    """The smallest of 1, 2, 5 × 10ⁿ at or above value: an axis maximum a reader can divide."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def stacks_by_month(rows, types):
    """{month: [(type rank, year-only?, type, count)]}; day- and month-dated records share a segment."""
    order = {name: i for i, name in enumerate(types)}
    segments = {}
    for record_type, month, precision, count in rows:
        key = (month, order[record_type], precision == "year", record_type)
        segments[key] = segments.get(key, 0) + count
    stacks = {}
    for (month, rank, coarse, record_type), count in sorted(segments.items()):
        stacks.setdefault(month, []).append((rank, coarse, record_type, count))
    return stacks


def timeline(rows, types, link):
    """Stacked monthly bars, one colour per record type; records dated only to a year are drawn faint
    in that year's January. `rows` are (type, 'YYYY-MM', precision, count), `types` {type: plural name},
    `link(type, month, year_only)` the URL a bar opens."""
    if not rows:
        return None
    months = month_range(min(r[1] for r in rows), max(r[1] for r in rows))
    index = {month: i for i, month in enumerate(months)}
    stacks = stacks_by_month(rows, types)
    top = nice_ceiling(max(sum(s[3] for s in stack) for stack in stacks.values()))
    slot = (TIMELINE_WIDTH - PLOT_LEFT - 8) / len(months)
    scale = (PLOT_BOTTOM - PLOT_TOP) / top
    bars = []
    for month, stack in stacks.items():
        y = PLOT_BOTTOM
        for _, coarse, record_type, count in stack:
            height = count * scale
            y -= height
            when = month[:4] + " (dated to the year only)" if coarse else month_label(month)
            noun = types[record_type] if count != 1 else record_type.replace("_", " ")
            bars.append(
                Shape(
                    fmt(PLOT_LEFT + index[month] * slot + slot * 0.1),
                    fmt(y),
                    fmt(max(slot * 0.8, 1)),
                    fmt(height),
                    TYPE_COLOURS[record_type],
                    link(record_type, month, coarse),
                    f"{when}: {count} {noun}",
                    coarse,
                )
            )
    return {
        "width": TIMELINE_WIDTH,
        "height": TIMELINE_HEIGHT,
        "bars": bars,
        "grid": [{"y": fmt(PLOT_BOTTOM - tick * scale), "label": tick} for tick in sorted({0, top // 2, top})],
        "years": year_labels(months, slot),
        "plot_left": PLOT_LEFT,
        "plot_right": TIMELINE_WIDTH - 8,
        "baseline": PLOT_BOTTOM,
        "first": month_label(months[0]),
        "last": month_label(months[-1]),
        "legend": [{"name": types[t], "colour": TYPE_COLOURS[t]} for t in types],
    }


def year_labels(months, slot):
    """A label under each January, thinned so labels never overlap (about 40 px each), and the first
    month's (“Dec 1990”, about 60 px) where it does not start in January and there is room for it."""
    every = 1
    while slot * 12 * every < 40:
        every += 1
    labels = []
    for i, month in enumerate(months):
        year = int(month[:4])
        if (month.endswith("-01") or i == 0) and year % every == 0:
            labels.append({"x": PLOT_LEFT + i * slot, "label": year if month.endswith("-01") else month_abbr(month)})
    if len(labels) > 1 and isinstance(labels[0]["label"], str) and labels[1]["x"] - labels[0]["x"] < 60:
        del labels[0]  # it was drawn over the next January's year
    return [{**label, "x": fmt(label["x"])} for label in labels]


def month_abbr(month):
    return f"{MONTHS[int(month[5:]) - 1][:3]} {month[:4]}"


# Horizontal bar charts -------------------------------------------------------------------------


def bar_chart(items):
    """Rows of {label, magnitude, value, colour, href, title}, each bar a percentage of the largest.

    Drawn as HTML rows with an SVG bar each, so labels wrap and the chart fits any width."""
    if not items:
        return None
    largest = max(item["magnitude"] for item in items) or 1
    return {
        "rows": [
            {**item, "percent": fmt(max(100 * item["magnitude"] / largest, 0.5 if item["magnitude"] else 0))}
            for item in items
        ]
    }


def aid_by_status(groups, currency, statuses, link):
    """One bar per status: the total in `currency`; the value text counts packages with no amount too."""
    items = []
    for status, label in statuses:
        group = groups.get(status)
        if not group:
            continue
        total = group["totals"].get(currency)
        missing = group["count"] - group["priced"]
        text = money(total, currency) if total is not None else "no amount given"
        if missing and total is not None:
            text += f", {missing} with no amount"
        items.append(
            {
                "label": f"{label} ({group['count']})",
                "magnitude": float(total or 0),
                "value": text,
                "colour": STATUS_COLOURS[status],
                "href": link(status),
                "title": f"{label}: {group['count']} aid package(s)",
            }
        )
    return bar_chart(items)


def largest_packages(packages, status_labels, link):
    return bar_chart(
        [
            {
                "label": package["title"],
                "magnitude": float(package["amount"]),
                "value": f"{money(package['amount'], package['currency'], package['value_qualifier'])} · "
                f"{status_labels[package['status']]}",
                "colour": STATUS_COLOURS[package["status"]],
                "href": link(package["slug"]),
                "title": package["title"],
            }
            for package in packages
        ]
    )


def statistics_by_unit(units, figures, unit_labels, link):
    """Per unit present, its top figures as bars scaled within the unit (units never share an axis). Ranks
    are listed first to last with no bar: a longer bar for rank 2 than for rank 1 would read backwards."""
    panels = []
    for unit in units:
        ranks = unit["unit"] == "rank"
        mine = sorted(
            (f for f in figures if f["unit"] == unit["unit"]), key=lambda f: float(f["value"]) * (1 if ranks else -1)
        )
        chart = bar_chart(
            [
                {
                    "label": figure["title"],
                    "magnitude": 0 if ranks else abs(float(figure["value"])),
                    "value": quantity(figure["value"], unit["unit"], figure["value_qualifier"]),
                    "colour": UNIT_COLOURS.get(unit["unit"], "#555"),
                    "href": link(figure["slug"]),
                    "title": figure["title"],
                }
                for figure in mine
            ]
        )
        panels.append({"unit": unit_labels.get(unit["unit"], unit["unit"]), "count": unit["count"], "chart": chart})
    return panels
