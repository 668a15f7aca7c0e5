"""The dependency rules of docs/architecture.md, checked on the source (AST, not by importing).

One installed package, `owl`, in three layers: owl.cli -> owl.projections -> owl.ledger, never back.
owl.ledger imports neither projections, the cli nor click; owl.projections imports neither the
cli, click nor SQLAlchemy; SQLAlchemy lives only in owl.ledger.sql. Inside projections the layers
are domain -> maintained -> views -> application: the domain imports no other layer, the
maintained tables only the domain, the views the domain and the maintained tables (whose rows
they read), the application all of them.
The command line reaches projections only through the application (and the domain's wording of
numbers). owl.brokers (the message brokers `owl follow` reads) stands beside the ledger: it imports
no other layer of owl, nor click nor SQLAlchemy; projections reach it only through its interface
(the package itself), never an adapter, which the command line chooses. Nothing imports the
layers by their directory names (`ledger`, `projections`, `cli`, `brokers`), and no module
imports itself back through another (no cycles). Neither ledger nor projections prints or reads
the clock: the CLI stamps `recorded_at` and passes it in (`cli.common.utc_now`).
"""

from __future__ import annotations

import ast
import graphlib
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
CLOCK_ALLOWED: set[tuple[str, str]] = {("projections/application/clock.py", "system_clock")}
PROJECTION_LAYERS = {
    "domain": {"domain"},
    "maintained": {"domain", "maintained"},
    "views": {"domain", "maintained", "views"},
    "application": {"domain", "maintained", "views", "application"},
}
CLI_REACHES = {"owl.projections.application", "owl.projections.domain.numbers"}
LAYERS = ("ledger", "projections", "cli", "brokers")


def modules(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (ROOT / package).rglob("*.py"))


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def module_name(path: Path) -> str:
    """The installed name of a file of ours: ledger/log.py is owl.ledger.log."""
    parts = rel(path).removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(["owl", *parts])


def imported(path: Path) -> Iterator[str]:
    """Every module name the file imports, relative imports resolved."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module or ""]).strip(".")
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


def ours(path: Path) -> set[str]:
    """The modules of owl a file imports (a `from m import name` counts m.name if a module)."""
    known = {module_name(p) for p in modules(*LAYERS)} | {"owl"}
    return {name for name in imported(path) if name in known}


def top_levels(path: Path) -> set[str]:
    """The layers and libraries a file imports: owl.ledger.log is `ledger`, click is `click`."""
    names = set()
    for name in imported(path):
        parts = name.split(".")
        names.add(parts[1] if parts[0] == "owl" and len(parts) > 1 else parts[0])
    return names


@pytest.mark.parametrize("path", modules(*LAYERS, "owl"), ids=rel)
def test_every_import_of_ours_names_the_installed_package(path: Path) -> None:
    bare = [name for name in imported(path) if name.split(".")[0] in LAYERS]

    assert bare == []


@pytest.mark.parametrize("path", modules("ledger"), ids=rel)
def test_the_ledger_imports_neither_projections_nor_the_cli_nor_click(path: Path) -> None:
    assert top_levels(path).isdisjoint({"projections", "cli", "click", "brokers"})


@pytest.mark.parametrize("path", modules("brokers"), ids=rel)
def test_brokers_import_no_other_layer_nor_click_nor_sqlalchemy(path: Path) -> None:
    assert top_levels(path).isdisjoint({"ledger", "projections", "cli", "click", "sqlalchemy"})


@pytest.mark.parametrize("path", modules("projections"), ids=rel)
def test_projections_know_the_broker_interface_and_no_adapter(path: Path) -> None:
    reached = {name for name in ours(path) if name.startswith("owl.brokers")}

    assert reached <= {"owl.brokers"}


@pytest.mark.parametrize("path", modules("projections"), ids=rel)
def test_projections_import_neither_the_cli_nor_click_nor_sqlalchemy(path: Path) -> None:
    assert top_levels(path).isdisjoint({"cli", "click", "sqlalchemy"})


@pytest.mark.parametrize("path", modules("projections"), ids=rel)
def test_each_projection_layer_imports_only_the_layers_before_it(path: Path) -> None:
    layer = module_name(path).split(".")[2:3]
    allowed = PROJECTION_LAYERS[layer[0]] if layer and layer[0] in PROJECTION_LAYERS else set()
    reached = {name.split(".")[2] for name in ours(path) if name.startswith("owl.projections.")}

    assert reached <= allowed


@pytest.mark.parametrize("path", modules("cli"), ids=rel)
def test_the_cli_reaches_projections_only_through_the_application(path: Path) -> None:
    reached = {name for name in ours(path) if name.startswith("owl.projections.")}

    assert all(any(n.startswith(r) for r in CLI_REACHES) for n in reached), reached


def test_no_module_imports_itself_back_through_another() -> None:
    graph = graphlib.TopologicalSorter(
        {module_name(p): ours(p) - {module_name(p)} for p in modules(*LAYERS)}
    )

    graph.prepare()  # raises CycleError naming the cycle


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


LOG_STORE = ["ledger/store.py", "ledger/sql/session.py", "ledger/sql/store.py"]


@pytest.mark.parametrize("name", LOG_STORE)
def test_the_log_store_knows_no_event_type(name: str) -> None:
    from owl.ledger.events import TYPE_NAMES

    tree = ast.parse((ROOT / name).read_text())
    words = {
        word
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        for word in node.value.replace("'", " ").split()
    }

    assert words.isdisjoint(TYPE_NAMES)


def test_the_log_store_is_narrow() -> None:
    from owl.ledger.store import Reader, Sql, Writer

    def methods(cls: type) -> set[str]:
        return {n for n in vars(cls) if not n.startswith("_")}

    log = methods(Reader) | methods(Writer)

    assert len(log) <= 10, sorted(log)
    assert len(methods(Sql)) <= 6


@pytest.mark.parametrize("path", modules(*LAYERS), ids=rel)
def test_a_module_stays_small_or_says_why_it_is_not(path: Path) -> None:
    lines = len(path.read_text().splitlines())
    docstring = ast.get_docstring(ast.parse(path.read_text())) or ""

    assert lines <= 500
    assert lines <= 300 or "Longer than the ~300 lines STYLE.md asks:" in docstring
