"""The README's Python example runs as written, and says what it prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ledger.log import Pending
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
