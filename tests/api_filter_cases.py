"""Filter cases: every parameter of a resource's FilterSet is a test, checked by the case for its
filter class, with the expected records computed in Python from model instances — never with the
ORM filter under test. A filter class no case knows fails the meta-test (`filter_kind` is None).
"""

import datetime
from decimal import Decimal

import django_filters
import pytest
from django.db import models

from policy.filters import ChoicesFilter, DateFilter, MomentFilter, RelatedFilter, StableOrderingFilter

from .api_support import (
    ascii_words,
    expected_order,
    key_of,
    list_url,
    matches_search,
    most_common,
    non_ascii_words,
    related_keys,
    texts_at,
    without_accents,
)

# A value of the right shape that each kind of filter must refuse with a 400 naming the parameter.
MALFORMED = {
    "related": "no-such-record",
    "choices": "no-such-choice",
    "date": "2021-02-30",
    "moment": "2021-02-30T12:00:00Z",
    "number": "abc",
    "search": "x" * 201,
    "ordering": "no_such_field",
}


def filter_kind(filter_):
    """The generic case that tests a filter, or None when the generic cases do not know it."""
    kind = type(filter_)
    if kind is RelatedFilter:
        return "related"
    if kind is ChoicesFilter:
        return "choices"
    if kind is DateFilter and filter_.lookup_expr in ("gte", "lte"):
        return "date"
    if kind is MomentFilter:
        return "moment"
    if kind is django_filters.NumberFilter and filter_.lookup_expr in ("gte", "lte"):
        return "number"
    if kind is django_filters.CharFilter and filter_.method == "filter_search":
        return "search"
    if kind is StableOrderingFilter:
        return "ordering"
    return None


class FilterCases:
    def filter_for(self, param):
        return self.filterset.base_filters[param]

    def test_filter(self, api, param):
        filter_ = self.filter_for(param)
        getattr(self, f"check_{filter_kind(filter_)}")(api, param, filter_)

    def test_filter_rejects_malformed_values(self, api, param):
        filter_ = self.filter_for(param)
        response = api.get(list_url(self.route), {param: MALFORMED[filter_kind(filter_)]})
        self.assert_rejected(response, param)
        # An unknown choice or ordering is answered with the valid ones (it said only "not one of the
        # available choices").
        kind = filter_kind(filter_)
        if kind in ("date", "moment"):  # it said "Enter a valid date", or "not an ISO 8601 date-time"
            day = "“2021-02-30” is not a day of the calendar: February 2021's days run from 01 to 28."
            assert response.json()[param] == [day]
        if kind in ("choices", "ordering"):
            valid = filter_.param_map if kind == "ordering" else [value for value, _ in filter_.extra["choices"]]
            [message] = response.json()[param]
            assert f"“{MALFORMED[kind]}”" in message
            assert f": {', '.join(valid)}" in message, message

    def expect(self, predicate):
        return {key_of(obj) for obj in self.records() if predicate(obj)}

    def check_related(self, api, param, filter_):
        field, records = filter_.field_name, self.records()
        used = most_common(key for obj in records for key in related_keys(obj, field))
        # Keys the data uses, most used first; then keys no record uses (expected to add nothing).
        keys = used + [key for key in map(key_of, filter_.queryset.order_by("pk")) if key not in used]
        first = keys[0]
        assert set(self.fetch(api, {param: first})) == self.expect(lambda o: first in related_keys(o, field))
        # A second key that adds records, if the data has one: repeating the parameter means OR.
        with_first = self.expect(lambda o: first in related_keys(o, field))
        others = [k for k in keys[1:] if not self.expect(lambda o, k=k: k in related_keys(o, field)) <= with_first]
        pair = [first, *(others or keys[1:2])]
        assert set(self.fetch(api, {param: pair})) == self.expect(lambda o: related_keys(o, field) & set(pair))
        # Every key at once: a record related to several must still come back once.
        everything = list(used) or keys
        assert set(self.fetch(api, {param: everything})) == self.expect(lambda o: related_keys(o, field))
        if filter_.queryset.model._meta.model_name == "country":
            assert set(self.fetch(api, {param: first.lower()})) == with_first
        self.assert_rejected(api.get(list_url(self.route), {param: [first, "no-such-record"]}), param)

    def check_choices(self, api, param, filter_):
        field = filter_.field_name
        choices = [value for value, _ in filter_.extra["choices"]]
        present = most_common(getattr(obj, field) for obj in self.records())
        first = present[0]
        assert set(self.fetch(api, {param: first})) == self.expect(lambda o: getattr(o, field) == first)
        pair = [first, (present[1:] or [c for c in choices if c != first])[0]]
        assert set(self.fetch(api, {param: pair})) == self.expect(lambda o: getattr(o, field) in pair)

    def bound_cases(self, filter_):
        """(boundary, expected keys, keys on the boundary) for a `gte`/`lte` filter; the boundary is
        the middle value in the data."""
        field, later = filter_.field_name, filter_.lookup_expr == "gte"
        values = self.values_of(field)
        boundary = values[len(values) // 2]

        def inside(obj):
            value = getattr(obj, field)
            return value is not None and (value >= boundary if later else value <= boundary)

        return boundary, self.expect(inside), self.expect(lambda o: getattr(o, field) == boundary)

    def values_of(self, field):
        """At least three distinct values of `field`. Where the fixtures give fewer (no policy has an
        end date), records without one get one here: ends far in the future, anything else far in the
        past, so no date range is ever reversed."""
        values = sorted({getattr(obj, field) for obj in self.records()} - {None})
        blanks = self.model.objects.filter(**{f"{field}__isnull": True}).order_by("pk")
        missing = max(0, 3 - len(values))
        for i, obj in enumerate(blanks[:missing]):
            if isinstance(self.model._meta.get_field(field), models.DateField):
                value = datetime.date(2031 + i, 1, 1) if "end" in field else datetime.date(1990 + i, 1, 1)
            else:
                value = Decimal(10 ** (i + 1))
            self.model.objects.filter(pk=obj.pk).update(**{field: value})
            values.append(value)
        self.forget_records()
        assert len(set(values)) >= 2, f"too few {self.model.__name__} records to test {field}"
        return sorted(set(values))

    def check_date(self, api, param, filter_):
        boundary, expected, on_boundary = self.bound_cases(filter_)
        got = set(self.fetch(api, {param: boundary.isoformat()}))
        assert got == expected
        assert on_boundary <= got, "the boundary is inclusive"
        self.assert_rejected(api.get(list_url(self.route), {param: "March 2021"}), param)

    def check_moment(self, api, param, filter_):
        """`updated_after=` and the like: a date-time (inclusive, any offset) or a date (its whole day, UTC)."""
        field, later = filter_.field_name, filter_.later
        # The fixtures are stamped at load time, all within a second: spread them over five days.
        for i, pk in enumerate(self.model.objects.order_by("pk").values_list("pk", flat=True)):
            stamp = datetime.datetime(2021, 5, 3 + i % 5, 10, 30, 15, 123456 + i, tzinfo=datetime.UTC)
            self.model.objects.filter(pk=pk).update(**{field: stamp})
        self.forget_records()
        values = sorted({getattr(obj, field) for obj in self.records()})
        boundary = values[len(values) // 2]

        def expected(limit, value_of=lambda moment: moment):
            return self.expect(
                lambda o: value_of(getattr(o, field)) >= limit if later else value_of(getattr(o, field)) <= limit
            )

        got = set(self.fetch(api, {param: boundary.isoformat()}))
        assert got == expected(boundary)
        assert self.expect(lambda o: getattr(o, field) == boundary) <= got, "the boundary is inclusive"
        elsewhere = boundary.astimezone(datetime.timezone(datetime.timedelta(hours=-5)))
        assert set(self.fetch(api, {param: elsewhere.isoformat()})) == got
        assert set(self.fetch(api, {param: boundary.replace(tzinfo=None).isoformat()})) == got, "no offset: UTC"
        day = boundary.date()
        by_day = set(self.fetch(api, {param: day.isoformat()}))
        assert by_day == expected(day, lambda moment: moment.date())
        assert got <= by_day and self.expect(lambda o: getattr(o, field).date() == day) <= by_day, "the whole day"
        for malformed in ("March 2021", "2021-05-07T25:00", "2021-05", "9999-12-31T23:59:59-23:59"):
            self.assert_rejected(api.get(list_url(self.route), {param: malformed}), param)

    def check_number(self, api, param, filter_):
        boundary, expected, on_boundary = self.bound_cases(filter_)
        got = set(self.fetch(api, {param: str(boundary)}))
        assert got == expected
        assert on_boundary <= got, "the bound is inclusive"

    def check_search(self, api, param, filter_):
        fields = self.filterset.search_fields
        obj = next(o for o in self.records() if any(ascii_words(t) for p in fields for t in texts_at(o, p)))
        word = max((w for p in fields for t in texts_at(obj, p) for w in ascii_words(t)), key=len)
        got = self.fetch(api, {param: word.swapcase()})
        assert key_of(obj) in got
        assert set(got) == self.expect(lambda o: matches_search(o, fields, word))
        assert self.fetch(api, {param: ""}) == self.fetch(api, {})  # empty: not given
        self.assert_rejected(api.get(list_url(self.route), {param: "   "}), param)  # blank: malformed

    def test_search_reaches_each_search_field(self, api, search_path):
        fields = self.filterset.search_fields
        found = [(o, w) for o in self.records() for t in texts_at(o, search_path) for w in ascii_words(t)]
        if not found:
            pytest.skip(f"no {self.model.__name__} has a word in {search_path}")
        # The rarest word in this field: the most telling check.
        records = self.records()
        counts = {w: sum(matches_search(o, fields, w) for o in records) for w in {w for _, w in found}}
        obj, word = min(found, key=lambda pair: (counts[pair[1]], -len(pair[1])))
        got = self.fetch(api, {"search": word.upper()})
        assert key_of(obj) in got
        assert set(got) == self.expect(lambda o: matches_search(o, fields, word))

    def test_search_finds_accented_words(self, api):
        fields = self.filterset.search_fields
        texts = [t for o in self.records() for p in fields for t in texts_at(o, p)]
        words = sorted({w for t in texts for w in non_ascii_words(t)})
        if not words:
            pytest.skip(f"no {self.model.__name__} has an accented word in {fields}")
        for word in words[:5]:
            # Accents and case are ignored both ways: `López`, `lopez`, `LÓPEZ` find the same records.
            for query in (word, word.lower(), without_accents(word).upper(), without_accents(word).lower()):
                assert set(self.fetch(api, {"search": query})) == self.expect(
                    lambda o, w=word: matches_search(o, fields, w)
                ), query

    def check_ordering(self, api, param, filter_):
        records = self.records()
        for public, field in filter_.param_map.items():
            for descending in (False, True):
                value = f"-{public}" if descending else public
                expected = [key_of(o) for o in expected_order(records, field, descending)]
                assert self.fetch(api, {param: value}) == expected, value
        first, second = list(filter_.param_map)[:2]
        assert len(self.fetch(api, {param: f"-{first},{second}"})) == len(records)

    def test_default_ordering_is_by_key(self, api):
        assert self.fetch(api, {}) == [key_of(o) for o in expected_order(self.records(), self.key, False)]
