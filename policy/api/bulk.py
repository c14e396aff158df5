"""Bulk writes, as NetBox makes them: a JSON list POSTed to a list endpoint creates every item, a JSON
list of `{<key>, …}` PATCHed to it updates every item — all of them or none, in one transaction.

Each item goes through exactly what a single write does (the serializer, the model's validation, the
same permissions, one history entry per record), in order, so an item sees the items before it (a
slug used twice is refused the second time). A refused item does not stop the others being checked:
the 400 lists every item's errors by index (`[{}, {"excerpt": [...]}, …]`), `{}` for the good ones,
and nothing is written. At most MAX_BULK_ITEMS items per request.
"""

from django.db import IntegrityError, transaction
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from ..records import normalise_key
from .conditional import VERSION

MAX_BULK_ITEMS = 1000


class BulkWrites:
    """`create` takes a list as well as an object; `bulk_partial_update` is PATCH on the list route."""

    def create(self, request, *args, **kwargs):
        if not isinstance(request.data, list):
            return super().create(request, *args, **kwargs)
        items = self.bulk_items(request.data)
        with transaction.atomic():
            saved = [self.bulk_save(self.get_serializer(data=item), self.perform_create) for item in items]
            self.refuse_if_any(saved)
        return self.bulk_response([instance.pk for instance, _ in saved], status.HTTP_201_CREATED)

    def bulk_partial_update(self, request, *args, **kwargs):
        if not isinstance(request.data, list):
            message = f"PATCH on a list takes a JSON list of objects, each with its {self.lookup_field}."
            raise ValidationError({"non_field_errors": [message]})
        items = self.bulk_items(request.data)
        with transaction.atomic():
            saved, seen = [], set()
            for item in items:
                instance, error = self.bulk_target(item, seen)
                if error:
                    saved.append((None, error))
                    continue
                serializer = self.get_serializer(instance, data=item, partial=True)
                saved.append(self.bulk_save(serializer, self.perform_update))
            self.refuse_if_any(saved)
        return self.bulk_response([instance.pk for instance, _ in saved], status.HTTP_200_OK)

    def bulk_items(self, items):
        if "If-Match" in self.request.headers:  # a precondition ignored would be a write it did not allow
            raise ValidationError({"If-Match": ["A list has no version: send If-Match with one record's write."]})
        if not items:
            raise ValidationError({"non_field_errors": ["The list is empty: send at least one item."]})
        if len(items) > MAX_BULK_ITEMS:
            raise ValidationError(
                {"non_field_errors": [f"At most {MAX_BULK_ITEMS} items per request; this one has {len(items)}."]}
            )
        return items

    def bulk_target(self, item, seen):
        """(the record an update item names, None), or (None, its errors)."""
        key = item.get(self.lookup_field) if isinstance(item, dict) else None
        if not isinstance(key, str) or not key:
            return None, {self.lookup_field: [f"Name the record to update by its {self.lookup_field}."]}
        key = normalise_key(self.model, key)
        if key in seen:
            return None, {self.lookup_field: [f"“{key}” is named by an earlier item: one item per record."]}
        seen.add(key)
        instance = self.locked_object(key)
        if instance is None:
            name = self.model._meta.verbose_name
            return None, {self.lookup_field: [f"No {name} with {self.lookup_field} “{key}”."]}
        return instance, None

    def bulk_save(self, serializer, perform):
        """(the saved record, None), or (None, the item's errors)."""
        if not serializer.is_valid():
            return None, serializer.errors
        try:
            with transaction.atomic():  # a savepoint: the items after a refused save are still checked
                perform(serializer)
        except IntegrityError:
            return None, {"non_field_errors": ["The change conflicts with existing data."]}
        return serializer.instance, None

    def refuse_if_any(self, saved):
        if any(error for _, error in saved):
            raise ValidationError([error or {} for _, error in saved])  # rolls the whole list back

    def bulk_response(self, pks, code):
        names = self.field_names(detail=True)
        columns = self.plan.columns(names)
        columns += [column for column in VERSION if column not in columns]
        rows = {row["id"]: row for row in self.model.objects.filter(pk__in=pks).values(*columns)}
        return Response(self.plan.represent([rows[pk] for pk in pks], names, self.request), status=code)
