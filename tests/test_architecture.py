"""The dependency rules of docs/ARCHITECTURE.md, checked on the source (AST, not by importing).

cli -> projections -> ledger, never back: ledger/ imports neither projections, cli nor click;
projections/ imports neither cli, click nor SQLAlchemy; SQLAlchemy lives only in ledger/sql/.
Neither ledger/ nor projections/ prints or reads the clock: the CLI stamps `recorded_at` and passes
it in (`cli.common.utc_now`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLOCK_CALLS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
}
# (file, function) that may read the clock: the one clock everything else is handed.
CLOCK_ALLOWED: set[tuple[str, str]] = {("projections/clock.py", "system_clock")}


def modules(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (ROOT / package).rglob("*.py"))


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def imported(path: Path) -> Iterator[str]:
    """Every module name the file imports, relative imports resolved."""
    package = rel(path).removesuffix(".py").split("/")[:-1]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            yield ".".join([*base, node.module or ""]).strip(".")


def top_levels(path: Path) -> set[str]:
    return {name.split(".")[0] for name in imported(path)}


@pytest.mark.parametrize("path", modules("ledger"), ids=rel)
def test_the_ledger_imports_neither_projections_nor_the_cli_nor_click(path: Path) -> None:
    assert top_levels(path).isdisjoint({"projections", "cli", "click"})


@pytest.mark.parametrize("path", modules("projections"), ids=rel)
def test_projections_import_neither_the_cli_nor_click_nor_sqlalchemy(path: Path) -> None:
    assert top_levels(path).isdisjoint({"cli", "click", "sqlalchemy"})


def test_only_ledger_sql_imports_sqlalchemy() -> None:
    users = [rel(p) for p in modules("ledger", "projections") if "sqlalchemy" in top_levels(p)]

    assert users and all(user.startswith("ledger/sql/") for user in users)


def calls(path: Path) -> Iterator[tuple[str, str, int]]:
    """(enclosing function, called name, line) for print() and the clock calls in a file."""
    tree = ast.parse(path.read_text(), str(path))
    for scope in ast.walk(tree):
        body_of = scope.name if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef) else ""
        children = [scope] if isinstance(scope, ast.Module) else scope.body if body_of else []
        for child in children:
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                continue  # a nested function is its own scope
            for node in _walk_same_scope(child):
                name = _call_name(node)
                if name is not None:
                    yield body_of, name, node.lineno


def _walk_same_scope(node: ast.AST) -> Iterator[ast.AST]:
    """The nodes under `node`, not descending into nested functions (they are their own scope)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        for child in ast.iter_child_nodes(current):
            if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                stack.append(child)


def _call_name(node: ast.AST) -> str | None:
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if isinstance(func, ast.Name) and func.id == "print":
        return "print"
    if isinstance(func, ast.Attribute):
        owner = func.value
        owner_name = (
            owner.id
            if isinstance(owner, ast.Name)
            else owner.attr
            if isinstance(owner, ast.Attribute)
            else None
        )
        if (owner_name, func.attr) in CLOCK_CALLS:
            return f"{owner_name}.{func.attr}"
    return None


@pytest.mark.parametrize("path", modules("ledger", "projections"), ids=rel)
def test_the_core_never_prints_or_reads_the_clock(path: Path) -> None:
    found = [
        f"{rel(path)}:{line}: {name}()"
        for function, name, line in calls(path)
        if name == "print" or (rel(path), function) not in CLOCK_ALLOWED
    ]

    assert found == []


@pytest.mark.parametrize("path", modules("ledger", "projections"), ids=rel)
def test_the_core_imports_no_clock_function_by_name(path: Path) -> None:
    tree = ast.parse(path.read_text(), str(path))

    names = [
        f"from {node.module} import {alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "time"
        for alias in node.names
        if alias.name in {"time", "time_ns"}
    ]

    assert names == []


def test_the_checks_catch_a_print_and_a_clock_call(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import datetime\n"
        "def f():\n"
        "    print('hi')\n"
        "    def g():\n"
        "        return datetime.datetime.now()\n"
        "    return date.today()\n"
    )

    found = sorted(calls(sample))

    assert found == [("f", "date.today", 6), ("f", "print", 3), ("g", "datetime.now", 5)]
