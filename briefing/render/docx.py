"""Render a briefing as a Word document (.docx bytes), built in memory with python-docx.

Headings use the Heading 1-4 styles, key points the "List Bullet" style, sources are
numbered paragraphs whose numbers match the ``[n]`` citations, and provenance is a
two-column table at the end.

Direction follows the language of the text, never a guess: a right-to-left paragraph
gets ``<w:bidi/>`` and no alignment (bidi paragraphs are right-aligned by default; an
explicit ``jc=right`` would flip them to the left in Word), and each of its runs gets
``<w:rtl/>``, a complex-script font, ``w:szCs`` equal to its size and
``<w:lang w:bidi="..."/>``. Left-to-right paragraphs carry none of these.
"""

from __future__ import annotations

import io
from datetime import datetime
from itertools import groupby

import docx
from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.font import CT_RPr
from docx.shared import Inches, Pt
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph

from ..models import Briefing, Lang
from .common import Block, is_rtl, outline

LATIN_FONT = "Calibri"
HEADING_FONT = "Calibri Light"
ARABIC_FONT = "Arial"  # has Arabic glyphs in Windows, macOS and LibreOffice
BODY_SIZE = Pt(11)
TABLE_SIZE = Pt(9)
NOTICE_FILL = "EAF1FB"
KEY_WIDTH, VALUE_WIDTH = Inches(1.5), Inches(4.5)  # the text width of a Letter page

_BIDI_LANG = {"ar": "ar-SA", "fa": "fa-IR", "he": "he-IL", "ur": "ur-PK"}
_STYLE = {"paragraph": "Normal", "note": "Normal", "notice": "Normal", "source": "Normal"}

# Schema order of the children of w:pPr and w:rPr after the ones we insert.
_AFTER_BIDI = (
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
    "w:pPrChange",
)  # fmt: skip
_AFTER_SHD = (
    "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", *_AFTER_BIDI,
)  # fmt: skip
_AFTER_SZCS = (
    "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl",
    "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath",
)  # fmt: skip
_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")


def render(briefing: Briefing) -> bytes:
    """The briefing as the bytes of a .docx file."""
    document = docx.Document()
    _set_up(document, briefing)
    fields: list[tuple[str, str]] = []
    for block in outline(briefing):
        if block.kind == "field":
            fields.append((block.spans[0].text, "".join(s.text for s in block.spans[1:])))
            continue
        _add_block(document, block)
    if fields:
        _add_table(document, fields)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _set_up(document: Document, briefing: Briefing) -> None:
    """Readable defaults, explicit fonts instead of theme fonts, and core properties."""
    styles_xml = document.styles.element
    for fonts in styles_xml.iter(qn("w:rFonts")):
        major = "major" in (fonts.get(qn("w:asciiTheme")) or "")
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
        latin = HEADING_FONT if major else LATIN_FONT
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
            fonts.set(qn(attr), latin)
        fonts.set(qn("w:cs"), ARABIC_FONT)
    normal = document.styles["Normal"]
    normal.font.size = BODY_SIZE
    _set_cs_size(normal.element.get_or_add_rPr(), BODY_SIZE)

    props = document.core_properties
    props.title = f"Briefing {briefing.date}"
    props.subject = "Bilingual news briefing"
    props.author = props.last_modified_by = "brief"
    props.comments = briefing.notice.en if briefing.notice else ""
    props.keywords = "briefing"
    props.revision = 1
    created = _parse_time(briefing.provenance.created_at)
    if created is not None:
        props.created = props.modified = created


def _parse_time(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _add_block(document: Document, block: Block) -> None:
    if block.kind == "heading":
        style = f"Heading {block.level}"
    elif block.kind == "bullet":
        style = "List Bullet"
    else:
        style = _STYLE[block.kind]
    paragraph = document.add_paragraph(style=style)
    if block.rtl:
        paragraph._p.get_or_add_pPr().insert_element_before(OxmlElement("w:bidi"), *_AFTER_BIDI)
    if block.kind == "notice":
        _shade(paragraph)
    if block.kind == "source":
        _add_run(paragraph, f"{block.level}. ", block.lang, bold=True)
    # one run per stretch of equal formatting: bold labels, then plain text
    for bold, spans in groupby(block.spans, key=lambda span: span.kind == "label"):
        text = "".join(span.text for span in spans)
        _add_run(paragraph, text, block.lang, bold=bold, italic=block.kind == "note")


def _add_run(
    paragraph: Paragraph,
    text: str,
    lang: Lang,
    *,
    bold: bool = False,
    italic: bool = False,
    size: Pt | None = None,
) -> None:
    if not text:
        return
    run = paragraph.add_run(text)
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if size is not None:
        run.font.size = size
    if not is_rtl(lang):
        return
    rpr = run._r.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), ARABIC_FONT)
    if bold:
        rpr.get_or_add_bCs()
    if italic:
        rpr.get_or_add_iCs()
    run.font.size = size or _style_size(paragraph.style)
    _set_cs_size(rpr, run.font.size)
    run.font.rtl = True
    lang_el = OxmlElement("w:lang")
    lang_el.set(qn("w:bidi"), _BIDI_LANG.get(lang.split("-")[0], lang))
    rpr.insert_element_before(lang_el, *_AFTER_LANG)


def _style_size(style: ParagraphStyle | None) -> Pt:
    """The font size a paragraph style gives, following its base styles."""
    while style is not None:
        if style.font.size is not None:
            return Pt(style.font.size.pt)
        style = style.base_style
    return BODY_SIZE


def _set_cs_size(rpr: CT_RPr, size: Pt) -> None:
    """Put ``w:szCs`` (the complex-script size) equal to ``size`` in a ``w:rPr``."""
    for old in rpr.findall(qn("w:szCs")):
        rpr.remove(old)
    sz_cs = OxmlElement("w:szCs")
    sz_cs.set(qn("w:val"), str(round(size.pt * 2)))
    rpr.insert_element_before(sz_cs, *_AFTER_SZCS)


def _shade(paragraph: Paragraph) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), NOTICE_FILL)
    paragraph._p.get_or_add_pPr().insert_element_before(shd, *_AFTER_SHD)


def _add_table(document: Document, rows: list[tuple[str, str]]) -> None:
    """The provenance as a compact two-column table: key, value."""
    table = document.add_table(rows=0, cols=2)
    table.style = document.styles["Table Grid"]
    table.columns[0].width, table.columns[1].width = KEY_WIDTH, VALUE_WIDTH
    for key, value in rows:
        cells = table.add_row().cells
        cells[0].width, cells[1].width = KEY_WIDTH, VALUE_WIDTH
        for cell, text, bold in ((cells[0], key, True), (cells[1], value, False)):
            _add_run(cell.paragraphs[0], text, "en", bold=bold, size=TABLE_SIZE)
            cell.paragraphs[0].paragraph_format.space_after = Pt(0)
