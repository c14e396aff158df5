"""One class per API resource: its model, its route and its write data switch on the generic cases
of tests/api_cases.py. Payloads name related records by key, taken from the loaded fixtures."""

import pytest
from rest_framework.test import APIClient

from policy.models import Actor, AidPackage, Country, Event, Policy, PolicyRelation, Source, Statement, Statistic, Topic
from policy.models.base import Cited

from .api_cases import APICases, CitedCases
from .api_filter_cases import filter_kind
from .api_support import (
    API,
    VIEWSETS,
    client_for,
    compact,
    detail_url,
    excerpt_payload,
    keys,
    link_payload,
    list_url,
    some_key,
    table_counts,
    user_with,
)

NOT_IN_TEXT = "words that the source never says"


class TestCountries(APICases):
    model, route = Country, "countries"
    update = {"name": "Renamed country"}
    invalid = [({"code": "Q1"}, "code"), ({"code": "QZZ"}, "code"), ({"iso3": "QZ"}, "iso3"), ({"name": ""}, "name")]

    def create_payload(self):
        return {"code": "QZ", "iso3": "QZZ", "name": "Testland"}

    def test_detail_code_is_case_insensitive(self, api):
        code = some_key(Country)
        upper = api.get(detail_url(self.route, code))
        lower = api.get(detail_url(self.route, code.lower()))
        assert lower.status_code == 200
        assert lower.json() == upper.json()

    def test_create_upper_cases_the_codes(self, db, django_user_model):
        client = client_for(user_with(django_user_model, "writer", "add_country"))
        response = client.post(list_url(self.route), {"code": "qz", "iso3": "qzz", "name": "Testland"}, format="json")
        assert response.status_code == 201, response.content
        assert (response.json()["code"], response.json()["iso3"]) == ("QZ", "QZZ")

    def test_duplicate_code_is_400(self, db, django_user_model):
        client = client_for(user_with(django_user_model, "writer", "add_country"))
        payload = {**self.create_payload(), "code": some_key(Country).lower()}
        before = table_counts()
        self.assert_rejected(client.post(list_url(self.route), payload, format="json"), "code")
        assert table_counts() == before


class TestTopics(APICases):
    model, route = Topic, "topics"
    update = {"name": "Renamed topic", "description": "Changed by a test."}
    invalid = [({"name": ""}, "name"), ({"slug": "not a slug!"}, "slug")]

    def create_payload(self):
        return {"slug": "test-topic", "name": "Test topic", "description": "Made by a test."}

    def test_default_page_is_50_and_page_size_is_capped_at_1000(self, api):
        Topic.objects.bulk_create(Topic(slug=f"bulk-topic-{i:04d}", name=f"Bulk topic {i}") for i in range(1001))
        total = Topic.objects.count()
        body = api.get(list_url(self.route)).json()
        assert (body["count"], len(body["results"]), body["previous"]) == (total, 50, None)
        assert body["next"].endswith("?page=2")
        body = api.get(list_url(self.route), {"page_size": 5000}).json()
        assert len(body["results"]) == 1000 and "page_size=5000" in body["next"]
        assert len(api.get(body["next"]).json()["results"]) == total - 1000


class TestActors(APICases):
    model, route = Actor, "actors"
    update = {"role": "Changed role", "aliases": ["Changed"]}
    invalid = [
        ({"kind": "alien"}, "kind"),
        ({"country": "QQ"}, "country"),
        ({"aliases": "AMLO"}, "aliases"),
        ({"aliases": [""]}, "aliases"),
    ]

    def create_payload(self):
        return {
            "slug": "test-actor",
            "name": "Test Actor",
            "kind": "person",
            "role": "Tester",
            "country": some_key(Country),
            "aliases": ["TA"],
            "notes": "",
        }

    def test_search_finds_an_accented_alias(self, db, django_user_model):
        """Regression: aliases are JSON, which SQLite stores with non-ASCII characters escaped."""
        client = client_for(user_with(django_user_model, "writer", "add_actor"))
        payload = {**self.create_payload(), "name": "Enrique Nieto", "aliases": ["Peña"]}
        assert client.post(list_url(self.route), payload, format="json").status_code == 201
        for query in ("Peña", "peña", "PEÑA"[:2] + "ña"):
            assert self.fetch(client, {"search": query}) == [payload["slug"]], query


class TestSources(APICases):
    model, route = Source, "sources"
    update = {"title": "Changed title", "notes": "Changed by a test."}
    invalid = [
        ({"kind": "blog"}, "kind"),
        ({"published_on": "2021-02-30"}, "published_on"),
        ({"published_on": "2021-03-15", "date_precision": "month"}, "published_on"),
        ({"publisher": "no-such-actor"}, "publisher"),
        ({"document_url": "not a url"}, "document_url"),
    ]

    def create_payload(self):
        return {
            "slug": "test-source",
            "title": "A test source",
            "kind": "report",
            "publisher": some_key(Actor),
            "document_url": "https://example.org/report",
            "published_on": "2021-03-01",
            "date_precision": "month",
            "text": "Some text a test wrote.",
            "notes": "",
        }

    @staticmethod
    def cited_by(source):
        return sum(
            model.objects.filter(source=source).count() for model in (Event, Policy, AidPackage, Statement, Statistic)
        )

    def sample(self):
        # The least-cited source: replacing a cited source's text is refused (see below).
        return min(self.records(), key=lambda source: (self.cited_by(source), source.pk))

    def cited_source(self):
        return max(self.records(), key=lambda source: (self.cited_by(source), -source.pk))

    def test_deleting_a_cited_source_is_409(self, db, django_user_model):
        client = client_for(user_with(django_user_model, "writer", "delete_source"))
        source, before = self.cited_source(), table_counts()
        response = client.delete(detail_url(self.route, source))
        assert response.status_code == 409
        assert source.slug in response.json()["detail"] or "referred to" in response.json()["detail"]
        assert table_counts() == before

    def test_text_that_drops_a_cited_excerpt_is_400(self, db, django_user_model):
        client = client_for(user_with(django_user_model, "writer", "change_source"))
        source, before = self.cited_source(), table_counts()
        response = client.patch(detail_url(self.route, source), {"text": "Entirely different words."}, format="json")
        self.assert_rejected(response, "text")
        assert table_counts() == before

    def test_new_text_moves_the_excerpt_offsets(self, db, django_user_model):
        client = client_for(user_with(django_user_model, "writer", "change_source"))
        source = self.cited_source()
        text = "An editor's preface. " + source.text
        assert client.patch(detail_url(self.route, source), {"text": text}, format="json").status_code == 200
        for route in ("events", "policies", "aid-packages", "statements", "statistics"):
            for item in client.get(list_url(route), {"source": source.slug, "page_size": 1000}).json()["results"]:
                assert text[item["excerpt_start"] : item["excerpt_end"]] == item["excerpt"], item["slug"]


class TestEvents(APICases, CitedCases):
    model, route = Event, "events"
    update = {"title": "Changed title", "location": "Elsewhere"}
    invalid = [
        ({"excerpt": NOT_IN_TEXT}, "excerpt"),
        ({"start_date": "2021-03-10", "end_date": "2021-03-09"}, "end_date"),
        ({"start_date": "2021-03-10", "date_precision": "month"}, "start_date"),
        ({"participants": ["no-such-actor"]}, "participants"),
        ({"kind": "party"}, "kind"),
        ({"status": "rumoured"}, "status"),
    ]

    def create_payload(self):
        return {
            "slug": "test-event",
            "title": "A test meeting",
            "kind": "meeting",
            "status": "planned",
            "start_date": "2021-03-10",
            "end_date": "2021-03-11",
            "date_precision": "day",
            "location": "Test City",
            "participants": keys(Actor, 2),
            "countries": keys(Country, 2),
            "topics": keys(Topic, 1),
            **excerpt_payload(),
        }


def link_errors(response):
    """The first policy link's field errors (DRF keys a nested list's errors by position)."""
    errors = response.json()["related"]
    return errors[0] if isinstance(errors, list) else errors["0"]


class TestPolicies(APICases, CitedCases):
    model, route = Policy, "policies"
    update = {"status": "suspended", "summary": "Changed by a test."}
    invalid = [
        ({"excerpt": NOT_IN_TEXT}, "excerpt"),
        ({"start_date": "2021-03-01", "end_date": "2021-02-01"}, "end_date"),
        ({"status": "dreamt"}, "status"),
        ({"kind": "wish"}, "kind"),
        ({"jurisdiction": "QQ"}, "jurisdiction"),
        ({"countries": ["QQ"]}, "countries"),
        ({"related": [{"relation": "extends", "policy": "no-such-policy"}]}, "related"),
    ]

    def create_payload(self):
        target = some_key(Policy, exclude=[self.sample().slug])
        return {
            "slug": "test-policy",
            "title": "A test policy",
            "summary": "Made by a test.",
            "kind": "programme",
            "status": "announced",
            "jurisdiction": some_key(Country),
            "countries": keys(Country, 2),
            "actors": keys(Actor, 2),
            "start_date": "2021-03-01",
            "end_date": None,
            "date_precision": "month",
            "related": [self.link("extends", target)],
            "topics": keys(Topic, 2),
            **excerpt_payload(),
        }

    @staticmethod
    def link(relation, target, **citation):
        return link_payload(relation, target, **{"notes": "Linked by a test.", **citation})

    def expected_nested(self, obj, name):
        assert name == "related"
        links = PolicyRelation.objects.filter(from_policy=obj).select_related("to_policy", "source")
        return [
            {
                "relation": link.relation,
                "policy": compact(link.to_policy),
                "source": compact(link.source),
                "excerpt": link.excerpt,
                "excerpt_start": link.excerpt_start,
                "excerpt_end": link.excerpt_end,
                "notes": link.notes,
            }
            for link in sorted(links, key=lambda link: (link.relation, link.to_policy.slug))
        ]

    def test_a_link_is_written_with_its_citation_and_offsets(self, db, django_user_model):
        client = client_for(user_with(django_user_model, "writer", "add_policy"))
        payload = self.create_payload()
        created = client.post(list_url(self.route), payload, format="json").json()
        (link,) = created["related"]
        sent = payload["related"][0]
        assert (link["source"]["slug"], link["excerpt"], link["notes"]) == (
            sent["source"],
            sent["excerpt"],
            "Linked by a test.",
        )
        text = Source.objects.get(slug=sent["source"]).text
        assert text[link["excerpt_start"] : link["excerpt_end"]] == sent["excerpt"]

    @pytest.mark.parametrize(
        "citation, field",
        [
            ({"excerpt": NOT_IN_TEXT}, "excerpt"),
            ({"source": "no-such-source"}, "source"),
            ({"excerpt": ""}, "excerpt"),
        ],
    )
    def test_a_link_is_refused_without_a_valid_citation(self, db, django_user_model, citation, field):
        client = client_for(user_with(django_user_model, "writer", "change_policy"))
        policy, before = self.sample(), table_counts()
        link = self.link("extends", some_key(Policy, exclude=[self.sample().slug]), **citation)
        response = client.patch(detail_url(self.route, policy), {"related": [link]}, format="json")
        assert response.status_code == 400, response.content
        assert field in link_errors(response)
        assert table_counts() == before

    def test_a_link_without_a_source_is_refused(self, db, django_user_model):
        client = client_for(user_with(django_user_model, "writer", "change_policy"))
        link = self.link("extends", some_key(Policy, exclude=[self.sample().slug]))
        del link["source"]
        response = client.patch(detail_url(self.route, self.sample()), {"related": [link]}, format="json")
        assert response.status_code == 400
        assert link_errors(response)["source"] == ["This field is required."]

    def test_related_links_are_written_and_replaced(self, db, django_user_model):
        client = client_for(user_with(django_user_model, "writer", "add_policy", "change_policy"))
        created = client.post(list_url(self.route), self.create_payload(), format="json").json()
        policy = Policy.objects.get(slug=created["slug"])
        assert [(r.relation, r.to_policy.slug) for r in policy.relations.all()] == [
            ("extends", created["related"][0]["policy"]["slug"])
        ]
        target = some_key(Policy, exclude=[policy.slug, created["related"][0]["policy"]["slug"]])
        link = self.link("replaces", target)
        response = client.patch(created["url"], {"related": [link]}, format="json")
        assert response.status_code == 200
        assert [(r.relation, r.to_policy.slug) for r in policy.relations.all()] == [("replaces", target)]

    def test_a_policy_cannot_relate_to_itself(self, db, django_user_model):
        client = client_for(user_with(django_user_model, "writer", "change_policy"))
        policy, before = self.sample(), table_counts()
        link = self.link("extends", policy.slug)
        self.assert_rejected(
            client.patch(detail_url(self.route, policy), {"related": [link]}, format="json"), "related"
        )
        assert table_counts() == before

    def test_failed_create_with_an_unknown_related_policy_leaves_nothing(self, db, django_user_model):
        client = client_for(user_with(django_user_model, "writer", "add_policy"))
        payload = self.create_payload()
        payload["related"].append(self.link("replaces", "no-such-policy"))
        before = table_counts()
        self.assert_rejected(client.post(list_url(self.route), payload, format="json"), "related")
        assert table_counts() == before
        assert not Policy.objects.filter(slug=payload["slug"]).exists()


class TestAidPackages(APICases, CitedCases):
    model, route = AidPackage, "aid-packages"
    update = {"status": "disbursed", "amount": "120000000.00"}
    invalid = [
        ({"excerpt": NOT_IN_TEXT}, "excerpt"),
        ({"amount": "-1.00"}, "amount"),
        ({"amount": "lots"}, "amount"),
        ({"currency": "ZZZ"}, "currency"),
        ({"donor": "QQ"}, "donor"),
        ({"recipients": ["QQ"]}, "recipients"),
        ({"period_start": "2021-06-01", "period_end": "2021-01-01"}, "period_end"),
        ({"announced_on": "2021-04-15", "date_precision": "month"}, "announced_on"),
        ({"kind": "bribe"}, "kind"),
        ({"value_qualifier": "roughly"}, "value_qualifier"),
    ]

    def create_payload(self):
        return {
            "slug": "test-aid-package",
            "title": "A test aid package",
            "donor": some_key(Country),
            "recipients": keys(Country, 2),
            "amount": "150000000.00",
            "value_qualifier": "approximately",
            "currency": "USD",
            "kind": "humanitarian",
            "status": "pledged",
            "announced_by": some_key(Actor),
            "announced_on": "2021-04-01",
            "date_precision": "month",
            "period_start": "2021-01-01",
            "period_end": "2021-12-31",
            "channel": "NGOs",
            "policy": some_key(Policy),
            "event": some_key(Event),
            "topics": keys(Topic, 1),
            **excerpt_payload(),
        }

    def test_amount_may_be_null(self, db, django_user_model):
        client = client_for(user_with(django_user_model, "writer", "add_aidpackage"))
        response = client.post(list_url(self.route), {**self.create_payload(), "amount": None}, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["amount"] is None


class TestStatements(APICases, CitedCases):
    model, route = Statement, "statements"
    update = {"kind": "paraphrase", "language": "es"}
    invalid = [
        ({"excerpt": NOT_IN_TEXT}, "excerpt"),
        ({"speaker": "no-such-actor"}, "speaker"),
        ({"addressee": "no-such-actor"}, "addressee"),
        ({"kind": "rumour"}, "kind"),
        ({"said_on": "2021-13-01"}, "said_on"),
        ({"source": "no-such-source"}, "source"),
        ({"policies": ["no-such-policy"]}, "policies"),
        ({"text": "Words the excerpt never had."}, "text"),
    ]

    def create_payload(self):
        citation = excerpt_payload()
        return {
            "slug": "test-statement",
            "speaker": some_key(Actor),
            "text": " ".join(citation["excerpt"].split(" ")[1:6]),  # a quote is words its excerpt prints
            "kind": "quote",
            "said_on": "2021-03-23",
            "date_precision": "day",
            "event": some_key(Event),
            "addressee": some_key(Actor),
            "language": "es",
            "is_translation": True,
            "policies": keys(Policy, 2),
            "countries": keys(Country, 1),
            "topics": keys(Topic, 1),
            **citation,
        }

    def test_a_split_quote_is_its_parts_in_order_joined_by_the_separator(self, db, django_user_model):
        client = client_for(user_with(django_user_model, "writer", "add_statement"))
        payload = self.create_payload()
        excerpt = payload["excerpt"]
        first, second = excerpt[:20].strip(), excerpt[30:].strip()
        joined = {**payload, "text": f"{first} […] {second}"}
        response = client.post(list_url(self.route), joined, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["text"] == f"{first} […] {second}"
        for text in (f"{second} […] {first}", f"{first}, {second}", f"{first} […] Not said."):
            before = table_counts()
            response = client.post(list_url(self.route), {**payload, "slug": "another", "text": text}, format="json")
            self.assert_rejected(response, "text")
            assert table_counts() == before, text

    def test_a_paraphrase_is_not_held_to_the_quote_rule(self, db, django_user_model):
        client = client_for(user_with(django_user_model, "writer", "add_statement"))
        payload = {**self.create_payload(), "kind": "paraphrase", "text": "An editor's summary of what was said."}
        assert client.post(list_url(self.route), payload, format="json").status_code == 201


class TestStatistics(APICases, CitedCases):
    model, route = Statistic, "statistics"
    update = {"value": "13.2500", "is_derived": True}
    invalid = [
        ({"excerpt": NOT_IN_TEXT}, "excerpt"),
        ({"period_start": "2021-03-01", "period_end": "2021-02-28"}, "period_end"),
        ({"unit": "furlongs"}, "unit"),
        ({"value": "abc"}, "value"),
        ({"publisher": "no-such-actor"}, "publisher"),
        ({"value_qualifier": "roughly"}, "value_qualifier"),
    ]

    def create_payload(self):
        return {
            "slug": "test-statistic",
            "title": "A test figure",
            "indicator": "test_indicator",
            "value": "12.5000",
            "value_qualifier": "more_than",
            "unit": "percent",
            "period_start": "2021-03-01",
            "period_end": "2021-03-31",
            "date_precision": "month",
            "countries": keys(Country, 2),
            "publisher": some_key(Actor),
            "is_derived": False,
            "topics": keys(Topic, 1),
            **excerpt_payload(),
        }


# ---------------------------------------------------------------- authentication


def test_token_endpoint_refuses_a_wrong_password(db, django_user_model):
    user_with(django_user_model, "writer", "add_topic")
    response = APIClient().post(f"{API}auth/token/", {"username": "writer", "password": "wrong"})
    assert response.status_code == 400
    assert "token" not in response.json()


def test_an_unknown_token_is_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert client.get(list_url("topics")).status_code == 401
    assert client.post(list_url("topics"), {"slug": "x", "name": "X"}, format="json").status_code == 401


# ---------------------------------------------------------------- meta-tests

RESOURCE_CLASSES = [cls for cls in list(globals().values()) if isinstance(cls, type) and issubclass(cls, APICases)]
RESOURCE_CLASSES.remove(APICases)


def test_every_route_has_exactly_one_test_class():
    assert sorted(cls.route for cls in RESOURCE_CLASSES) == sorted(VIEWSETS)


def test_each_test_class_declares_its_routes_model():
    for cls in RESOURCE_CLASSES:
        assert VIEWSETS[cls.route].serializer_class.Meta.model is cls.model, cls.__name__


def test_cited_resources_test_their_citations():
    for cls in RESOURCE_CLASSES:
        assert issubclass(cls, CitedCases) == issubclass(cls.model, Cited), cls.__name__


def test_every_test_class_has_write_data():
    for cls in RESOURCE_CLASSES:
        assert "create_payload" in vars(cls), cls.__name__
        assert cls.update and cls.invalid, cls.__name__


def test_every_filter_parameter_has_a_generic_case():
    unknown = [
        f"{route}: {name} ({type(filter_).__name__})"
        for route, viewset in VIEWSETS.items()
        for name, filter_ in viewset.filterset_class.base_filters.items()
        if filter_kind(filter_) is None
    ]
    assert not unknown, f"filters the generic cases cannot test: {unknown}"
