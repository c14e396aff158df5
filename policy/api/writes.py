"""Writes: each in one transaction, so a request that fails half-way leaves nothing behind; the record
is read with its row locked, so its `If-Match` check (policy.api.conditional) and the write are atomic."""

from django.db import transaction
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from ..locking import locked
from ..provenance import lock_cited_source
from ..reading.plan import ResourceUrls


class LockedWrites:
    """A viewset's record lookup (locked for writes) and its create, update and destroy."""

    def get_lookup_value(self):
        return self.kwargs[self.lookup_field]

    def get_object(self):
        obj = self.locked_object(self.get_lookup_value())
        if obj is None:
            raise NotFound(
                f"No {self.model._meta.verbose_name} with {self.lookup_field} “{self.kwargs[self.lookup_field]}”."
            )
        return obj

    def locked_object(self, key):
        """The record with this key (None if there is none), its row locked for a write."""
        queryset, lookup = self.get_queryset(), {self.lookup_field: key}
        if self.request.method not in SAFE_METHODS and transaction.get_connection(queryset.db).in_atomic_block:
            lock_cited_source(self.model, **lookup)  # first: the order a source's own write locks in
            # Locked until the write's transaction ends: the If-Match check and the write are atomic.
            queryset = locked(queryset)
        obj = queryset.filter(**lookup).first()
        if obj is not None:
            self.check_object_permissions(self.request, obj)
        return obj

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        with transaction.atomic():
            serializer.is_valid(raise_exception=True)
            self.perform_create(serializer)
        instance = serializer.instance
        location = ResourceUrls(request).detail(self.model, getattr(instance, self.lookup_field))
        return self.detail_response(status=status.HTTP_201_CREATED, headers={"Location": location}, pk=instance.pk)

    def update(self, request, *args, partial=False, **kwargs):
        with transaction.atomic():
            instance = self.get_object()
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)  # a malformed body is a 400 before a stale one is a 412
            self.check_preconditions(instance)
            self.perform_update(serializer)
        return self.detail_response(pk=instance.pk)

    def perform_update(self, serializer):
        # A write that changes nothing writes nothing: `updated_at`, the ETag and the history stay.
        if not serializer.changes_anything():
            return
        serializer.save()

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            instance = self.get_object()
            self.check_preconditions(instance)
            self.perform_destroy(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)
