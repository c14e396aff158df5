"""A virtualenv with only what a server needs (requirements.txt), so that benchmarks measure the
worker a production install runs, not one that also holds the test tools of requirements-dev.txt."""

import hashlib
import subprocess
import sys

from . import data

VENV = data.ROOT / "results" / "production-venv"
REQUIREMENTS = data.PROJECT / "requirements.txt"


def production_python():
    """The production virtualenv's python, (re)installed when requirements.txt has changed."""
    python = VENV / "bin" / "python"
    stamp = VENV / ".requirements-sha256"
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    print(f"== installing requirements.txt into {VENV} ==", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-r", str(REQUIREMENTS)], check=True)
    stamp.write_text(wanted)
    return python
