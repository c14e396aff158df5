"""`manage.py seed`, which `make serve` runs: fixtures into an empty database, never over edits."""

import pytest
from django.core.management import call_command

from policy.models import AidPackage, Event, Policy, Source, Statement, Statistic, Topic

pytestmark = pytest.mark.django_db


def test_seed_leaves_an_existing_database_alone(capsys):
    Topic.objects.filter(slug="migration").update(name="Edited by an editor")
    call_command("seed")
    assert "not reloaded" in capsys.readouterr().out
    assert Topic.objects.get(slug="migration").name == "Edited by an editor"


def test_seed_loads_an_empty_database():
    statements = Statement.objects.count()
    for model in (Statement, AidPackage, Statistic, Policy, Event, Source):
        model.objects.all().delete()
    call_command("seed", verbosity=0)
    assert Source.objects.filter(slug="usa-today-biden-mexico-2021-05-07").exists()
    assert Statement.objects.count() == statements > 0


def test_seed_force_reloads_over_edits():
    Topic.objects.filter(slug="migration").update(name="Edited by an editor")
    call_command("seed", force=True, verbosity=0)
    assert Topic.objects.get(slug="migration").name == "Migration"
