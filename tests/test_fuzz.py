"""Property-based tests: every operation of /api/v1/schema/, fuzzed by schemathesis.

Each operation gets `FUZZ_EXAMPLES` generated requests (schema-valid and schema-invalid), sent
with the token of a user who may write everything. Every response must be a non-5xx that conforms
to the schema: its status code, content type, headers and body are all documented. The stateful
phase chains requests along the links schemathesis finds between operations (a create's
`Location`, a list's keys, a detail's path): create, then read, update, delete what was created,
and read it again after (a deleted record must be gone). `make fuzz` runs all of it with many more
examples and random seeds; the suite runs a short stateful run.
"""

import json
import os
from pathlib import Path

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.core.parameters import ParameterLocation

from policy.api.urls import router
from policy.representation.fields import CompactRelatedField

from .api_support import editor_user

API = "/api/v1/"

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
# The suite fuzzes and runs a few stateful scenarios; `make fuzz` adds the coverage phase (every
# parameter at its boundaries, ~80 requests per operation) and many more of everything.
PHASES = os.environ.get("FUZZ_PHASES", "examples,fuzzing,stateful").split(",")
STATEFUL_EXAMPLES = int(os.environ.get("FUZZ_STATEFUL_EXAMPLES", "10"))
# Reproducible in CI (a flaky test is a product bug); `make fuzz` explores with fresh seeds.
DERANDOMIZE = os.environ.get("FUZZ_RANDOM", "") == ""

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
schema.config.phases.update(phases=PHASES)
# A stale If-Match refuses the whole request before anything is written, like a 4xx for the data.
# (It can follow invalid-looking form data: an empty form field means "not given", as in HTML forms.)
NEGATIVE = schema.config.checks.negative_data_rejection
NEGATIVE.expected_statuses = [*NEGATIVE.expected_statuses, "412"]


def fixture_keys():
    """Public keys of the loaded records, by model label, read from the fixture files (no database at import)."""
    keys = {}
    for path in sorted((Path(__file__).resolve().parent.parent / "fixtures").glob("*.json")):
        for record in json.loads(path.read_text()):
            key = record["fields"].get("slug", record["fields"].get("code"))
            if key:
                keys.setdefault(record["model"], []).append(key)
    return keys


KEYS = fixture_keys()
MODELS = {f"{API}{prefix}/": viewset.serializer_class.Meta.model for prefix, viewset, _ in router.registry}


def model_of(operation):
    return next((model for prefix, model in MODELS.items() if operation.path.startswith(prefix)), None)


def related_fields(model):
    """Request fields naming another record by key, with that record's model."""
    serializer = router_viewset(model).serializer_class()
    fields = {}
    for name, field in serializer.fields.items():
        field = getattr(field, "child_relation", field)
        if isinstance(field, CompactRelatedField) and not field.read_only:
            fields[name] = field.model
    return fields


def router_viewset(model):
    return next(viewset for _, viewset, _ in router.registry if viewset.serializer_class.Meta.model is model)


def positive(case, location):
    """Whether schemathesis generated this part of the case as valid data (only those are steered)."""
    info = case.meta.components.get(location) if case.meta else None
    return info is not None and info.mode.is_positive


def existing_keys(model):
    keys = KEYS.get(model._meta.label_lower)
    return st.sampled_from(keys) if keys else None


@schema.hook
def flatmap_case(context, case):
    """Steer valid cases towards real records: half of them address a record that exists (so updates,
    deletes and history really run), and their related keys name records that exist (so writes get
    past the lookups to the model's own rules). Invalid cases are left invalid."""
    model = model_of(case.operation)
    if model is None:
        return st.just(case)
    changes = {}
    lookup = router_viewset(model).lookup_field
    records = existing_keys(model)
    if positive(case, ParameterLocation.PATH) and lookup in (case.path_parameters or {}) and records is not None:
        changes["path"] = st.one_of(st.none(), records.map(lambda key: {lookup: key}))
    if positive(case, ParameterLocation.BODY) and isinstance(case.body, dict):
        for name, related in related_fields(model).items():
            keys = existing_keys(related)
            if name in case.body and keys is not None:
                many = isinstance(case.body[name], list)
                changes[name] = st.one_of(st.none(), st.lists(keys, max_size=3) if many else keys)
    return st.fixed_dictionaries(changes).map(lambda chosen: steer(case, chosen))


def steer(case, chosen):
    path = chosen.pop("path", None)
    if path is not None:
        case.path_parameters = {**case.path_parameters, **path}
    body = {name: value for name, value in chosen.items() if value is not None}
    if body:
        case.body = {**case.body, **body}
    return case


CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.negative_data_rejection,
]


@pytest.fixture
def token(db, django_user_model, keep_connection):
    return Token.objects.create(user=editor_user(django_user_model, "fuzzer")).key


@pytest.fixture
def keep_connection():
    """The WSGI handler closes the database connection around each request, which would end the
    test's transaction; Django's own test client disconnects the same receivers."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=DERANDOMIZE,
    database=None if DERANDOMIZE else settings.default.database,
    suppress_health_check=list(HealthCheck),
)
def test_operation(case, token):
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)


# Stateful: chains of linked requests ----------------------------------------------------------------

STATEFUL_CHECKS = [
    *CHECKS,
    schemathesis.checks.use_after_free,
    schemathesis.checks.ensure_resource_availability,
]


@pytest.mark.skipif("stateful" not in PHASES, reason="FUZZ_PHASES leaves out the stateful phase")
def test_stateful(token):
    machine = schema.as_state_machine()

    class Workflow(machine):
        # Each scenario starts from the loaded data: Hypothesis replays scenarios to shrink them, and
        # one that met another's records would not replay the same.
        def setup(self):
            self.savepoint = transaction.savepoint()

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)

        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": f"Token {token}"}}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=STATEFUL_CHECKS, transport_kwargs=kwargs or None)

    Workflow.run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=10,
            deadline=None,
            derandomize=DERANDOMIZE,
            database=None if DERANDOMIZE else settings.default.database,
            suppress_health_check=list(HealthCheck),
        )
    )
