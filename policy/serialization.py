"""JSON for `dumpdata`/`loaddata` that keeps date-times exact.

Django's JSON serializer cuts date-times to milliseconds, so a backup restored from it would move
every `updated_at` and history timestamp (and with them every ETag, and the order of changes made
within the same millisecond). This one writes all six digits of the microseconds; it reads
everything Django's writes. Registered as the "json" format in settings.SERIALIZATION_MODULES.
"""

import datetime

from django.core.serializers import json
from django.core.serializers.json import Deserializer  # noqa: F401  (the format's reader, unchanged)


class ExactEncoder(json.DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class Serializer(json.Serializer):
    def serialize(self, queryset, **options):
        # Options the serializer does not know are the JSON encoder's (Django's own takes `cls` from them).
        options.setdefault("cls", ExactEncoder)
        return super().serialize(queryset, **options)
