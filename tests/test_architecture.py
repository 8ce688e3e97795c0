"""The shape of the code: no module imports itself back through others (import-linter's layers allow a
circle inside one layer; this test does not), and only cer.runtime reads the environment."""

from __future__ import annotations

import ast
import re

import grimp

from tests.conftest import REPO

PACKAGES = ("cer", "flows", "workstreams", "diagnostics", "tools_catalog")


def import_circles(graph: grimp.ImportGraph) -> set[tuple[str, ...]]:
    """Each set of modules that import each other round, as a sorted tuple (function-level imports count)."""
    circles = set()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back:
                circles.add(tuple(sorted(set(back))))
    return circles


def test_no_module_imports_itself_back_through_others() -> None:
    circles = import_circles(grimp.build_graph(*PACKAGES))
    assert not circles, "import circles: " + "; ".join(" ↔ ".join(c) for c in sorted(circles))


# Only cer.runtime reads (or writes) the process's environment: everything else asks
# `cer.runtime.config.get_settings()`. The names that reach it through the `os` module:
ENVIRONMENT = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}
RUNTIME = "cer/runtime/"


def environment_reads(source: str) -> list[int]:
    """The lines that reach the environment: `os.environ` (however used), `os.getenv`, and the like through
    any name `os` is imported as, and `from os import environ` (or `getenv`, …) itself."""
    tree = ast.parse(source)
    os_names = set()
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "os" or (alias.name.startswith("os.") and alias.asname is None):
                    os_names.add(alias.asname or "os")
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            lines += [node.lineno for alias in node.names if alias.name in ENVIRONMENT]
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ENVIRONMENT
            and isinstance(node.value, ast.Name)
            and node.value.id in os_names
        ):
            lines.append(node.lineno)
    return sorted(lines)


def environment_readers() -> dict[str, list[int]]:
    """Every module of our packages outside cer/runtime/ that reaches the environment -> its lines."""
    readers = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            name = path.relative_to(REPO).as_posix()
            lines = environment_reads(path.read_text(encoding="utf-8"))
            if lines and not name.startswith(RUNTIME):
                readers[name] = lines
    return readers


def test_the_environment_check_sees_every_way_of_reading_it() -> None:
    source = """
import os
import os as system
import os.path
from os import environ
from os import getenv as read

os.environ["A"]
os.environ.get("B")
system.getenv("C")
env = {**os.environ}
path = os.path.join("a", "b")
environ["D"]
"""
    assert environment_reads(source) == [5, 6, 8, 9, 10, 11]
    assert environment_reads("import os\nos.getpid()\nenv = {'environ': 1}\n") == []


def test_only_cer_runtime_reads_the_environment() -> None:
    readers = environment_readers()
    offenders = [f"{name}:{line}" for name, lines in readers.items() for line in lines]
    assert not offenders, (
        "read the environment outside cer/runtime/ (use cer.runtime.config.get_settings(); add a Settings "
        "field if it lacks one): " + ", ".join(offenders)
    )


def test_table_rows_are_named_apart_from_domain_results() -> None:
    """One naming rule: a table's class ends in `Row` (`PlanRow`), a domain result does not
    (`diagnostics.planner.Plan`); the tables keep their names in the database."""
    from sqlmodel import SQLModel

    import cer.db.tables  # noqa: F401  (registers the tables)

    tables = {mapper.class_ for mapper in SQLModel._sa_registry.mappers}
    assert tables and all(t.__name__.endswith("Row") for t in tables), sorted(t.__name__ for t in tables)
    assert {t.__tablename__ for t in tables} >= {"plan", "task", "diagnosis", "user", "taskevent"}
    rows = re.compile(r"^class (\w+Row)\b", re.M)
    elsewhere = [
        f"{path.relative_to(REPO)}: {name}"
        for path in sorted((REPO / "cer").rglob("*.py"))
        if not path.name.endswith("tables.py")  # cer/db/tables.py, cer/db/guard_tables.py
        for name in rows.findall(path.read_text(encoding="utf-8"))
    ]
    assert elsewhere == [], "only tables are named ...Row"
