"""The fields a FilterSet's `search_fields` name, split into the record's own and related records'."""

from collections import defaultdict


def split_fields(model, search_fields):
    """Own fields, and related fields grouped by relation: {"speaker": ["name", "aliases"]}."""
    own, related = [], defaultdict(list)
    for path in search_fields:
        head, _, rest = path.partition("__")
        if rest:
            related[head].append(rest)
        else:
            own.append(head)
    return own, dict(related)
