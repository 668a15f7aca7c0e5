"""The README's Python example runs as written, and says what it prints."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from owl.cli.main import cli
from owl.ledger.log import Pending
from tests.builders import at, innotrac_events
from tests.storekit import Log

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text()
    code = re.search(r"## From Python.*?```python\n(.*?)```", readme, re.S)
    assert code is not None
    monkeypatch.chdir(tmp_path)
    log = Log("sqlite:///owl.db")
    log.init()
    log.append([Pending(e) for e in innotrac_events()], at("2026-11-29T00:00"))
    log.close()
    trades = tmp_path / "trades.csv"
    trades.write_text(
        "trade_id,issuer,holder,side,shares,trade_date\nt-1,INOC,IPOF Fund,BUY,587212,2003-11-21\n"
    )
    lines = code[1].replace("/tmp/trades.csv", str(trades)).splitlines()
    namespace: dict[str, object] = {}

    for line in lines:
        exec(line.split("  #")[0] if not line.startswith(" ") else "", namespace)
        if line.startswith("[(g["):
            shown = eval(line.split("  #")[0], namespace)

    assert shown == [("IPOF Group", "24.0138", "exempt")]
    assert "# [('IPOF Group', '24.0138', 'exempt')]" in code[1]
    ledger = namespace["ledger"]
    assert ledger.verify()["ok"] is True  # type: ignore[attr-defined]
    assert ledger.verify()["events"] == 11  # type: ignore[attr-defined]


def sh_block(readme: str, heading: str) -> list[str]:
    """The command lines of the first sh block under `heading`, comments and pipes cut off."""
    found = re.search(rf"{re.escape(heading)}\n.*?```sh\n(.*?)```", readme, re.S)
    assert found is not None, heading
    lines = [line.split("  #")[0].split(" | ")[0].strip() for line in found[1].splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def run_owl(line: str, placeholders: dict[str, str]) -> Result:
    for name, value in placeholders.items():
        line = line.replace(name, value)
    assert "<" not in line, f"a placeholder the test does not know: {line}"
    args = shlex.split(line)
    assert args[0] == "owl", line
    out = None
    if ">" in args:
        args, out = args[: args.index(">")], args[args.index(">") + 1]
    result = CliRunner().invoke(cli, args[1:], env={"OWL_DB": None})
    if out is not None:
        Path(out).write_text(result.stdout)
    return result


def test_the_readme_has_no_empty_code_block() -> None:
    readme = (ROOT / "README.md").read_text()

    assert re.findall(r"```\w*\n\s*```", readme) == []


def test_every_command_of_the_readme_tour_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = (ROOT / "README.md").read_text()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").symlink_to(ROOT / "data")
    placeholders: dict[str, str] = {}
    ran = []

    for line in sh_block(readme, "## A five-minute tour"):
        line = line.replace("/tmp/", f"{tmp_path}/")
        if line.startswith("printf"):
            subprocess.run(line, shell=True, check=True)
            continue
        result = run_owl(line, placeholders)
        ran.append((line, result.exit_code, result.stderr))
        if line == "owl log" and "<recorded_at of seq 10>" not in placeholders:
            (tenth,) = [row for row in result.stdout.splitlines() if row.split()[0] == "10"]
            placeholders["<recorded_at of seq 10>"] = tenth.split()[1]
        if line == "owl verify":
            head = result.stdout.splitlines()[0].removeprefix("ok: ").split(", ")
            digest = f"{head[1].removeprefix('head seq ')}:{head[2].removeprefix('hash ')}"
            placeholders["<seq>:<hash>"] = digest.strip()

    assert [r for r in ran if r[1] != 0] == []
    assert len(ran) >= 20
    assert (tmp_path / "inoc.png").exists() and (tmp_path / "inoc.html").exists()


def test_the_readme_restore_recipe_rebuilds_the_same_chain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = (ROOT / "README.md").read_text()
    monkeypatch.chdir(tmp_path)
    original = Log("sqlite:///owl.db")
    original.init()
    original.append([Pending(e) for e in innotrac_events()], at("2026-11-29T00:00"))
    head = original.verify()
    original.close()
    digest = f"{head.head_seq}:{head.head_hash}"

    results = [
        run_owl(line, {"<digest of the original>": digest})
        for line in sh_block(readme, "### Export, restore, replicate")
    ]

    assert [(r.exit_code, r.stderr) for r in results] == [(0, "")] * 4
    assert results[-1].stdout.splitlines()[0].endswith(f"; digest {digest} confirmed")
