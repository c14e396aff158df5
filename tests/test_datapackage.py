"""The data package (policy.datapackage): `export_datapackage`, `import_datapackage` and
/api/v1/datapackage.zip. Validated with the `frictionless` library, loaded back into an emptied database
and exported again byte for byte, built once per version of the data, and without the texts whose
licence forbids republishing them."""

import csv
import io
import json
import logging
import threading
import zipfile
from datetime import UTC, datetime
from decimal import Decimal

import frictionless
import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from django.http import FileResponse
from django.test import Client

from policy import records
from policy.datapackage import tables
from policy.models import Actor, PolicyRelation, Source, Statement, Statistic, Topic

from .api_support import client_for

pytestmark = pytest.mark.django_db
ARTICLE = "usa-today-biden-mexico-2021-05-07"
EXACT_SECOND = datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC)
WITH_MICROSECONDS = datetime(2024, 3, 1, 0, 0, 0, 250, tzinfo=UTC)


def export(path, *options):
    call_command("export_datapackage", str(path), *options, stdout=io.StringIO())
    return path


def members(path):
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def empty_the_database():
    for table in reversed(tables()):
        if table.owner is None:
            table.model.objects.all().delete()


def test_the_package_is_valid_by_frictionless(tmp_path):
    folder = export(tmp_path / "package")
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:20]
    assert {task.name: task.stats["rows"] for task in report.tasks}["statements"] == Statement.objects.count()


def test_every_type_link_and_field_is_described(tmp_path):
    descriptor = json.loads((export(tmp_path / "package") / "datapackage.json").read_text())
    resources = {resource["name"]: resource for resource in descriptor["resources"]}
    links = {
        f"{t.resource}-{f.name}"
        for t in records.TYPES
        for f in t.model._meta.many_to_many
        if f.remote_field.through._meta.auto_created
    }
    assert set(resources) == {t.resource for t in records.TYPES} | links | {"policy-relations"}
    for declared in records.TYPES:
        schema = resources[declared.resource]["schema"]
        names = [field["name"] for field in schema["fields"]]
        assert set(names) == {f.name for f in declared.model._meta.concrete_fields if not f.primary_key}
        assert schema["primaryKey"] == [declared.key]
        assert all(field["type"] and field["description"] for field in schema["fields"])
    statement = {field["name"]: field for field in resources["statements"]["schema"]["fields"]}
    assert statement["said_on"]["type"] == "date" and statement["is_translation"]["type"] == "boolean"
    assert statement["kind"]["constraints"]["enum"] == ["quote", "paraphrase"]
    assert statement["text"]["description"].startswith("The exact words")
    speaker = {"fields": "speaker", "reference": {"resource": "actors", "fields": "slug"}}
    assert speaker in resources["statements"]["schema"]["foreignKeys"]
    assert resources["statements-countries"]["schema"]["primaryKey"] == ["statement", "country"]
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert {"title": Source.objects.get(slug=ARTICLE).title} in descriptor["sources"]
    assert "all_rights_reserved" in descriptor["description"]


def test_same_data_same_bytes(tmp_path):
    first = (export(tmp_path / "a.zip")).read_bytes()
    assert export(tmp_path / "b.zip").read_bytes() == first
    folder = export(tmp_path / "folder")
    assert members(tmp_path / "a.zip") == {path.name: path.read_bytes() for path in folder.iterdir()}


def fail_half_way(monkeypatch):
    """The export fails after its third table (a full disk, a dropped connection)."""
    from policy.datapackage import write

    written, real = [], write.write_rows

    def write_rows(table, *args):
        if len(written) == 3:
            raise OSError("No space left on device")
        written.append(table.name)
        return real(table, *args)

    monkeypatch.setattr(write, "write_rows", write_rows)


@pytest.fixture
def failing_half_way(monkeypatch):
    fail_half_way(monkeypatch)


@pytest.mark.parametrize("name", ["p.zip", "p"])
def test_an_export_that_fails_half_way_leaves_nothing_at_its_target(tmp_path, failing_half_way, name):
    """The zip was written in place: a failure left a truncated zip (or half a directory) at the target."""
    with pytest.raises(OSError, match="No space"):
        export(tmp_path / name)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["p.zip", "p"])
def test_an_export_that_fails_half_way_leaves_the_previous_package_whole(tmp_path, monkeypatch, name):
    before = export(tmp_path / name)
    files = members(before) if name.endswith(".zip") else {f.name: f.read_bytes() for f in before.iterdir()}
    Topic.objects.create(slug="newer-topic", name="Newer")
    fail_half_way(monkeypatch)
    with pytest.raises(OSError, match="No space"):
        export(tmp_path / name)
    after = members(before) if name.endswith(".zip") else {f.name: f.read_bytes() for f in before.iterdir()}
    assert after == files
    assert [path.name for path in tmp_path.iterdir()] == [name]


def test_every_cell_is_written_the_one_way_the_schema_reads_it(tmp_path):
    """The database formats the cells (policy.datapackage.cells): pin each kind with awkward values."""
    actor = Actor.objects.order_by("slug").first()
    Actor.objects.filter(pk=actor.pk).update(aliases=['Andrés "el Peje", López', "a\nb"], updated_at=EXACT_SECOND)
    statement = Statement.objects.get(slug="harris-pitches-regional-approach-to-mexico")
    Statement.objects.filter(pk=statement.pk).update(is_translation=True, updated_at=WITH_MICROSECONDS)
    statistic = Statistic.objects.order_by("slug").first()
    Statistic.objects.filter(pk=statistic.pk).update(value=Decimal("-1234567.5"))
    package = members(export(tmp_path / "p.zip"))
    actors = {row["slug"]: row for row in rows(package["actors.csv"].decode())}
    assert actors[actor.slug]["aliases"] == '["Andrés \\"el Peje\\", López","a\\nb"]'
    assert actors[actor.slug]["updated_at"] == "2024-02-29T23:59:59+00:00"
    said = {row["slug"]: row for row in rows(package["statements.csv"].decode())}[statement.slug]
    assert said["is_translation"] == "true" and said["updated_at"] == "2024-03-01T00:00:00.000250+00:00"
    assert said["said_on"] == statement.said_on.isoformat()
    assert {row["is_translation"] for row in rows(package["statements.csv"].decode())} == {"true", "false"}
    value = {row["slug"]: row for row in rows(package["statistics.csv"].decode())}[statistic.slug]["value"]
    assert value == "-1234567.5000"


def test_text_is_quoted_only_where_csv_needs_it_and_rows_end_in_crlf(tmp_path):
    Topic.objects.filter(slug="migration").update(description='One\r\ntwo, "three"\nfour')
    Topic.objects.filter(slug="asylum").update(description="")
    topics = members(export(tmp_path / "p.zip"))["topics.csv"]
    assert b',"One\r\ntwo, ""three""\nfour",' in topics
    asylum = next(line for line in topics.split(b"\r\n") if line.startswith(b"asylum,"))
    assert b",," in asylum and b'""' not in asylum  # an empty cell is left empty, as csv.writer writes it
    assert topics.endswith(b"\r\n") and topics.count(b"\r\n") == Topic.objects.count() + 2  # + header, + in text


def test_the_public_package_leaves_reserved_texts_out(tmp_path):
    Source.objects.filter(slug="cbp-migrant-encounter-data").update(text="Open figures.", text_license="public_domain")
    public = rows(members(export(tmp_path / "public.zip"))["sources.csv"].decode())
    texts = {row["slug"]: row["text"] for row in public}
    assert texts[ARTICLE] == "" and texts["cbp-migrant-encounter-data"] == "Open figures."
    full = rows(members(export(tmp_path / "full.zip", "--include-reserved-texts"))["sources.csv"].decode())
    assert {row["slug"]: row["text"] for row in full}[ARTICLE] == Source.objects.get(slug=ARTICLE).text
    excerpts = rows(members(tmp_path / "public.zip")["statements.csv"].decode())
    assert all(row["excerpt"] for row in excerpts)  # the quotations stay


def test_loaded_back_into_an_empty_database_it_is_identical(tmp_path):
    before = export(tmp_path / "before.zip", "--include-reserved-texts").read_bytes()
    statement = Statement.objects.values().get(slug="harris-pitches-regional-approach-to-mexico")
    links = sorted(PolicyRelation.objects.values_list("from_policy__slug", "relation", "to_policy__slug", "excerpt"))
    empty_the_database()
    assert not Statement.objects.exists()
    call_command("import_datapackage", str(tmp_path / "before.zip"), stdout=io.StringIO())
    assert export(tmp_path / "after.zip", "--include-reserved-texts").read_bytes() == before
    loaded = Statement.objects.values().get(slug=statement["slug"])
    assert {k: v for k, v in loaded.items() if not k.endswith("id")} == {
        k: v for k, v in statement.items() if not k.endswith("id")
    }
    assert (
        sorted(PolicyRelation.objects.values_list("from_policy__slug", "relation", "to_policy__slug", "excerpt"))
        == links
    )
    call_command("verify_citations", stdout=io.StringIO())  # offsets and texts as they were: no SystemExit


def test_a_directory_loads_too_and_a_public_package_without_the_reserved_text(tmp_path):
    folder = export(tmp_path / "public")
    empty_the_database()
    call_command("import_datapackage", str(folder), stdout=io.StringIO())
    assert Source.objects.get(slug=ARTICLE).text == ""
    assert Statement.objects.count() > 0


def test_import_refuses_a_database_that_holds_records(tmp_path):
    export(tmp_path / "p.zip")
    with pytest.raises(CommandError, match="not empty"):
        call_command("import_datapackage", str(tmp_path / "p.zip"), stdout=io.StringIO())


def test_import_refuses_a_broken_reference_and_loads_nothing(tmp_path):
    folder = export(tmp_path / "p")
    statements = (folder / "statements.csv").read_text(encoding="utf-8")
    speaker = rows(statements)[0]["speaker"]
    (folder / "statements.csv").write_text(statements.replace(f",{speaker},", ",nobody-at-all,", 1), encoding="utf-8")
    empty_the_database()
    with pytest.raises(CommandError, match="nobody-at-all"):
        call_command("import_datapackage", str(folder), stdout=io.StringIO())
    assert not Source.objects.exists()


# The download -----------------------------------------------------------------------------------------


@pytest.fixture
def package_dir(datapackage_dir):
    return datapackage_dir  # conftest: a directory of each test's own


def download(client=None, **headers):
    response = (client or Client()).get("/api/v1/datapackage.zip", **headers)
    # Read to the end, the test client closes it (and the file) itself; close() here would close the
    # database connection too, as a finished request does.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def test_the_download_is_the_public_package_built_once_until_a_write(package_dir, tmp_path, caplog, superuser):
    caplog.set_level(logging.INFO, logger="policy.datapackage.published")
    response, body = download()
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "policy-records-datapackage.zip" in response["Content-Disposition"]
    assert body == export(tmp_path / "cli.zip").read_bytes()
    again, same = download(client_for(superuser))  # the same public file, whoever asks
    assert same == body and again["ETag"] == response["ETag"]
    assert caplog.text.count("Built the data package") == 1
    assert download(HTTP_IF_NONE_MATCH=response["ETag"])[0].status_code == 304
    edited = client_for(superuser).patch("/api/v1/topics/migration/", {"name": "Migration flows"}, format="json")
    assert edited.status_code == 200
    changed, body = download()
    assert changed["ETag"] != response["ETag"] and caplog.text.count("Built the data package") == 2
    assert "Migration flows" in members(io.BytesIO(body))["topics.csv"].decode()
    assert [path.name for path in package_dir.glob("*.zip")] == [f"datapackage-{changed['ETag'].strip(chr(34))}.zip"]


def test_the_download_is_sent_from_its_file_a_block_at_a_time(package_dir):
    """A worker never holds the zip: the response streams the built file (FileResponse), block by block."""
    response = Client().get("/api/v1/datapackage.zip")
    built = package_dir / f"datapackage-{response['ETag'].strip(chr(34))}.zip"
    assert isinstance(response, FileResponse) and response.streaming
    blocks = list(response.streaming_content)
    assert len(blocks) > 1 and max(map(len, blocks)) <= response.block_size
    assert b"".join(blocks) == built.read_bytes()


def test_the_download_takes_no_parameters(package_dir):
    response = Client().get("/api/v1/datapackage.zip", {"page": "2"})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert "page" in response.json()


@pytest.mark.parametrize("format_", ["json", "csv"])
def test_the_download_is_a_zip_or_a_400_naming_the_format(package_dir, format_):
    response = Client().get("/api/v1/datapackage.zip", {"format": format_})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    message = "The data package is a zip: format=zip, or no format." if format_ == "json" else None
    assert response.json() == {"format": [message or f"Unknown format “{format_}”. Available: zip, json."]}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_first_requests_build_it_once(package_dir, caplog):
    caplog.set_level(logging.INFO, logger="policy.datapackage.published")
    start, results = threading.Barrier(4), []

    def fetch():
        try:
            start.wait()
            results.append(download())
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=fetch) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [response.status_code for response, _ in results] == [200] * 4
    assert len({body for _, body in results}) == 1 and zipfile.ZipFile(io.BytesIO(results[0][1])).testzip() is None
    assert caplog.text.count("Built the data package") == 1
    assert not list(package_dir.glob("*.partial"))
