"""Sentences for synthetic records, drawn from policy.synthetic.vocabulary with a seeded RNG."""

import datetime
import random
from decimal import Decimal
from itertools import accumulate

from . import phrases

SPANISH_SPEAKING = {
    *("MX", "GT", "HN", "SV", "NI", "CR", "PA", "CO", "VE", "EC"),
    *("PE", "AR", "CL", "BO", "PY", "UY", "CU", "DO", "ES"),
}


def long_date(day, precision="day"):
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return f"{day:%B} {day.year}"
    return f"{day:%B} {day.day}, {day.year}"


def truncate_to(day, precision):
    """The first day of the period, as the model stores a month or a year."""
    if precision == "year":
        return day.replace(month=1, day=1)
    if precision == "month":
        return day.replace(day=1)
    return day


def period_end(start, precision):
    if precision == "year":
        return start.replace(month=12, day=31)
    if precision == "month":
        following = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return following - datetime.timedelta(days=1)
    return start


def place_names(count=3000):
    """Town names from syllables, the same list for every seed."""
    rng, names = random.Random(3000), {}
    while len(names) < count:
        name = "".join(rng.choice(phrases.SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
        names.setdefault(name, None)
    return list(names)


PLACES = place_names()
PLACE_WEIGHTS = list(accumulate(1 / (rank + 1) for rank in range(len(PLACES))))


class Phrases:
    def __init__(self, rng):
        self.rng = rng

    def fill(self, template, country, topic, year):
        rng = self.rng
        return template.format(
            country=country,
            topic=topic.replace("-", " "),
            year=year,
            adjective=rng.choice(phrases.ADJECTIVES),
            number=f"{rng.randrange(2, 200) * 1000:,}",
            amount=f"{rng.randrange(1, 900)} million",
            place=rng.choices(PLACES, cum_weights=PLACE_WEIGHTS)[0] if "{place}" in template else "",
        )

    def statement(self, language, country, topic, year):
        rng = self.rng
        if language == "es":
            return self.fill(rng.choice(phrases.SPANISH_STATEMENTS), country, topic, year)
        words = [
            rng.choice(phrases.STATEMENT_SUBJECTS),
            rng.choice(phrases.STATEMENT_VERBS),
            rng.choice(phrases.STATEMENT_OBJECTS),
        ]
        tail = rng.choice(phrases.STATEMENT_TAILS)
        sentence = self.fill(" ".join(words + ([tail] if tail else [])) + ".", country, topic, year)
        if rng.random() < 0.5:
            sentence += " " + self.fill(rng.choice(phrases.STATEMENT_EXTRAS), country, topic, year)
        return sentence

    def filler(self):
        return self.rng.choice(phrases.FILLER)

    def policy_title(self, country):
        adjective, noun, kind = (self.rng.choice(part) for part in phrases.POLICY_TITLE_PARTS)
        return f"{adjective} {noun} {kind} for {country}" if self.rng.random() < 0.5 else f"{adjective} {noun} {kind}"

    def summary(self, country, topic, year):
        aim = f"{self.rng.choice(phrases.POLICY_AIMS)} {self.rng.choice(phrases.STATEMENT_OBJECTS)}"
        aim = self.fill(aim, country, topic, year)
        return f"It aims to {aim}, with a focus on {topic.replace('-', ' ')}."

    def statistic_value(self, unit):
        rng = self.rng
        if unit in ("percent", "ratio"):
            return Decimal(rng.randrange(1, 10_000)) / 100
        if unit == "years":
            return Decimal(rng.randrange(1, 1_000)) / 100
        if unit == "usd":
            return Decimal(rng.randrange(1, 100_000) * 10_000)
        return Decimal(rng.randrange(1, 500_000))
