"""Money: amounts with their currency and scale (“$4 billion” is 4000000000 USD, “€1.2 billion”,
“£300m”, “¥5 trillion”), read as aid packages where a verb gives their status and a noun says they
are aid (“is seeking $4 billion in aid” is requested), otherwise as statistics in US dollars.
An amount in another currency that is not aid has no record to go to (a statistic's unit is
`usd`): it is not proposed. “cut all foreign assistance” is an aid package with no amount."""

import regex

from .base import Proposal
from .context import clause
from .figures import dated, indicator
from .numbers import amount, currency_of, decimal_text, money_pattern, noun_phrase, qualifier_before

STATUSES = (
    ("requested", r"seeking|seeks|sought|requested|requests|requesting|asked for|asking for|asks for|proposed|"
                  r"proposes|proposing|calls for|called for|wants|is requesting|urged"),
    ("pledged", r"pledged|pledges|pledging|promised|promises|committed|commits|vowed|vows|offered|offers|"
                r"agreed|agrees|lend|lends|lent"),
    ("announced", r"announced|announces|announcing|unveiled|unveils|launched|launches|declared"),
    ("appropriated", r"approved|approves|appropriated|allocated|allocates|earmarked|budgeted|authori[sz]ed"),
    ("disbursed", r"disbursed|delivered|sent|provided|provides|spent|paid|gave|gives|given|handed|transferred|released"),  # noqa: E501
    ("cut", r"cut|cuts|cutting|slashed|slashes|withdrew|withdraws|suspended|suspends|froze|freezes|halted|halts|"
            r"cancell?ed|reduced|reduces|eliminated|axed"),
)  # fmt: skip
STATUS_BEFORE = [(name, regex.compile(rf"\b(?:{verbs})\b(?:\s+[^\s,;]+){{0,6}}?\s*$")) for name, verbs in STATUSES]
AID = regex.compile(r"\b(?:aid|assistance|relief|funding|funds|grants?|loans?|package|donations?|financing|support)\b")
LENDING = regex.compile(r"\b(?:lend|lends|lent|loan|loans|donate|donates|donated|grant|grants|granted)\b")
KINDS = (
    ("humanitarian", r"humanitarian|relief|emergency|disaster|refugees?"),
    ("food", r"food|hunger|nutrition"),
    ("security", r"military|security|defen[cs]e|weapons|arms|police|border enforcement"),
)
PER = regex.compile(r"\s(?:per|a|each)\s(?P<per>day|week|month|year)\b|\s(?P<annual>annually)\b")
CUT_WITHOUT_AMOUNT = regex.compile(
    r"\b(?P<verb>cut|slashed|suspended|froze|halted|withdrew)\s(?:all\s|its\s|their\s)?(?:[\p{Ll}-]+\s){0,2}?"
    r"(?P<noun>aid|assistance|funding)\b"
)
FOR_PHRASE = regex.compile(r"\s(?:in|of|for|on)\s")


def extract(document):
    proposals = []
    for start, end in document.sentences:
        if document.quote_holding(start, end):
            continue
        proposals += _amounts(document, start, end) + _cuts(document, start, end)
    return proposals


def _amounts(document, start, end):
    text, proposals = document.text, []
    for match in money_pattern().finditer(text, start, end):
        if document.in_quote(match.start()):
            continue
        number = match.group("number") or match.group("number2")
        value = amount(number, match.group("scale") or match.group("scale2"))
        currency = currency_of(match)
        if value is None or currency is None:
            continue
        left, _right = clause(document, match.start(), start, end)
        status = _status(text, left, match.start())
        after = text[match.end() : min(end, match.end() + 80)]
        before = text[max(left, match.start() - 60) : match.start()]
        is_aid = AID.search(after) or AID.search(before) or LENDING.search(before)
        qualifier = qualifier_before(text, match.start())
        if status and is_aid:
            proposals.append(_aid(document, match, value, currency, status, qualifier, start, end))
        elif currency == "USD":
            proposals.append(_statistic(document, match, value, qualifier, start, end))
    return proposals


def _status(text, left, position):
    window = text[max(left, position - 80) : position]
    for name, pattern in STATUS_BEFORE:
        if pattern.search(window):
            return name
    return None


def _aid(document, match, value, currency, status, qualifier, start, end):
    text = document.text
    title_end = _phrase_end(text, match.end(), end)
    title = text[match.start() : title_end].strip()
    window = text[match.start() : end]
    announced_by = _subject(document, start, match.start())
    fields = {
        "title": title[:500],
        "amount": decimal_text(value),
        "currency": currency,
        "value_qualifier": qualifier,
        "kind": _kind(window[: title_end - match.start() + 40]),
        "status": status,
    }
    donor = _donor(document, announced_by) or next(iter(document.countries_in(start, match.start())), None)
    fields["recipients"] = [c for c in document.countries_in(match.end(), title_end) if c != donor]  # never its own
    if donor:
        fields["donor"] = donor
    if announced_by:
        fields["announced_by"] = announced_by
    fields.update(dated(document, match.start(), start, end, "announced_on"))
    confidence = 0.75 if donor else 0.5
    return Proposal("aid_package", fields, text[start:end], start, end, confidence, f"money.aid_{status}")


def _statistic(document, match, value, qualifier, start, end):
    from .context import reporter

    text = document.text
    per = PER.match(text, match.end())
    suffix = ""
    if per:
        suffix = f" per {per.group('per')}" if per.group("per") else " per year"
    following = FOR_PHRASE.match(text, match.end())
    if following:
        measure = noun_phrase(text, following.end(), end)
    else:
        measure = noun_phrase(text, clause(document, match.start(), start, end)[0], match.start())
    title = f"{measure[:1].upper()}{measure[1:]} (US dollars{suffix})" if measure else f"{match.group()}{suffix}"
    measure = measure or match.group()
    fields = {
        "title": title[:500],
        "indicator": indicator(measure + suffix.replace(" per ", " per_")),
        "value": decimal_text(value),
        "value_qualifier": qualifier,
        "unit": "usd",
        "countries": document.countries_in(start, end),
        "is_derived": False,
    }
    fields.update(dated(document, match.start(), start, end, "period_start"))
    publisher = reporter(document, start, end)
    if publisher:
        fields["publisher"] = publisher
    return Proposal("statistic", fields, text[start:end], start, end, 0.7, "money.statistic")


def _cuts(document, start, end):
    text, proposals = document.text, []
    for match in CUT_WITHOUT_AMOUNT.finditer(text, start, end):
        if money_pattern().search(text, match.start(), end):
            continue  # an amount is read by _amounts
        announced_by = _subject(document, start, match.start())
        fields = {
            "title": text[match.start() : _phrase_end(text, match.end(), end)].strip()[:500],
            "amount": None,
            "currency": "USD",
            "kind": _kind(text[match.start() : end]),
            "status": "cut",
            "recipients": document.countries_in(match.end(), _phrase_end(text, match.end(), end)),
        }
        donor = _donor(document, announced_by)
        if donor:
            fields["donor"] = donor
        if announced_by:
            fields["announced_by"] = announced_by
        fields.update(dated(document, match.start(), start, end, "announced_on"))
        proposals.append(Proposal("aid_package", fields, text[start:end], start, end, 0.5, "money.cut_without_amount"))
    return proposals


def _subject(document, start, position):
    """The actor nearest before the amount in its sentence: who seeks, announces or cuts it."""
    actors = document.mentions_in(start, position, "actor")
    return actors[-1].key if actors else None


def _donor(document, actor_slug):
    actor = document.actor(actor_slug) if actor_slug else None
    return actor.country if actor else None


def _kind(window):
    kinds = [name for name, words in KINDS if regex.search(rf"\b(?:{words})\b", window, regex.IGNORECASE)]
    if len(kinds) > 1:
        return "mixed"
    return kinds[0] if kinds else "development"


def _phrase_end(text, position, end):
    stop = regex.compile(r"[,;]|\s(?:during|to avoid|while|as|after|before|when|which|that|according)\s|\.(?=\s|$)")
    match = stop.search(text, position, end)
    return match.start() if match else end
