"""The article's fixtures are loaded once per test session; each test runs in a rolled-back transaction."""

import os
from pathlib import Path

import dj_database_url
import pytest
from django.core.management import call_command
from django.db import connections

FIXTURE_DIR = Path(__file__).resolve().parent.parent / "fixtures"
FIXTURE_FILES = sorted(str(path) for path in FIXTURE_DIR.glob("*.json"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if FIXTURE_FILES:
            call_command("loaddata", *FIXTURE_FILES, verbosity=0)
        # What `serialized_rollback=True` restores after a transactional test's flush: the loaded data.
        connections["default"]._test_serialized_contents = connections["default"].creation.serialize_db_to_string()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    # A "replica" alias on the test database itself (Django's TEST MIRROR), for tests/test_scaling.py's
    # router tests. Nothing reads from it unless a test sets DATABASE_REPLICAS.
    from django.conf import settings

    default = settings.DATABASES["default"]
    settings.DATABASES["replica"] = {**default, "TEST": {**default.get("TEST", {}), "MIRROR": "default"}}
    if default["ENGINE"].endswith("sqlite3"):
        # A replica only reads: its transactions must not take the write lock at BEGIN (settings), which
        # on the shared in-memory test database fails at once rather than waiting.
        options = {key: value for key, value in default.get("OPTIONS", {}).items() if key != "transaction_mode"}
        settings.DATABASES["replica"]["OPTIONS"] = options
    # A real streaming standby of the test database's cluster (.ci/standby), for tests/test_replica.py.
    if os.environ.get("REPLICA_DATABASE_URL"):
        standby = dj_database_url.parse(os.environ["REPLICA_DATABASE_URL"])
        settings.DATABASES["standby"] = {**default, **standby, "TEST": {"MIRROR": "default"}}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The production hasher costs a quarter of a second per user created; tests need no strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_throttling(settings):
    # The suite sends thousands of requests a minute from one address; tests/test_throttling.py sets low rates.
    settings.THROTTLE_RATES = {"anon": None, "user": None, "login": None, "expensive": None}
    # Many tests leave a CSV export unread, which holds its slot: tests/test_exports.py sets limits.
    settings.EXPORTS_PER_PROCESS = settings.EXPORTS_PER_CLIENT = 0


@pytest.fixture(autouse=True)
def datapackage_dir(settings, tmp_path):
    # Each test its own built packages: a version names committed data, and a test's data is rolled back.
    settings.DATAPACKAGE_DIR = str(tmp_path / "datapackage")
    return tmp_path / "datapackage"


@pytest.fixture
def expensive_rate(settings):
    """The expensive anonymous reads' rate (switched off by no_throttling) at 2 a minute, counted afresh."""
    from django.core.cache import cache

    cache.clear()
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "expensive": "2/minute"}
    yield
    cache.clear()


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.org", "pw-admin-123")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture(scope="session")
def fixture_files():
    """Every fixture file, in load order."""
    return FIXTURE_FILES


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """3,000 generated statements (and the rest in proportion), analysed; rolled back after the module:
    the EXPLAIN tests' data (a module that needs other data defines its own `generated`)."""
    from .api_support import generated_records

    with generated_records(django_db_blocker, 3_000, analyse=True):
        yield
