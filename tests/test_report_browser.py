"""The report in a real browser: Debian's Chromium, headless, with the network off.

Checked on what the browser made of the page: the rendered DOM (every section, the Innotrac
figures, hostile names as text and no script run), screenshots at desktop and phone width that
are not blank, no sideways scrolling on a phone, and a print to PDF with a page per section.
Without /usr/bin/chromium (`apt-get install -y chromium`) these tests skip, saying so, unless
OWL_REQUIRE_BROWSER=1 (as in CI), where a missing browser fails the run.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.test_report import HEBREW, PLAIN, SECTIONS, hostile_report, innotrac_report

CHROMIUM = Path("/usr/bin/chromium")
# Headless, no sandbox (CI runs as root), and no network: nothing to sync or update, names
# resolve nowhere and any connection would go to a closed port.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=127.0.0.1:9",
]
# A script in a name that, if it ever ran, would remove the report's <main id="report">.
REMOVER = '<script>document.getElementById("report").remove()</script>'
IMAGE = "<img src=x onerror=\"document.getElementById('report').remove()\">"


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install -y chromium)"
        if os.environ.get("OWL_REQUIRE_BROWSER") == "1":
            pytest.fail(f"OWL_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    return CHROMIUM


def browse(chromium: Path, folder: Path, page: Path, *args: str) -> str:
    """Run Chromium on `page` with a fresh profile; its standard output."""
    profile = tempfile.mkdtemp(prefix="chromium-", dir=folder)
    result = subprocess.run(
        [str(chromium), *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def image(path: Path) -> Any:
    from matplotlib.image import imread

    return imread(str(path))


def not_blank(pixels: Any) -> bool:
    """More than 2% of the pixels are not near-white, in more than 50 colours."""
    rgb = pixels[..., :3]
    inked = (rgb < 0.85).any(axis=-1).mean()
    colours = len({tuple(p) for p in (rgb[::7, ::7].reshape(-1, 3) * 255).astype(int)})
    return bool(inked > 0.02 and colours > 50)


@pytest.fixture
def inoc_file(sqlite_url: str, tmp_path: Path) -> Path:
    path = tmp_path / "inoc.html"
    path.write_text(innotrac_report(sqlite_url), encoding="utf-8")
    return path


@pytest.fixture
def hostile_file(sqlite_url: str, tmp_path: Path) -> Path:
    path = tmp_path / "host.html"
    path.write_text(hostile_report(sqlite_url, (REMOVER, IMAGE, PLAIN, HEBREW)), encoding="utf-8")
    return path


def test_the_rendered_report_has_every_section_and_the_innotrac_figures(
    chromium: Path, inoc_file: Path, tmp_path: Path
) -> None:
    dom = browse(chromium, tmp_path, inoc_file, "--dump-dom")

    assert re.findall(r'<section id="([a-z]+)">', dom) == SECTIONS
    assert "24.0138%" in dom and "1,864,312" in dom
    assert "<svg" in dom


def test_hostile_names_render_as_text_and_no_script_runs(
    chromium: Path, hostile_file: Path, tmp_path: Path
) -> None:
    dom = browse(chromium, tmp_path, hostile_file, "--dump-dom")

    assert '<main id="report">' in dom  # the scripts in the names never ran
    assert "<script" not in dom.lower() and "<img" not in dom.lower()
    assert '&lt;script&gt;document.getElementById("report").remove()&lt;/script&gt;' in dom
    assert "&lt;img src=x onerror=" in dom
    assert "\u202e" not in dom and "Evil&lt;U+202E&gt;Corp" in dom


def test_a_desktop_screenshot_shows_the_report(
    chromium: Path, inoc_file: Path, tmp_path: Path
) -> None:
    shot = tmp_path / "desktop.png"

    browse(chromium, tmp_path, inoc_file, f"--screenshot={shot}", "--window-size=1200,2000")

    pixels = image(shot)
    assert pixels.shape[:2] == (2000, 1200)
    assert not_blank(pixels)


def test_on_a_phone_the_page_fits_the_width_and_wide_tables_scroll_in_their_box(
    chromium: Path, inoc_file: Path, tmp_path: Path
) -> None:
    # Headless windows are at least 500 pixels wide: the phone is an iframe 390 wide, measured
    # by the frame around it (the report itself has no script).
    frame = tmp_path / "phone.html"
    frame.write_text(PHONE.format(src=inoc_file.name), encoding="utf-8")
    shot = tmp_path / "phone.png"
    args = ["--allow-file-access-from-files", "--window-size=500,1600"]

    dom = browse(chromium, tmp_path, frame, *args, "--dump-dom")
    browse(chromium, tmp_path, frame, *args, f"--screenshot={shot}")

    measured = dict(re.findall(r'data-(\w+)="([^"]*)"', dom))
    assert int(measured["page"]) <= int(measured["view"]) <= 390, measured
    assert measured["scrolls"] == "true", measured
    assert not_blank(image(shot)[:, :390])


PHONE = """<!DOCTYPE html>
<html><body style="margin:0">
<iframe id="phone" src="{src}" style="width:390px;height:1600px;border:0"></iframe>
<script>
window.addEventListener("load", () => {{
  const d = document.getElementById("phone").contentDocument;
  const boxes = [...d.querySelectorAll(".scroll")];
  document.body.dataset.page = d.documentElement.scrollWidth;
  document.body.dataset.view = d.documentElement.clientWidth;
  document.body.dataset.scrolls = boxes.some((b) => b.scrollWidth > b.clientWidth);
}});
</script>
</body></html>
"""


def test_the_report_prints_to_a_pdf_with_a_page_for_each_section(
    chromium: Path, inoc_file: Path, tmp_path: Path
) -> None:
    pdf = tmp_path / "inoc.pdf"

    browse(chromium, tmp_path, inoc_file, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")

    content = pdf.read_bytes()
    assert content.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page\b", content))
    assert pages >= len(SECTIONS)
