"""django-simple-history's many-to-many internals, for amending an entry rather than adding one.

A save's history entry is amended by the many-to-many changes made right after it (policy.history):
its snapshot rows (`HistoricalRecords.m2m_models`, one model per tracked field, listed on the entry as
`_history_m2m_fields`) are deleted and written again by `create_historical_record_m2ms`."""


def resnapshot_m2m(records, entry, instance):
    """Rewrite `entry`'s many-to-many snapshot from `instance`'s current links."""
    for field in entry._history_m2m_fields:
        records.m2m_models[field].objects.filter(history=entry).delete()
    records.create_historical_record_m2ms(entry, instance)
