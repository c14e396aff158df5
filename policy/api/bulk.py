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
from rest_framework.serializers import as_serializer_error

from ..batch import create_all, creates_plainly, existing_keys, many_writes, unique_check_off
from ..records import BY_MODEL, normalise_key
from ..slugs import label_of, reserve_slugs
from .conditional import VERSION

MAX_BULK_ITEMS = 1000


class BulkWrites:
    """`create` takes a list as well as an object; `bulk_partial_update` is PATCH on the list route."""

    def create(self, request, *args, **kwargs):
        if not isinstance(request.data, list):
            return super().create(request, *args, **kwargs)
        items = self.bulk_items(request.data)
        with transaction.atomic(), many_writes():
            checker = self.get_serializer()
            if creates_plainly(checker):
                pks = create_checked(checker, items, self.lookup_field)
            else:  # nested writes (a policy's links): each item saved as a single POST saves it
                saved = [self.bulk_save(self.get_serializer(data=item), self.perform_create) for item in items]
                self.refuse_if_any(saved)
                pks = [instance.pk for instance, _ in saved]
        return self.bulk_response(pks, status.HTTP_201_CREATED)

    def bulk_partial_update(self, request, *args, **kwargs):
        if not isinstance(request.data, list):
            message = f"PATCH on a list takes a JSON list of objects, each with its {self.lookup_field}."
            raise ValidationError({"non_field_errors": [message]})
        items = self.bulk_items(request.data)
        with transaction.atomic(), many_writes():
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
            message = f"At most {MAX_BULK_ITEMS} items per request; this one has {len(items)}."
            raise ValidationError({"non_field_errors": [message]})
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


def create_checked(checker, items, key):
    """Validate every item with one serializer (errors by index; a key two items give is refused the
    second time; the keys checked against the database at once), then create them all
    (policy.batch.create_all); the new records' pks, in the items' order."""
    model = checker.Meta.model
    if "slug" in checker.fields:  # one query per 500 items for the slugs proposed to them
        unnamed = [item for item in items if isinstance(item, dict) and not item.get("slug")]
        reserve_slugs(model, [label_of(BY_MODEL[model], item) for item in unnamed])
    unique_message = unique_check_off(checker, key)
    given = [item.get(key) if isinstance(item, dict) else None for item in items]
    in_database = existing_keys(model, key, given) if unique_message else set()
    errors, rows, first = [], [], {}
    for index, item in enumerate(items):
        try:
            rows.append(checker.run_validation(item))
            errors.append({})
        except ValidationError as error:
            rows.append(None)
            errors.append(as_serializer_error(error))
        value = rows[-1].get(key) if rows[-1] is not None else None
        if isinstance(given[index], str) and normalise_key(model, given[index]) in in_database:
            errors[-1][key] = [unique_message]
        elif isinstance(value, str) and value in first:
            errors[-1][key] = [f"“{value}” is also the {key} of item {first[value]}: one item per record."]
        elif isinstance(value, str):
            first[value] = index
    if any(errors):
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            records = create_all(model, rows)
    except IntegrityError:
        raise ValidationError({"non_field_errors": ["The change conflicts with existing data."]}) from None
    return [record.pk for record in records]
