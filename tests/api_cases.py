"""Generic API test cases, NetBox style: a per-resource class declares its `model`, its `route`
and its write data, and `APICases` gives it list, retrieve, filter, sparse-field, CSV and write
tests (filters in tests/api_filter_cases.py, writes in tests/api_write_cases.py).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers
from rest_framework.test import APIClient

from policy.models import Source

from .api_filter_cases import FilterCases
from .api_support import (
    BIG_PAGE,
    VIEWSETS,
    absolute,
    compact,
    csv_cell,
    csv_rows,
    detail_url,
    is_related,
    key_name,
    key_of,
    label_name,
    list_url,
    related_keys,
    related_objects,
    same_scalar,
)
from .api_write_cases import WriteCases


class ResourceCases:
    """Declare `model` and `route`; override `create_payload` (and `update_payload`, `invalid`)."""

    model = None
    route = None
    # PATCH changes for `update_payload`; (overrides of the create payload, field the 400 names).
    update = {}
    invalid = []

    def create_payload(self):
        raise NotImplementedError

    def update_payload(self):
        return dict(self.update)

    @property
    def viewset(self):
        return VIEWSETS[self.route]

    @property
    def filterset(self):
        return self.viewset.filterset_class

    @property
    def serializer(self):
        return self.viewset.serializer_class()

    @property
    def key(self):
        return key_name(self.model)

    def pytest_generate_tests(self, metafunc):
        if "param" in metafunc.fixturenames:
            metafunc.parametrize("param", sorted(self.filterset.base_filters))
        if "search_path" in metafunc.fixturenames:
            metafunc.parametrize("search_path", self.filterset.search_fields)
        if "invalid_case" in metafunc.fixturenames:
            ids = [f"{field}-{i}" for i, (_, field) in enumerate(self.invalid)]
            metafunc.parametrize("invalid_case", self.invalid, ids=ids)

    @pytest.fixture
    def api(self, db):
        return APIClient()

    def records(self):
        """Every record with its related records loaded, for expectations computed in Python;
        read once per test (a new instance each), and again after `forget_records`."""
        if getattr(self, "_records", None) is None:
            meta = self.model._meta
            foreign_keys = [f.name for f in meta.concrete_fields if f.is_relation]
            many = [f.name for f in meta.many_to_many]
            queryset = self.model.objects.select_related(*foreign_keys).prefetch_related(*many)
            self._records = list(queryset.order_by("pk"))
        return self._records

    def forget_records(self):
        self._records = None

    def sample(self):
        """The record with the most related data, so compact objects get exercised."""
        fields = [f.source for f in self.serializer.fields.values() if is_related(f)]
        return max(self.records(), key=lambda obj: (sum(bool(related_objects(obj, f)) for f in fields), -obj.pk))

    def fetch(self, api, params):
        """Keys of the whole filtered list, in order; asserts no record comes back twice."""
        response = api.get(list_url(self.route), {**BIG_PAGE, **params})
        assert response.status_code == 200, response.content
        body = response.json()
        keys = [item[self.key] for item in body["results"]]
        assert body["count"] == len(keys), "filtered list must fit on one page"
        assert len(set(keys)) == len(keys), f"duplicate records for {params}"
        return keys

    def assert_rejected(self, response, name):
        assert response.status_code == 400, response.content
        assert name in response.json(), response.json()


class ListCases:
    def test_list_counts_every_record(self, api):
        response = api.get(list_url(self.route))
        assert response.status_code == 200
        body = response.json()
        assert list(body) == ["count", "next", "previous", "results"]
        assert body["count"] == self.model.objects.count() > 0
        assert len(body["results"]) == min(50, body["count"])
        assert body["previous"] is None
        assert (body["next"] is None) == (body["count"] <= 50)
        detail_only = getattr(self.serializer.Meta, "detail_only_fields", ())
        assert list(body["results"][0]) == [name for name in self.serializer.fields if name not in detail_only]

    def test_pages_cover_every_record_once(self, api):
        total = self.model.objects.count()
        size = max(1, total // 3)
        keys, url, params = [], list_url(self.route), {"page_size": size}
        while url:
            body = api.get(url, params).json()
            assert len(body["results"]) <= size
            keys += [item[self.key] for item in body["results"]]
            url, params = body["next"], None
        assert sorted(keys) == sorted(key_of(obj) for obj in self.records())
        assert len(set(keys)) == total

    def test_page_size_above_the_maximum_is_capped(self, api):
        body = api.get(list_url(self.route), {"page_size": 5000}).json()
        assert len(body["results"]) == min(1000, body["count"])

    def test_malformed_paging_is_400(self, api):
        self.assert_rejected(api.get(list_url(self.route), {"page_size": "abc"}), "page_size")
        self.assert_rejected(api.get(list_url(self.route), {"page_size": "0"}), "page_size")
        for page in ("0", "abc", "-1"):
            self.assert_rejected(api.get(list_url(self.route), {"page": page}), "page")
        response = api.get(list_url(self.route), {"page": 9999})
        assert response.status_code == 404 and "detail" in response.json()

    def test_unknown_query_parameter_is_400(self, api):
        self.assert_rejected(api.get(list_url(self.route), {"colour": "red"}), "colour")
        self.assert_rejected(api.get(detail_url(self.route, self.sample()), {"colour": "red"}), "colour")


class RetrieveCases:
    def test_retrieve_has_every_field_with_the_records_values(self, api):
        obj = self.sample()
        response = api.get(detail_url(self.route, obj))
        assert response.status_code == 200
        data = response.json()
        assert list(data) == list(self.serializer.fields)
        for name, field in self.serializer.fields.items():
            if isinstance(field, serializers.HyperlinkedIdentityField):
                assert data[name] == absolute(self.model, key_of(obj))
            elif isinstance(field, serializers.ManyRelatedField):
                expected = sorted((compact(t) for t in related_objects(obj, field.source)), key=lambda c: c["url"])
                assert sorted(data[name], key=lambda c: c["url"]) == expected, name
            elif is_related(field):
                targets = related_objects(obj, field.source)
                assert data[name] == (compact(targets[0]) if targets else None), name
            elif isinstance(field, serializers.ListSerializer):
                assert data[name] == self.expected_nested(obj, name), name
            else:
                assert same_scalar(data[name], getattr(obj, field.source)), (name, data[name])

    def expected_nested(self, obj, name):
        raise NotImplementedError(f"{type(self).__name__} must say what its nested field {name!r} holds")

    def test_url_round_trips(self, api):
        for item in api.get(list_url(self.route), BIG_PAGE).json()["results"]:
            assert item["url"] == absolute(self.model, item[self.key])
        data = api.get(detail_url(self.route, self.sample())).json()
        assert api.get(data["url"]).json() == data

    def test_related_urls_resolve(self, api):
        data = api.get(detail_url(self.route, self.sample())).json()
        for name, field in self.serializer.fields.items():
            if is_related(field) and data[name]:
                first = data[name][0] if isinstance(data[name], list) else data[name]
                related = api.get(first["url"]).json()
                assert {k: related[k] for k in first} == first, name

    def test_unknown_key_is_404_with_a_json_body(self, api):
        response = api.get(detail_url(self.route, "no-such-record"))
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
        assert "no-such-record" in response.json()["detail"]


class CitedCases:
    """For records drawn from a source: the excerpt and where it sits in the source's text."""

    def test_every_excerpt_sits_at_its_offsets(self, api):
        texts = dict(Source.objects.values_list("slug", "text"))
        results = api.get(list_url(self.route), BIG_PAGE).json()["results"]
        assert len(results) == self.model.objects.count()
        for item in results:
            assert set(item["source"]) == {"slug", "title", "url"}
            text = texts[item["source"]["slug"]]
            if text:
                assert text[item["excerpt_start"] : item["excerpt_end"]] == item["excerpt"], item[self.key]
            else:
                assert item["excerpt_start"] is None and item["excerpt_end"] is None


class SparseFieldCases:
    def test_fields_returns_only_those_fields(self, api):
        label = label_name(self.model)
        for url in (list_url(self.route), detail_url(self.route, self.sample())):
            body = api.get(url, {"fields": f"{self.key},{label}"}).json()
            for item in body.get("results", [body]):
                assert list(item) == [self.key, label]

    def test_omit_leaves_fields_out(self, api):
        label = label_name(self.model)
        full = api.get(detail_url(self.route, self.sample())).json()
        data = api.get(detail_url(self.route, self.sample()), {"omit": f"{label},url"}).json()
        assert list(data) == [name for name in full if name not in (label, "url")]
        for item in api.get(list_url(self.route), {"omit": label}).json()["results"]:
            assert label not in item and self.key in item

    def test_unknown_field_is_400(self, api):
        for param in ("fields", "omit"):
            self.assert_rejected(api.get(list_url(self.route), {param: f"{self.key},colour"}), param)
            self.assert_rejected(api.get(detail_url(self.route, self.sample()), {param: "colour"}), param)

    def test_fewer_fields_fetch_less(self, api):
        table = self.model._meta.db_table
        m2m_tables = [f.remote_field.through._meta.db_table for f in self.model._meta.many_to_many]
        with CaptureQueriesContext(connection) as full:
            assert api.get(list_url(self.route)).status_code == 200
        with CaptureQueriesContext(connection) as sparse:
            assert api.get(list_url(self.route), {"fields": self.key}).status_code == 200
        assert not [q for q in sparse.captured_queries if any(f'"{t}"' in q["sql"] for t in m2m_tables)]
        if self.serializer_has_many():
            assert len(sparse) < len(full)
        assert self.selected_columns(sparse, table) < self.selected_columns(full, table)

    def serializer_has_many(self):
        return any(
            isinstance(f, (serializers.ManyRelatedField, serializers.ListSerializer))
            for f in self.serializer.fields.values()
        )

    @staticmethod
    def selected_columns(captured, table):
        rows = [
            q["sql"] for q in captured.captured_queries if f'FROM "{table}"' in q["sql"] and "COUNT(" not in q["sql"]
        ]
        assert len(rows) == 1, rows
        return rows[0].split(" FROM ")[0].count(",") + 1


class CsvCases:
    def test_csv_lists_every_record(self, api):
        json_items = api.get(list_url(self.route), BIG_PAGE).json()["results"]
        for response in (
            api.get(list_url(self.route), {"format": "csv"}),
            api.get(list_url(self.route), HTTP_ACCEPT="text/csv"),
        ):
            assert response.status_code == 200
            assert response["Content-Type"].startswith("text/csv")
            header, *rows = csv_rows(response)
            assert header == list(json_items[0])
            assert len(rows) == self.model.objects.count()
            assert rows == [[csv_cell(item[name]) for name in header] for item in json_items]

    def test_csv_names_related_records_by_key(self, api):
        header, *rows = csv_rows(api.get(list_url(self.route), {"format": "csv"}))
        by_key = {key_of(obj): obj for obj in self.records()}
        related = {name: f.source for name, f in self.serializer.fields.items() if is_related(f) and name in header}
        for row in rows:
            obj = by_key[row[header.index(self.key)]]
            for name, source in related.items():
                assert row[header.index(name)] == ";".join(sorted(related_keys(obj, source))), name

    def test_csv_with_page_size_renders_that_page(self, api):
        response = api.get(list_url(self.route), {"format": "csv", "page_size": 2, "page": 1})
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        header, *rows = csv_rows(response)
        assert len(rows) == min(2, self.model.objects.count())
        assert [row[header.index(self.key)] for row in rows] == self.fetch(api, {})[:2]


class APICases(ResourceCases, ListCases, RetrieveCases, FilterCases, SparseFieldCases, CsvCases, WriteCases):
    """Every generic case; a resource class inherits this and declares its model, route and data."""
