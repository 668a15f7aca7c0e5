"""owl installs as one package, `owl`: a wheel built from the repository holds `owl` and its
metadata and nothing else (no top-level `ledger`, `projections` or `cli` to collide with another
package), with the real files behind owl/'s links to the layers."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_installs_exactly_one_top_level_package_and_the_owl_command(
    tmp_path: Path,
) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("owl_ledger-*.whl")
    archive = zipfile.ZipFile(wheel)
    names = archive.namelist()
    tops = {n.split("/")[0] for n in names}
    (info,) = [t for t in tops if t.endswith(".dist-info")]

    assert tops == {"owl", info}
    assert {
        "owl/projections/domain/rules.py",
        "owl/cli/main.py",
        "owl/ledger/sql/session.py",
    } <= set(names)
    assert "owl = owl.cli.main:cli" in archive.read(f"{info}/entry_points.txt").decode()
