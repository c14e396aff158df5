"""Values as a reader says them: dates to their precision, large amounts in words, units named."""

from decimal import Decimal

from ..choices import DatePrecision, ValueQualifier

SCALES = ((Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million"))
CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "MXN": "MX$", "CAD": "CA$"}
# “roughly 80%” reads ≈ 80%, “more than $677 billion” > $677 billion.
QUALIFIER_SIGNS = {
    ValueQualifier.EXACT: "",
    ValueQualifier.APPROXIMATELY: "≈ ",
    ValueQualifier.MORE_THAN: "> ",
    ValueQualifier.LESS_THAN: "< ",
    ValueQualifier.AT_LEAST: "≥ ",
    ValueQualifier.AT_MOST: "≤ ",
}


def date_with_precision(value, precision=DatePrecision.DAY):
    """2021-03-01 with precision month is “March 2021”: never show a day the source did not give."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return f"{value:%B} {value.year}"
    return f"{value.day} {value:%B} {value.year}"


def month_label(month):
    """'2021-03' → 'March 2021'."""
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1]} {year}"


MONTHS = "January February March April May June July August September October November December".split()  # noqa: SIM905


def plain_number(value):
    """Decimal without trailing zeros, with thousands separators: 10000.00 → '10,000'."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    return f"{value.normalize():,f}"


def short_number(value):
    """A large number in words: 4000000000 → '4 billion', 1800000000 → '1.8 billion'."""
    value = Decimal(value)
    for size, word in SCALES:
        if abs(value) >= size:
            scaled = (value / size).quantize(Decimal("0.1"))
            return f"{plain_number(scaled)} {word}"
    return plain_number(value)


def money(amount, currency, qualifier=ValueQualifier.EXACT):
    if amount is None:
        return "amount not given"
    sign = CURRENCY_SIGNS.get(currency)
    text = f"{sign}{short_number(amount)}" if sign else f"{short_number(amount)} {currency}"
    return f"{QUALIFIER_SIGNS.get(qualifier, '')}{text}"


def quantity(value, unit, qualifier=ValueQualifier.EXACT):
    """A statistic's value in its unit, as exact as its source: '71%', '> $677 billion', '≈ 80%', '×2', 'rank 1'."""
    if unit == "usd":
        return money(value, "USD", qualifier)
    return f"{QUALIFIER_SIGNS.get(qualifier, '')}{unqualified_quantity(value, unit)}"


def unqualified_quantity(value, unit):
    if unit == "percent":
        return f"{plain_number(value)}%"
    if unit == "ratio":
        return f"×{plain_number(value)}"
    if unit == "count":
        return short_number(value)
    if unit == "rank":
        return f"rank {plain_number(value)}"
    return f"{short_number(value)} {unit}"
