"""The record types the pages show: the declarations (policy.records), so the pages and the API
use one set of names without the pages importing anything from the API (policy.api).

`policies` is the API's `/api/v1/policies/` and the pages' `/policies/`; a record's page and
its API detail differ only by that prefix.
"""

from functools import cached_property

from django.urls import reverse

from .. import filtersets, records
from ..filters import RelatedFilter
from ..reading.history_reader import history_reader
from ..representation import serializer_for


class Resource:
    def __init__(self, record_type):
        self.type = record_type
        self.prefix = record_type.resource
        self.model = record_type.model
        self.key = record_type.key
        self.label = record_type.label
        self.name = self.model._meta.model_name
        self.verbose_name = self.model._meta.verbose_name
        self.verbose_name_plural = self.model._meta.verbose_name_plural

    @cached_property
    def filterset_class(self):
        return filtersets.filterset_for(self.type)

    @cached_property
    def history_reader(self):
        # Read through the API's serializer: the page lists the same entries /history/ does.
        return history_reader(serializer_for(self.type))

    @cached_property
    def filters(self):
        """{model field name: API parameter} for the resource's related-record filters."""
        return {
            f.field_name: name for name, f in self.filterset_class.base_filters.items() if isinstance(f, RelatedFilter)
        }

    def page_url(self, key):
        return reverse("web:record", kwargs={"resource": self.prefix, "key": key})

    def list_url(self):
        return reverse("web:list", kwargs={"resource": self.prefix})

    def api_url(self, key=None):
        base = reverse(f"{self.name}-list")
        return base if key is None else f"{base}{key}/"

    def api_filter_url(self, field_name, key):
        """The API list of this type's records related to `key` through `field_name`, if it has that filter."""
        param = self.filters.get(field_name)
        return None if param is None else f"{self.api_url()}?{param}={key}"


RESOURCES = {t.resource: Resource(t) for t in records.TYPES}
BY_MODEL = {resource.model: resource for resource in RESOURCES.values()}


def page_url(model, key):
    resource = BY_MODEL.get(model)
    return None if resource is None or key is None else resource.page_url(key)
