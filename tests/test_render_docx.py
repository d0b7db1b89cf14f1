"""render_docx: reopen the document with python-docx and check its structure.

A .docx is a zip with timestamps, so it is never compared byte for byte.
"""

from __future__ import annotations

import io
import re

import docx
import pytest
from briefing_samples import sample_briefing
from docx.document import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from briefing.render import docx as render_docx

ARABIC = re.compile("[\u0600-\u06ff]")
# Schema order (CT_RPr, CT_PPr) of the elements the renderer writes.
RPR_ORDER = ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "color", "sz", "szCs", "rtl", "lang"]
PPR_ORDER = ["pStyle", "keepNext", "numPr", "shd", "bidi", "spacing", "ind", "jc"]


def visible(text: str) -> str:
    """The text as a reader sees it: joiners and isolates gone, no-break spaces as spaces."""
    for invisible in ("\u2060", "\u2066", "\u2069"):
        text = text.replace(invisible, "")
    return text.replace("\u00a0", " ")


@pytest.fixture(scope="module")
def document() -> Document:
    return docx.Document(io.BytesIO(render_docx.render(sample_briefing())))


def _style(paragraph: Paragraph) -> str:
    return paragraph.style.name if paragraph.style is not None else ""


def _is_bidi(paragraph: Paragraph) -> bool:
    return paragraph._p.find(f"{qn('w:pPr')}/{qn('w:bidi')}") is not None


def _part(document: Document, heading: str) -> list[Paragraph]:
    """The paragraphs after a Heading 2 up to the next one."""
    out: list[Paragraph] = []
    inside = False
    for paragraph in document.paragraphs:
        if _style(paragraph) == "Heading 2":
            inside = paragraph.text == heading
        elif inside:
            out.append(paragraph)
    return out


def _local(element: object) -> str:
    return element.tag.rsplit("}", 1)[-1]  # type: ignore[attr-defined]


def test_headings(document: Document) -> None:
    headings = {
        level: [p.text for p in document.paragraphs if _style(p) == f"Heading {level}"]
        for level in (1, 2, 3, 4)
    }
    assert headings[1] == ["Briefing — 2026-02-11", "الموجز — 2026-02-11"]
    assert headings[2] == [
        "Overview",
        "Story 1",
        "Story 2",
        "Notes on inputs",
        "Sources",
        "Provenance",
    ]
    assert headings[3] == [
        "سوريا تنضم إلى التحالف الدولي ضد داعش بوصفها العضو رقم 90",
        "Syria joins the anti-ISIS coalition as its 90th member",
    ]
    assert headings[4] == ["نقاط الخلاف", "Disagreements"]


def test_one_bullet_per_point_disagreement_problem_and_duplicate(document: Document) -> None:
    briefing = sample_briefing()
    sections = [s for story in briefing.stories for s in story.sections]
    expected = sum(len(s.points) + len(s.disagreements) for s in sections)
    expected += len(briefing.problems) + len(briefing.duplicates)
    bullets = [p for p in document.paragraphs if _style(p) == "List Bullet"]
    assert len(bullets) == expected == 12
    assert visible(bullets[0].text).endswith(" [1][3]")
    assert (
        visible(bullets[5].text) == "“The meeting marked a turning point for regional security” [3]"
    )


def test_bidi_on_every_arabic_paragraph_and_no_english_one(document: Document) -> None:
    arabic = [p for p in document.paragraphs if ARABIC.search(p.text)]
    english = [p for p in document.paragraphs if p.text and not ARABIC.search(p.text)]
    assert len(arabic) >= 15 and len(english) >= 15
    for paragraph in arabic:
        assert _is_bidi(paragraph), paragraph.text
        assert paragraph.paragraph_format.alignment is None, paragraph.text
    for paragraph in english:
        assert not _is_bidi(paragraph), paragraph.text
        assert not paragraph._p.xpath(".//w:rtl | .//w:szCs | .//w:lang"), paragraph.text


def test_runs_of_arabic_paragraphs_are_right_to_left(document: Document) -> None:
    for paragraph in document.paragraphs:
        if not _is_bidi(paragraph):
            continue
        assert paragraph.runs
        for run in paragraph.runs:
            rpr = run._r.rPr
            assert rpr is not None and rpr.find(qn("w:rtl")) is not None, run.text
            assert rpr.rFonts.get(qn("w:cs")) == "Arial"
            assert rpr.rFonts.get(qn("w:ascii")) == rpr.rFonts.get(qn("w:hAnsi")) == "Arial"
            size = rpr.find(qn("w:sz")).get(qn("w:val"))
            assert rpr.find(qn("w:szCs")).get(qn("w:val")) == size
            assert rpr.find(qn("w:lang")).get(qn("w:bidi")) == "ar-SA"
            if run.bold:
                assert rpr.find(qn("w:bCs")) is not None


def test_arabic_heading_runs_keep_the_heading_size(document: Document) -> None:
    title = next(p for p in document.paragraphs if p.text.startswith("الموجز"))
    assert title.runs[0].font.size == Pt(14)
    assert title.runs[0]._r.rPr.find(qn("w:szCs")).get(qn("w:val")) == "28"


def test_properties_come_in_schema_order(document: Document) -> None:
    """Word refuses to open a file whose w:rPr or w:pPr children are out of order."""
    for paragraph in document.paragraphs:
        ppr = paragraph._p.pPr
        if ppr is not None:
            names = [_local(c) for c in ppr]
            assert names == sorted(names, key=PPR_ORDER.index), names
        for run in paragraph.runs:
            if run._r.rPr is not None:
                names = [_local(c) for c in run._r.rPr]
                assert names == sorted(names, key=RPR_ORDER.index), names


def test_sources_are_numbered_with_their_direction(document: Document) -> None:
    briefing = sample_briefing()
    entries = _part(document, "Sources")
    assert len(entries) == len(briefing.sources)
    for n, (paragraph, article) in enumerate(zip(entries, briefing.sources, strict=True), 1):
        assert paragraph.text.startswith(f"{n}. ")
        assert article.title in paragraph.text and article.origin in paragraph.text
        assert _is_bidi(paragraph) == (article.lang == "ar")
    assert "مصدر غير معروف" in entries[1].text
    assert "None" not in "".join(p.text for p in entries)


def test_failed_story_is_shown_with_its_message(document: Document) -> None:
    texts = [visible(p.text) for p in _part(document, "Story 2")]
    assert texts[0] == (
        "This story could not be summarised: "
        "the model's answer stayed invalid after one re-ask: 'points' is missing"
    )
    assert texts[1] == "تعذّر تلخيص هذا الخبر."
    assert "Articles: [4][5]" in texts


def test_notice_in_both_languages_comes_first(document: Document) -> None:
    texts = [p.text for p in document.paragraphs[2:4]]
    assert texts[0].startswith("Note: Summaries were written by a language model")
    assert texts[1].startswith("تنبيه: كتب نموذج لغوي")


def test_provenance_table(document: Document) -> None:
    assert len(document.tables) == 1
    table = document.tables[-1]
    rows = [tuple(cell.text for cell in row.cells) for row in table.rows]
    assert all(len(row) == 2 for row in rows)
    values = dict(rows[:-2])
    assert values["Model"] == "gpt-4o-mini"
    assert values["Engine"] == "llm 1"
    assert values["Base URL"] == "http://127.0.0.1:8080/v1"
    assert values["Prompts"] == "digest v2 sha256 9f86d081884c"
    assert values["Parameters"] == "temperature=0.2, max_tokens=900"
    assert values["Run time"] == "2026-02-11T06:00:00Z"
    assert rows[-2:] == [
        ("Input", "fixtures/000_6347bcd86dbd3ca7.txt — sha256 4b7c1e0f9a2d — 1 article"),
        ("Input", "inbox/feeds.jsonl — sha256 0d9c8b7a6f5e — 9 articles"),
    ]
    assert document.element.body[-2] is table._tbl  # the last thing before sectPr


def test_core_properties_and_default_size(document: Document) -> None:
    assert document.core_properties.title == "Briefing 2026-02-11"
    assert document.core_properties.created.isoformat() == "2026-02-11T06:00:00+00:00"
    assert document.styles["Normal"].font.size == Pt(11)


def test_styles_name_fonts_instead_of_theme_fonts(document: Document) -> None:
    """A theme font in a style would override the Arabic font set on a run."""
    fonts = document.styles.element.findall(f".//{qn('w:rFonts')}")
    assert fonts
    for element in fonts:
        assert not [a for a in element.attrib if a.endswith("Theme") or a.endswith("theme")]
        assert element.get(qn("w:cs")) == "Arial"
