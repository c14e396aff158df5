"""A record's key may change (a slug renamed): a link made before still finds it, through its history.

Only where a key names no record now, so a key taken again by another record names that one. A record's
page answers with a temporary redirect (302), not a permanent one: a browser would keep a 301 for good,
and send a reader of a key later taken by another record to the old one. The API's detail stays a 404
(the change feed's consumers read it as "gone from this key"), its message naming the key now."""


def current_key(model, key_field, key):
    """The key now of the record that was last saved under `key`, or None (never such a key, or deleted)."""
    history = model.history.model.objects.filter(**{key_field: key}).order_by("-history_date", "-history_id")
    last = history.values_list("id", flat=True).first()
    if last is None:
        return None
    now = model.objects.filter(pk=last).values_list(key_field, flat=True).first()
    return now if now != key else None
