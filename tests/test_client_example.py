"""The README's Python client, run as written against a live server of our own: it pages a list by
cursor and mirrors the data set through the change feed, then catches up with a change."""

import os
import re
import subprocess
import sys

import pytest
import requests

from policy import records

from .live_server import ROOT, runserver

README = ROOT / "README.md"


def example():
    """The README's one block of Python that talks to the API."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    (block,) = [block for block in blocks if "import requests" in block]
    return block


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("client")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "DJANGO_ENV": "development",
        "DJANGO_SETTINGS_MODULE": "policy.settings",
        "PYTHONUNBUFFERED": "1",
    }
    manage(env, "migrate", "--noinput")
    manage(env, "loaddata", *sorted(str(path) for path in (ROOT / "fixtures").glob("*.json")))
    with runserver(env) as base:
        yield base, env


def test_the_readme_client_pages_and_syncs(server):
    base, env = server
    code = example().replace("http://127.0.0.1:8000/api/v1/", f"{base}/api/v1/")
    namespace = {}
    exec(compile(code, str(README), "exec"), namespace)  # our own README: the point of the test
    biden = requests.get(f"{base}/api/v1/statements/", {"speaker": "joe-biden", "page_size": 1000}, timeout=30)
    assert namespace["speeches"] == [s["slug"] for s in biden.json()["results"]] and namespace["speeches"]
    mirror = namespace["mirror"]
    assert len(mirror) == sum(
        requests.get(f"{base}/api/v1/{resource}/", timeout=30).json()["count"]
        for resource in [record_type.resource for record_type in records.TYPES]
    )
    # Someone renames an actor (through Django, recorded in history): the next sync carries it everywhere.
    manage(
        env,
        "shell",
        "-c",
        "from policy.models import Actor; a = Actor.objects.get(slug='joe-biden'); "
        "a.slug = 'joseph-r-biden'; a.name = 'Joseph R. Biden'; a.save()",
    )
    namespace["sync"](mirror, namespace["cursor"])
    assert f"{base}/api/v1/actors/joe-biden/" not in mirror
    assert mirror[f"{base}/api/v1/actors/joseph-r-biden/"]["name"] == "Joseph R. Biden"
    fresh = {url: requests.get(url, timeout=30).json() for url in mirror}
    assert mirror == fresh
    assert any(record.get("speaker", {}).get("slug") == "joseph-r-biden" for record in mirror.values())
