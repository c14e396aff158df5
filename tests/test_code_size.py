"""STYLE.md's sizes, measured: no class under policy/ over 80 lines, no module over 300 (a class is
read on a screen or two, a module in one sitting). Migrations are frozen history, not read as code.
No allowlist: a class or module that grows past its size is split along a seam of its own."""

import ast
from pathlib import Path

POLICY = Path(__file__).resolve().parent.parent / "policy"
MAX_CLASS_LINES = 80
MAX_MODULE_LINES = 300


def modules():
    return sorted(path for path in POLICY.rglob("*.py") if "migrations" not in path.relative_to(POLICY).parts)


def class_sizes(source):
    """(name, lines from its `class` line to its last) of every class in `source`, nested ones too."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            yield node.name, node.end_lineno - node.lineno + 1


def test_the_measure_finds_a_long_class_and_a_nested_one():
    source = "class Outer:\n    class Inner:\n" + "        x = 1\n" * 90 + "    y = 2\n"
    assert dict(class_sizes(source)) == {"Outer": 93, "Inner": 91}


def test_every_module_is_measured():
    names = {str(path.relative_to(POLICY)) for path in modules()}
    assert {"admin.py", "api/views.py", "querying/pagination.py", "records/statement.py"} <= names
    assert not any(name.startswith("migrations/") for name in names)


def test_no_module_over_300_lines():
    sizes = {str(path.relative_to(POLICY)): len(path.read_text().splitlines()) for path in modules()}
    assert {name: size for name, size in sizes.items() if size > MAX_MODULE_LINES} == {}


def test_no_class_over_80_lines():
    long = {
        f"{path.relative_to(POLICY)}:{name}": size
        for path in modules()
        for name, size in class_sizes(path.read_text())
        if size > MAX_CLASS_LINES
    }
    assert long == {}
