"""Render a briefing as a Word document (.docx bytes).

python-docx gives the package (styles, core properties, header and footer parts,
comments, relationships); the body's paragraphs are written as XML directly and
appended in one pass, because python-docx's ``add_paragraph`` looks the style up by
name and inserts each paragraph by scanning the body, which makes a long briefing
quadratic. Rendering is linear in the number of blocks (``benchmarks/bench_render.py``).

- Headings use Heading 1-4, so Word's navigation pane lists the stories; a front-page
  entry is a link to its story's bookmark, each ``[n]`` a link to its source's bookmark,
  each URL (http, https, mailto only) an external link showing a short form.
- Direction follows the language of the text, never a guess: a right-to-left paragraph
  gets ``<w:bidi/>`` and no alignment (bidi paragraphs are right-aligned by default),
  its runs ``<w:rtl/>``, the complex-script font, ``w:szCs`` and ``<w:lang w:bidi>``;
  Latin stretches inside it are left-to-right runs, Arabic stretches inside an English
  line right-to-left runs, so names, dates and citations keep their order.
- A flagged point is highlighted and carries a Word comment with the reason and the
  source sentences. The header holds the title and date; the footer "page X of Y" (PAGE
  and NUMPAGES fields) in the document's language. Page size A4 or Letter.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

import docx
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from ..models import Briefing, Lang
from .common import Block, Layout, Span, format_date, is_rtl, label, url_pieces
from .outline import outline

LATIN_FONT = "Calibri"
HEADING_FONT = "Calibri Light"
BODY_SIZE = Pt(11)
SMALL_SIZE = 9
NOTICE_FILL = "EAF1FB"
LINK_COLOR = "0563C1"
MUTED_COLOR = "595959"
FLAG_COLOR = "B00020"
_BIDI_LANG = {"ar": "ar-SA", "fa": "fa-IR", "he": "he-IL", "ur": "ur-PK"}
# (width, height) in twentieths of a point; 1-inch margins
PAGE = {"a4": (11906, 16838), "letter": (12240, 15840)}
MARGIN = 1440

_STYLE = {
    "title": "Heading1",
    "subtitle": "Subtitle",
    "heading": "Heading{level}",
    "bullet": "ListBullet",
    "quote": "Quote",
}
_ARABIC_RUN = re.compile(
    "[\u0600-\u08ff\ufb50-\ufdff\ufe70-\ufefc][\u0600-\u08ff\ufb50-\ufdff\ufe70-\ufefc"
    "\\s\u00a0«»،؛؟.:()\\-0-9\u0660-\u0669]*[\u0600-\u08ff\ufb50-\ufdff\ufe70-\ufefc»]"
    "|[\u0600-\u08ff\ufb50-\ufdff\ufe70-\ufefc]"
)
_LATIN_RUN = re.compile(
    r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f0-9\s.,'’&/:_-]*[A-Za-z0-9…]|[A-Za-z]"
)


def render(briefing: Briefing, layout: Layout | None = None) -> bytes:
    """The briefing as the bytes of a .docx file."""
    layout = layout or Layout()
    document = docx.Document()
    writer = _Writer(document, layout)
    writer.set_up(briefing)
    writer.write(outline(briefing, layout))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def bookmark_name(anchor: str) -> str:
    """A Word bookmark name for an outline anchor (letters, digits, underscores)."""
    return re.sub(r"\W", "_", anchor)[:40]


class _Writer:
    def __init__(self, document: Document, layout: Layout) -> None:
        self.document = document
        self.layout = layout
        self.font = layout.arabic_font
        self.body = document.element.body
        self.rels = document.part.rels
        self.url_ids: dict[str, str] = {}
        self.bookmark_id = 0
        self.rpr_cache: dict[tuple[object, ...], str] = {}

    # --- the package ---------------------------------------------------------------

    def set_up(self, briefing: Briefing) -> None:
        """Fonts, page, properties, header and footer."""
        document = self.document
        styles_xml = document.styles.element
        for fonts in styles_xml.iter(qn("w:rFonts")):
            major = "major" in (fonts.get(qn("w:asciiTheme")) or "")
            for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                fonts.attrib.pop(qn(attr), None)
            latin = HEADING_FONT if major else LATIN_FONT
            for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
                fonts.set(qn(attr), latin)
            fonts.set(qn("w:cs"), self.font)
        # complex-script size, bold and italic follow the Latin ones in every style, so
        # an Arabic heading is as large and as bold as an English one
        for rpr in styles_xml.iter(qn("w:rPr")):
            sz = rpr.find(qn("w:sz"))
            if sz is not None:
                _put(rpr, _el("w:szCs", val=sz.get(qn("w:val"))), _RPR_ORDER)
            for latin, cs in (("w:b", "w:bCs"), ("w:i", "w:iCs")):
                if rpr.find(qn(latin)) is not None and rpr.find(qn(cs)) is None:
                    _put(rpr, _el(cs), _RPR_ORDER)
        normal = document.styles["Normal"]
        normal.font.size = BODY_SIZE
        rpr = normal.element.get_or_add_rPr()
        _put(rpr, _el("w:szCs", val=str(round(BODY_SIZE.pt * 2))), _RPR_ORDER)
        lang_el = _el("w:lang")
        lang_el.set(qn("w:val"), "en-GB")
        lang_el.set(qn("w:bidi"), "ar-SA")
        _put(rpr, lang_el, _RPR_ORDER)

        primary = self.layout.primary
        title = f"{label('title', primary)} — {format_date(briefing.date, primary)}"
        props = document.core_properties
        props.title = title
        props.subject = " · ".join(label("title", lang) for lang in self.layout.langs)
        props.language = _BIDI_LANG.get(primary, "en-GB")
        props.author = props.last_modified_by = "brief"
        props.comments = (
            (briefing.notice.ar if is_rtl(primary) else briefing.notice.en)
            if briefing.notice
            else ""
        )
        props.keywords = "briefing"
        props.revision = 1
        created = _parse_time(briefing.provenance.created_at)
        if created is not None:
            props.created = props.modified = created

        section = document.sections[0]
        sect_pr = section._sectPr
        width, height = PAGE.get(self.layout.page_size, PAGE["a4"])
        pg_sz = sect_pr.find(qn("w:pgSz"))
        if pg_sz is None:
            pg_sz = _el("w:pgSz")
            sect_pr.insert(0, pg_sz)
        pg_sz.set(qn("w:w"), str(width))
        pg_sz.set(qn("w:h"), str(height))
        pg_mar = sect_pr.find(qn("w:pgMar"))
        if pg_mar is not None:
            for side in ("top", "bottom", "left", "right"):
                pg_mar.set(qn(f"w:{side}"), str(MARGIN))
        header_p = section.header.paragraphs[0]
        if is_rtl(primary):
            _put(header_p._p.get_or_add_pPr(), _el("w:bidi"), _PPR_ORDER)
        _append_xml(
            header_p._p, self._fill((Span(title),), primary, size=SMALL_SIZE, color=MUTED_COLOR)
        )
        footer_p = section.footer.paragraphs[0]
        self._footer(footer_p._p, primary)

    def _footer(self, p: object, lang: Lang) -> None:
        """``Page X of Y`` / ``صفحة X من Y`` with PAGE and NUMPAGES fields."""
        ppr = p.get_or_add_pPr()  # type: ignore[attr-defined]
        if is_rtl(lang):
            _put(ppr, _el("w:bidi"), _PPR_ORDER)
        _put(ppr, _el("w:jc", val="center"), _PPR_ORDER)
        for text, field in (
            (label("page", lang) + " ", "PAGE"),
            (" " + label("of", lang) + " ", "NUMPAGES"),
        ):
            rtl = is_rtl(lang)
            run = self._run(text, rtl, lang, SMALL_SIZE, MUTED_COLOR)
            number = self._run("1", False, lang, SMALL_SIZE, MUTED_COLOR)
            _append_xml(
                p, f'{run}<w:fldSimple w:instr=" {field} \\* MERGEFORMAT ">{number}</w:fldSimple>'
            )

    # --- the body ------------------------------------------------------------------

    def write(self, blocks: tuple[Block, ...]) -> None:
        """Every block as WordprocessingML text, parsed once and appended: building
        elements one by one through python-docx costs ~10x more per paragraph."""
        chunks: list[str] = []
        comments: list[tuple[int, str]] = []  # (index among the new elements, text)
        fields: list[Block] = []
        for block in blocks:
            if block.kind == "field":
                fields.append(block)
                continue
            if fields:
                chunks.append(self._table(fields))
                fields = []
            if block.comment:
                comments.append((len(chunks), block.comment))
            chunks.append(self._paragraph(block))
        if fields:
            chunks.append(self._table(fields))
        wrapper = parse_xml(f"<w:body {_NSDECLS}>{''.join(chunks)}</w:body>")
        new = list(wrapper)
        body = self.body
        sect_pr = body.find(qn("w:sectPr"))
        if sect_pr is not None:
            body.remove(sect_pr)
        body.extend(new)
        if sect_pr is not None:
            body.append(sect_pr)
        for index, text in comments:
            p = new[index]
            paragraph = Paragraph(p, self.document._body)  # type: ignore[arg-type]
            # the paragraph's own runs (not those inside links): the comment's range and
            # its reference run stay directly in the paragraph
            runs = [Run(r, paragraph) for r in p.findall(qn("w:r"))]
            if not runs:
                continue
            lines = text.split("\n")
            comment = self.document.add_comment(
                [runs[0], runs[-1]], text=lines[0], author="brief", initials="b"
            )
            for line in lines[1:]:
                comment.add_paragraph(line)

    def _paragraph(self, block: Block) -> str:
        ppr: list[str] = []
        style = _STYLE.get(block.kind)
        if style:
            ppr.append(f'<w:pStyle w:val="{style.format(level=min(max(block.level, 1), 4))}"/>')
        if block.kind in ("subhead", "heading", "title", "meta"):
            ppr.append("<w:keepNext/>")
        if block.page_break:
            ppr.append("<w:pageBreakBefore/>")
        if block.kind == "notice":
            ppr.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{NOTICE_FILL}"/>')
        if block.rtl:
            ppr.append("<w:bidi/>")
        spacing = _SPACING.get(block.kind)
        if spacing:
            ppr.append(f'<w:spacing w:before="{spacing[0]}" w:after="{spacing[1]}"/>')
        indent = _INDENT.get(block.kind)
        if indent:
            hanging = f' w:hanging="{indent[1]}"' if indent[1] else ""
            ppr.append(f'<w:ind w:left="{indent[0]}"{hanging}/>')
        out = [f"<w:p><w:pPr>{''.join(ppr)}</w:pPr>"]
        if block.anchor:
            self.bookmark_id += 1
            name = bookmark_name(block.anchor)
            out.append(f'<w:bookmarkStart w:id="{self.bookmark_id}" w:name="{name}"/>')
        spans = block.spans
        if block.kind == "source":
            spans = (Span(f"{block.level}. ", "label"), *spans)
        out.append(
            self._fill(
                spans,
                block.lang,
                size=_SIZE.get(block.kind),
                color=MUTED_COLOR if block.kind in ("meta", "note") else None,
                italic=block.kind in ("note", "meta"),
                bold=block.kind == "subhead",
                highlight=block.flagged,
            )
        )
        if block.anchor:
            out.append(f'<w:bookmarkEnd w:id="{self.bookmark_id}"/>')
        out.append("</w:p>")
        return "".join(out)

    def _fill(
        self,
        spans: tuple[Span, ...],
        lang: Lang,
        *,
        size: float | None = None,
        color: str | None = None,
        italic: bool = False,
        bold: bool = False,
        highlight: bool = False,
    ) -> str:
        """The spans as runs: links as ``w:hyperlink``, flags left to the comment."""
        out: list[str] = []
        for span in spans:
            if span.kind == "flag" or not span.text:
                continue
            run_color = MUTED_COLOR if span.kind == "muted" else color
            run_bold = bold or span.kind == "label"
            if span.kind in ("cite", "link", "url") and span.target:
                if span.kind == "url":
                    where = f'r:id="{self._url_id(span.target)}"'
                else:
                    where = f'w:anchor="{bookmark_name(span.target)}"'
                runs = self._runs(
                    span.text, lang, size, LINK_COLOR, italic, run_bold, highlight,
                    span.kind == "url",
                )  # fmt: skip
                out.append(f'<w:hyperlink {where} w:history="1">{runs}</w:hyperlink>')
            else:
                for piece, href in url_pieces(span.text):
                    if href:  # a URL in running text is a live link too
                        runs = self._runs(
                            piece, lang, size, LINK_COLOR, italic, run_bold, highlight, True
                        )
                        out.append(
                            f'<w:hyperlink r:id="{self._url_id(href)}" w:history="1">{runs}'
                            "</w:hyperlink>"
                        )
                    else:
                        out.append(
                            self._runs(
                                piece, lang, size, run_color, italic, run_bold, highlight, False
                            )
                        )
        return "".join(out)

    def _runs(
        self,
        text: str,
        lang: Lang,
        size: float | None,
        color: str | None,
        italic: bool,
        bold: bool,
        highlight: bool,
        underline: bool,
    ) -> str:
        """Runs for one span, split by script: in a right-to-left line, Latin stretches
        are left-to-right runs; in a left-to-right line, Arabic stretches are
        right-to-left runs with the complex-script font."""
        rtl_line = is_rtl(lang)
        pattern = _LATIN_RUN if rtl_line else _ARABIC_RUN
        style = (size, color, italic, bold, highlight, underline)
        out: list[str] = []
        pos = 0
        for match in pattern.finditer(text):
            if match.start() > pos:
                out.append(self._run(text[pos : match.start()], rtl_line, lang, *style))
            other = "en" if rtl_line else "ar"
            out.append(self._run(match.group(0), not rtl_line, other, *style))
            pos = match.end()
        if pos < len(text):
            out.append(self._run(text[pos:], rtl_line, lang, *style))
        return "".join(out)

    def _run(
        self,
        text: str,
        rtl: bool,
        lang: Lang,
        size: float | None = None,
        color: str | None = None,
        italic: bool = False,
        bold: bool = False,
        highlight: bool = False,
        underline: bool = False,
    ) -> str:
        key = (rtl, lang if rtl else "", size, color, italic, bold, highlight, underline)
        rpr = self.rpr_cache.get(key)
        if rpr is None:
            rpr = self._rpr(*key)
            self.rpr_cache[key] = rpr
        text = _XML_INVALID.sub("", text)
        return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'

    def _rpr(
        self,
        rtl: bool,
        lang: Lang,
        size: float | None,
        color: str | None,
        italic: bool,
        bold: bool,
        highlight: bool,
        underline: bool,
    ) -> str:
        parts: list[str] = []
        if rtl:
            font = quoteattr(self.font)
            parts.append(f"<w:rFonts w:ascii={font} w:hAnsi={font} w:cs={font}/>")
        if bold:
            parts.append("<w:b/><w:bCs/>")
        if italic:
            parts.append("<w:i/><w:iCs/>")
        if color:
            parts.append(f'<w:color w:val="{color}"/>')
        if size:
            half = round(size * 2)
            parts.append(f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>')
        if highlight:
            parts.append('<w:highlight w:val="yellow"/>')
        if underline:
            parts.append('<w:u w:val="single"/>')
        if rtl:
            bidi = _BIDI_LANG.get(lang.split("-")[0], "ar-SA")
            parts.append(f'<w:rtl/><w:lang w:bidi="{bidi}"/>')
        return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""

    def _url_id(self, url: str) -> str:
        """The relationship id of an external link, one per distinct URL (kept in a dict:
        python-docx's lookup scans every relationship, quadratic over a long briefing)."""
        rid = self.url_ids.get(url)
        if rid is None:
            rid = f"rIdLink{len(self.url_ids) + 1}"
            self.rels.add_relationship(RT.HYPERLINK, url, rid, is_external=True)
            self.url_ids[url] = rid
        return rid

    def _table(self, rows: list[Block]) -> str:
        """The technical details as a compact two-column table: key, value."""
        rtl = rows[0].rtl
        out = [
            '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/>'
            + ("<w:bidiVisual/>" if rtl else "")  # schema order: before tblW
            + '<w:tblW w:w="5000" w:type="pct"/>'
            + '</w:tblPr><w:tblGrid><w:gridCol w:w="2600"/><w:gridCol w:w="6400"/></w:tblGrid>'
        ]
        for block in rows:
            out.append("<w:tr>")
            for spans, bold in ((block.spans[:1], True), (block.spans[1:], False)):
                plain = tuple(Span(s.text) for s in spans)
                runs = self._fill(plain, block.lang, size=SMALL_SIZE, bold=bold)
                bidi = "<w:bidi/>" if block.rtl else ""
                out.append(
                    f'<w:tc><w:p><w:pPr>{bidi}<w:spacing w:after="0"/></w:pPr>{runs}</w:p></w:tc>'
                )
            out.append("</w:tr>")
        out.append("</w:tbl>")
        return "".join(out)


# pPr / rPr children in schema order, for the few we put into existing elements
_PPR_ORDER = ("w:pStyle", "w:keepNext", "w:pageBreakBefore", "w:shd", "w:bidi", "w:spacing",
              "w:ind", "w:jc", "w:rPr")  # fmt: skip
_RPR_ORDER = ("w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:color", "w:sz",
              "w:szCs", "w:highlight", "w:u", "w:rtl", "w:lang")  # fmt: skip
# (before, after) in twentieths of a point
_SPACING = {
    "item": (0, 40),
    "item_alt": (0, 100),
    "compact": (0, 60),
    "source": (0, 60),
    "meta": (0, 80),
    "subhead": (240, 60),
    "quote": (60, 60),
}
_INDENT = {"item": (360, 360), "item_alt": (360, 0), "compact": (360, 360), "source": (360, 360)}
_SIZE = {"meta": 9.5, "source": 9.5, "compact": 10, "subhead": 13, "note": 10}


_NSDECLS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _append_xml(parent: object, xml: str) -> None:
    """Append the elements of an XML fragment (w: and r: prefixes) to ``parent``."""
    for child in list(parse_xml(f"<w:p {_NSDECLS}>{xml}</w:p>")):
        parent.append(child)  # type: ignore[attr-defined]


def _el(tag: str, **attrs: str) -> object:
    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), value)
    return el


def _put(parent: object, child: object, order: tuple[str, ...]) -> None:
    """Put ``child`` into ``parent`` in schema order, replacing one of the same tag."""
    tag = child.tag  # type: ignore[attr-defined]
    for old in parent.findall(tag):  # type: ignore[attr-defined]
        parent.remove(old)  # type: ignore[attr-defined]
    name = next((t for t in order if qn(t) == tag), None)
    later = order[order.index(name) + 1 :] if name else ()
    for i, existing in enumerate(parent):  # type: ignore[arg-type]
        if existing.tag in {qn(t) for t in later}:
            parent.insert(i, child)  # type: ignore[attr-defined]
            return
    parent.append(child)  # type: ignore[attr-defined]


def _parse_time(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
