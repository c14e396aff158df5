"""Slugs that write themselves: a record's proposed key, from its title, name or text.

ASCII (Django's `slugify`: accents fold away after NFKD, other characters are dropped), cut at a
word to at most PROPOSED_LENGTH characters, and unique among the type's records: `-2`, `-3`, … on
a collision. Editors may still type their own; countries keep their ISO codes (no slug).
"""

import re

from django.db.models import Q
from django.utils.text import slugify

from . import batch, records

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
    claimed but not yet saved (rows earlier in the same import). In a batch (policy.batch) the slugs
    it proposed are taken too, and a base `reserve_slugs` found free is given without a query."""
    writing = batch.current()
    if writing is None:
        return free_slug(model, text, taken)
    given = writing.slugs_given.setdefault(model, set())
    base, unavailable = base_of(model, text), given.union(taken)
    if base in writing.slugs_free.get(model, ()) and base not in unavailable:
        slug = base
    else:
        slug = next_in_family(writing, model, base, unavailable)
    given.add(slug)
    return slug


def next_in_family(writing, model, base, unavailable):
    """base, or base-N with the lowest N not yet tried, the database's slugs of the family read once."""
    family = writing.families.get((model, base))
    if family is None:
        pattern = re.compile(rf"{re.escape(base)}(-[0-9]+)?")  # by prefix: an index range, no regex per row
        like = model.objects.filter(Q(slug=base) | Q(slug__startswith=f"{base}-")).values_list("slug", flat=True)
        used = {slug for slug in like if pattern.fullmatch(slug)}
        family = writing.families[(model, base)] = {"used": used, "next": 2}
    if base not in family["used"] and base not in unavailable:
        return base
    while f"{base}-{family['next']}" in family["used"] or f"{base}-{family['next']}" in unavailable:
        family["next"] += 1
    return f"{base}-{family['next']}"


def reserve_slugs(model, texts, chunk=500):
    """In a batch: ask the database once per `chunk` texts which of their slugs' bases are free."""
    writing = batch.current()
    bases = list({base_of(model, text) for text in texts})
    free = writing.slugs_free.setdefault(model, set())
    for start in range(0, len(bases), chunk):
        wanted = set(bases[start : start + chunk])
        free |= wanted - set(model.objects.filter(slug__in=wanted).values_list("slug", flat=True))


def base_of(model, text):
    return slug_base(text, fallback=records.BY_MODEL[model].name.replace("_", "-"))


def free_slug(model, text, taken):
    base = base_of(model, text)
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
