"""render_docx: reopen the document with python-docx and check its structure.

A .docx is a zip with timestamps, so it is never compared byte for byte. What a reader
needs is checked on the XML: links, bookmarks, direction, comments, fields, page.
"""

from __future__ import annotations

import dataclasses
import io
import re

import docx
import pytest
from briefing_samples import WIRE, sample_briefing
from docx.document import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from briefing.models import Briefing
from briefing.render import docx as render_docx
from briefing.render.common import Layout, visible

ARABIC = re.compile("[\u0600-\u06ff]")
PATH_OR_HASH = re.compile(r"(?:\w+/)+\w+\.(?:txt|json|jsonl|md)|sha256|\b[0-9a-f]{12,}\b")
RPR_ORDER = ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "color", "sz", "szCs", "highlight",
             "u", "rtl", "lang"]  # fmt: skip
PPR_ORDER = ["pStyle", "keepNext", "pageBreakBefore", "numPr", "shd", "bidi", "spacing", "ind",
             "jc", "rPr"]  # fmt: skip
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _open(briefing: Briefing | None = None, **layout: object) -> Document:
    data = render_docx.render(briefing or sample_briefing(), Layout(**layout))  # type: ignore[arg-type]
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def document() -> Document:
    return _open()


def _body_paragraphs(document: Document) -> list:  # type: ignore[type-arg]
    return document.element.body.findall(qn("w:p"))


def _text(p) -> str:  # type: ignore[no-untyped-def]
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def _style(p) -> str:  # type: ignore[no-untyped-def]
    style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return style.get(qn("w:val")) if style is not None else ""


def _bookmarks(document: Document) -> dict[str, object]:
    return {
        b.get(qn("w:name")): b.getparent()
        for b in document.element.body.iter(qn("w:bookmarkStart"))
    }


def _until_appendix(document: Document) -> list:  # type: ignore[type-arg]
    out = []
    for p in _body_paragraphs(document):
        if any(b.get(qn("w:name")) == "about" for b in p.iter(qn("w:bookmarkStart"))):
            break
        out.append(p)
    return out


def test_every_citation_is_a_hyperlink_to_its_source_bookmark(document: Document) -> None:
    marks = _bookmarks(document)
    cites = 0
    for p in _body_paragraphs(document):
        for link in p.iter(qn("w:hyperlink")):
            anchor = link.get(qn("w:anchor"))
            text = _text(link)
            if re.fullmatch(r"\[\d+\]", text):
                cites += 1
                n = text[1:-1]
                assert anchor == f"source_{n}", (text, anchor)
                target = marks[anchor]
                assert _text(target).startswith(f"{n}. ")  # the source entry itself
    assert cites >= 20
    # no [n] outside a hyperlink
    for p in _until_appendix(document):
        for r in p.findall(qn("w:r")):
            assert not re.search(r"\[\d+\]", _text(r)), _text(r)


def test_front_page_headlines_link_to_their_story(document: Document) -> None:
    marks = _bookmarks(document)
    links = [
        link for p in _body_paragraphs(document)[:12] for link in p.iter(qn("w:hyperlink"))
        if (link.get(qn("w:anchor")) or "").startswith("story_")
    ]  # fmt: skip
    assert {visible(_text(link)) for link in links} == {
        "سوريا تنضم إلى التحالف الدولي ضد داعش بوصفها العضو رقم 90",
        "Syria joins the anti-ISIS coalition as its 90th member",
        "# Breaking: *live* [updates] <b>oil</b> & gas_prices",
    }
    for link in links:
        heading = marks[link.get(qn("w:anchor"))]
        assert _style(heading) == "Heading2"


def test_every_url_is_a_clickable_link_with_a_short_form_and_unsafe_ones_are_not() -> None:
    document = _open()
    rels = document.part.rels
    external = {
        rel.rId: rel.target_ref for rel in rels.values() if rel.reltype.endswith("/hyperlink")
    }
    assert set(external.values()) == {
        "http://127.0.0.1:8080/v1",  # the endpoint, in the appendix's table
        "https://www.alikhbariah.com/news/2026/02/10/coalition",
        "https://www.reuters.com/world/middle-east/syria-joins-coalition_2026-02-10/",
        "https://www.enabbaladi.net/123456",
    }
    shown = [
        visible(_text(link))
        for p in _until_appendix(document)
        for link in p.iter(qn("w:hyperlink"))
        if link.get(qn("r:id"))
    ]
    assert sorted(shown) == ["alikhbariah.com/…", "enabbaladi.net/…", "reuters.com/…"]
    body = "".join(_text(p) for p in _body_paragraphs(document))
    assert "javascript:alert(document.cookie)" in body  # shown, as plain text only


def test_body_has_no_file_path_and_no_hash(document: Document) -> None:
    body = [visible(_text(p)) for p in _until_appendix(document)]
    assert len(body) > 20
    for text in body:
        assert not PATH_OR_HASH.search(text), text
        for word in ("Provenance", "tokenizer", "run_id", "input_budget", "Cut before"):
            assert word not in text


@pytest.mark.parametrize(
    ("langs", "forbidden"),
    [
        (("ar", "en"), None),
        (("en",), ARABIC),
        (("ar",), re.compile(r"[A-Za-z]{3,}")),
    ],
)
def test_every_heading_is_in_the_documents_languages(langs, forbidden) -> None:  # type: ignore[no-untyped-def]
    document = _open(langs=langs)
    headings = [p for p in _body_paragraphs(document) if _style(p).startswith("Heading")]
    assert len(headings) >= 8
    for p in headings:
        text = visible(_text(p))
        story = any(
            (b.get(qn("w:name")) or "").startswith("story_") for b in p.iter(qn("w:bookmarkStart"))
        )
        if forbidden is not None and not story and _style(p) != "Heading1":
            assert not forbidden.search(text), text
    generic = [visible(_text(p)) for p in headings if _style(p) == "Heading2"]
    if langs == ("ar", "en"):
        assert "أبرز الأخبار · Top stories" in generic and "المصادر · Sources" in generic
    elif langs == ("en",):
        assert "Top stories" in generic and "About this briefing" in generic
    else:
        assert "أبرز الأخبار" in generic and "حول هذا الموجز" in generic


def test_header_and_footer_fields(document: Document) -> None:
    section = document.sections[0]
    assert visible(section.header.paragraphs[0].text) == "الموجز اليومي — 11 فبراير 2026"
    footer = section.footer.paragraphs[0]._p
    fields = [f.get(qn("w:instr")).split()[0] for f in footer.iter(qn("w:fldSimple"))]
    assert fields == ["PAGE", "NUMPAGES"]
    assert "صفحة" in _text(footer) and footer.find(f"{qn('w:pPr')}/{qn('w:bidi')}") is not None
    english = _open(langs=("en",)).sections[0].footer.paragraphs[0]._p
    assert _text(english).startswith("Page ") and " of " in _text(english)


@pytest.mark.parametrize(
    ("size", "width", "height"), [("a4", 11906, 16838), ("letter", 12240, 15840)]
)
def test_page_size(size: str, width: int, height: int) -> None:
    pg = _open(page_size=size).sections[0]._sectPr.find(qn("w:pgSz"))
    assert (int(pg.get(qn("w:w"))), int(pg.get(qn("w:h")))) == (width, height)


def test_bidi_and_rtl_on_arabic_paragraphs_and_not_on_english_ones(document: Document) -> None:
    checked = 0
    for p in _body_paragraphs(document):
        text = _text(p)
        if not text.strip():
            continue
        bidi = p.find(f"{qn('w:pPr')}/{qn('w:bidi')}") is not None
        letters_ar = len(ARABIC.findall(text))
        letters_en = len(re.findall("[A-Za-z]", text))
        if letters_ar > 3 * letters_en:
            assert bidi, text
            checked += 1
        elif letters_en > 3 * letters_ar and "\u2068" not in text:  # not an isolated title
            assert not bidi, text
        for r in p.iter(qn("w:r")):
            run_text = _text(r)
            if ARABIC.search(run_text):
                rpr = r.find(qn("w:rPr"))
                assert rpr is not None and rpr.find(qn("w:rtl")) is not None, run_text
                assert rpr.find(qn("w:rFonts")).get(qn("w:cs")) == "Arial"
                assert rpr.find(qn("w:lang")).get(qn("w:bidi")) == "ar-SA"
    assert checked >= 15


def test_arabic_names_in_english_lines_are_right_to_left_runs(document: Document) -> None:
    meta = next(
        p for p in _body_paragraphs(document) if _text(p).startswith("3 articles · 3 outlets")
    )
    runs = {
        _text(r): r.find(f"{qn('w:rPr')}/{qn('w:rtl')}") is not None for r in meta.iter(qn("w:r"))
    }
    assert runs["الإخبارية السورية"] is True
    assert any(text.startswith("3 articles") and not rtl for text, rtl in runs.items())


def test_properties_come_in_schema_order(document: Document) -> None:
    """Word refuses to open a file whose w:rPr or w:pPr children are out of order."""
    for p in document.element.body.iter(qn("w:p")):
        ppr = p.find(qn("w:pPr"))
        if ppr is not None:
            names = [c.tag.split("}")[1] for c in ppr]
            assert names == sorted(names, key=PPR_ORDER.index), names
        for r in p.iter(qn("w:r")):
            rpr = r.find(qn("w:rPr"))
            if rpr is not None:
                names = [c.tag.split("}")[1] for c in rpr]
                assert names == sorted(names, key=RPR_ORDER.index), names


def test_flagged_point_is_highlighted_with_a_comment_holding_reason_and_evidence(
    document: Document,
) -> None:
    comments = list(document.comments)
    assert len(comments) == 2
    texts = ["\n".join(p.text for p in c.paragraphs) for c in comments]
    assert any(
        t.startswith("the number 40 is not in the cited sources")
        and "«أكد المبعوث الأمريكي الخاص إلى سوريا، توماس باراك" in t
        and "[2]" in t
        for t in texts
    )
    assert any(t.startswith("الرقم 40 غير موجود في المصادر المذكورة") for t in texts)
    for p in _body_paragraphs(document):
        if p.find(qn("w:commentRangeStart")) is not None:
            assert "40" in _text(p)
            assert p.find(f".//{qn('w:highlight')}") is not None
            assert "⚠" not in _text(p)  # Word shows the comment, not the text mark


def test_update_is_marked(document: Document) -> None:
    heading = _bookmarks(document)["story_1"]
    assert "تحديث" in _text(heading)
    body = "\n".join(visible(_text(p)) for p in _body_paragraphs(document))
    assert "Continues a story in the briefing of 9 February 2026" in body


def test_core_properties(document: Document) -> None:
    props = document.core_properties
    assert visible(props.title) == "الموجز اليومي — 11 فبراير 2026"
    assert props.subject and props.language == "ar-SA"
    assert props.created.isoformat() == "2026-02-11T06:00:00+00:00"
    assert document.styles["Normal"].font.size == Pt(11)


def test_arabic_font_is_configurable() -> None:
    document = _open(arabic_font="Noto Naskh Arabic")
    fonts = document.styles.element.findall(f".//{qn('w:rFonts')}")
    assert all(f.get(qn("w:cs")) == "Noto Naskh Arabic" for f in fonts)
    runs = [r for r in document.element.body.iter(qn("w:r")) if ARABIC.search(_text(r))]
    assert runs and all(
        r.find(f"{qn('w:rPr')}/{qn('w:rFonts')}").get(qn("w:cs")) == "Noto Naskh Arabic"
        for r in runs
    )


def test_styles_name_fonts_instead_of_theme_fonts_and_arabic_headings_keep_their_size(
    document: Document,
) -> None:
    """A theme font in a style would override the Arabic font set on a run."""
    for element in document.styles.element.findall(f".//{qn('w:rFonts')}"):
        assert not [a for a in element.attrib if a.lower().endswith("theme")]
    heading = document.styles["Heading 1"].element.rPr
    assert heading.find(qn("w:szCs")).get(qn("w:val")) == heading.find(qn("w:sz")).get(qn("w:val"))


def test_details_table_is_in_the_appendix(document: Document) -> None:
    assert len(document.tables) == 1
    rows = [tuple(visible(c.text) for c in row.cells) for row in document.tables[0].rows]
    values = dict(rows)
    assert values["النموذج"] == "gpt-4o-mini"
    assert ("ملف إدخال", "inbox/feeds.jsonl — sha256 0d9c8b7a6f5e — 9 مقالات") in rows
    assert document.element.body[-2] is document.tables[0]._tbl  # last before sectPr


def test_top_stories_in_full_and_the_rest_in_one_line() -> None:
    document = _open(top=1)
    names = set(_bookmarks(document))
    assert "story_1" in names and "story_2" not in names
    texts = [visible(_text(p)) for p in _body_paragraphs(document)]
    assert any(t.startswith("2. # Breaking") and "Example Wire" in t for t in texts)


def test_failed_story_in_plain_words(document: Document) -> None:
    body = [visible(_text(p)) for p in _until_appendix(document)]
    assert any(t.startswith("This story could not be summarised.") for t in body)
    assert not any("re-ask" in t for t in body)


def test_wire_has_no_link_but_keeps_its_text() -> None:
    sources = list(sample_briefing().sources)
    sources[3] = dataclasses.replace(WIRE, url="data:text/html,<script>x</script>")
    document = _open(dataclasses.replace(sample_briefing(), sources=tuple(sources)))
    targets = [
        r.target_ref for r in document.part.rels.values() if r.reltype.endswith("/hyperlink")
    ]
    assert all(t.startswith(("https://", "http://127.0.0.1")) for t in targets)
    assert not any("data:" in t for t in targets)


def test_table_properties_come_in_schema_order(document: Document) -> None:
    order = ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
             "tblStyleColBandSize", "tblW", "jc", "tblLayout", "tblLook"]  # fmt: skip
    for tbl_pr in document.element.body.iter(qn("w:tblPr")):
        names = [c.tag.split("}")[1] for c in tbl_pr]
        assert "bidiVisual" in names  # the Arabic-first document's table reads right to left
        assert names == sorted(names, key=order.index), names


def test_every_url_anywhere_in_the_document_is_inside_a_hyperlink(document: Document) -> None:
    found = 0
    for t in document.element.body.iter(qn("w:t")):
        if re.search(r"https?://|mailto:", t.text or ""):
            found += 1
            ancestors = {a.tag for a in t.iterancestors()}
            assert qn("w:hyperlink") in ancestors, t.text
    assert found >= 1
