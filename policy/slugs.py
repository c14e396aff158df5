"""Slugs that write themselves: a record's proposed key, from its title, name or text.

ASCII (Django's `slugify`: accents fold away after NFKD, other characters are dropped), cut at a
word to at most PROPOSED_LENGTH characters, and unique among the type's records: `-2`, `-3`, … on
a collision. Editors may still type their own; countries keep their ISO codes (no slug).
"""

import re

from django.utils.text import slugify

from . import records

PROPOSED_LENGTH = 60  # readable in a URL; the column holds 200


def slug_base(text, length=PROPOSED_LENGTH, fallback="record"):
    """`text` as a slug of at most `length` characters, cut between words."""
    slug = slugify(text or "")
    if len(slug) > length:
        cut = slug[: length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut[1:] else slug[:length]
    return slug.strip("-") or fallback


def propose_slug(model, text, *, taken=()):
    """A free slug for a new `model` record titled/named/worded `text`. `taken`: slugs already
    claimed but not yet saved (rows earlier in the same import)."""
    declared = records.BY_MODEL[model]
    base = slug_base(text, fallback=declared.name.replace("_", "-"))
    # The first free of base, base-2, … base-50 by the unique index; past those, every suffix in use.
    candidates = [base, *(f"{base}-{number}" for number in range(2, 51))]
    used = set(model.objects.filter(slug__in=candidates).values_list("slug", flat=True))
    free = next((slug for slug in candidates if slug not in used and slug not in taken), None)
    if free is not None:
        return free
    pattern = rf"^{re.escape(base)}-[0-9]+$"
    used |= set(model.objects.filter(slug__regex=pattern).values_list("slug", flat=True))
    number = 51
    while f"{base}-{number}" in used or f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def label_of(record_type, data):
    """The words a slug is proposed from: the type's label field (title, name or text)."""
    value = data.get(record_type.label)
    return value if isinstance(value, str) else ""
