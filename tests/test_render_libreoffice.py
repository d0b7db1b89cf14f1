"""The Word file as LibreOffice lays it out: no empty page, the footer's fields filled in,
in the document's language. Skipped where LibreOffice (soffice) or poppler (pdftotext)
is missing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from briefing_samples import sample_briefing

from briefing.render import docx as render_docx
from briefing.render.common import Layout

pytestmark = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")),
    reason="LibreOffice (soffice) and poppler-utils (pdftotext) are needed",
)


def _pdf(tmp_path: Path, layout: Layout) -> Path:
    source = tmp_path / "briefing.docx"
    source.write_bytes(render_docx.render(sample_briefing(), layout))
    profile = (tmp_path / "profile").as_uri()  # its own profile: runs in parallel safely
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return source.with_suffix(".pdf")


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


@pytest.mark.parametrize(
    ("layout", "footer"),
    [(Layout(), "صفحة من"), (Layout(langs=("en",), page_size="letter"), "Page of")],
)
def test_pages_have_text_and_a_filled_in_footer(
    tmp_path: Path, layout: Layout, footer: str
) -> None:
    pages = _pages(_pdf(tmp_path, layout))
    assert len(pages) >= 2
    total = len(pages)
    for page in pages:
        body = [line for line in page.splitlines() if line.strip()]
        assert len(body) >= 3, page  # header, some text, footer: no empty page
    for number, page in enumerate(pages, start=1):
        last = page.replace("\u202b", "").replace("\u202c", "").strip().splitlines()[-1]
        assert all(word in last for word in footer.split()), last
        assert f"{number}" in last and f"{total}" in last, last
        assert "PAGE" not in page and "NUMPAGES" not in page
