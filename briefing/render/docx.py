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

import copy
import io
import re
from datetime import datetime

import docx
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from ..models import Briefing, Lang
from .common import Block, Layout, Span, format_date, is_rtl, label
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
        self.rpr_cache: dict[tuple[object, ...], object] = {}
        self.comments: list[tuple[Paragraph, str]] = []

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
        props.language = "-".join(_BIDI_LANG.get(lang, "en-GB") for lang in self.layout.langs)
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
        self._fill(header_p._p, (Span(title),), primary, size=SMALL_SIZE, color=MUTED_COLOR)
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
            p.append(self._run(text, lang, size=SMALL_SIZE, color=MUTED_COLOR))  # type: ignore[attr-defined]
            simple = _el("w:fldSimple")
            simple.set(qn("w:instr"), f" {field} \\* MERGEFORMAT ")
            simple.append(self._run("1", lang, size=SMALL_SIZE, color=MUTED_COLOR, rtl=False))
            p.append(simple)  # type: ignore[attr-defined]

    # --- the body ------------------------------------------------------------------

    def write(self, blocks: tuple[Block, ...]) -> None:
        body = self.body
        sect_pr = body.find(qn("w:sectPr"))
        if sect_pr is not None:
            body.remove(sect_pr)
        fields: list[Block] = []
        for block in blocks:
            if block.kind == "field":
                fields.append(block)
                continue
            if fields:
                self._table(fields)
                fields = []
            body.append(self._paragraph(block))
        if fields:
            self._table(fields)
        if sect_pr is not None:
            body.append(sect_pr)
        for paragraph, text in self.comments:
            runs = [Run(r, paragraph) for r in paragraph._p.iter(qn("w:r"))]
            if not runs:
                continue
            lines = text.split("\n")
            comment = self.document.add_comment(
                [runs[0], runs[-1]], text=lines[0], author="brief", initials="b"
            )
            for line in lines[1:]:
                comment.add_paragraph(line)

    def _paragraph(self, block: Block) -> object:
        p = _el("w:p")
        ppr = _el("w:pPr")
        p.append(ppr)
        style = _STYLE.get(block.kind)
        if style:
            ppr.append(_el("w:pStyle", val=style.format(level=min(max(block.level, 1), 4))))
        if block.kind in ("subhead", "heading", "title", "meta"):
            ppr.append(_el("w:keepNext"))
        if block.page_break:
            ppr.append(_el("w:pageBreakBefore"))
        if block.kind == "notice":
            shd = _el("w:shd", val="clear")
            shd.set(qn("w:color"), "auto")
            shd.set(qn("w:fill"), NOTICE_FILL)
            ppr.append(shd)
        if block.rtl:
            ppr.append(_el("w:bidi"))
        spacing = _SPACING.get(block.kind)
        if spacing:
            el = _el("w:spacing")
            el.set(qn("w:before"), str(spacing[0]))
            el.set(qn("w:after"), str(spacing[1]))
            ppr.append(el)
        indent = _INDENT.get(block.kind)
        if indent:
            el = _el("w:ind")
            el.set(qn("w:start"), str(indent[0]))
            if indent[1]:
                el.set(qn("w:hanging"), str(indent[1]))
            ppr.append(el)
        if block.anchor:
            self.bookmark_id += 1
            start = _el("w:bookmarkStart")
            start.set(qn("w:id"), str(self.bookmark_id))
            start.set(qn("w:name"), bookmark_name(block.anchor))
            p.append(start)
        spans = block.spans
        if block.kind == "source":
            spans = (Span(f"{block.level}. ", "label"), *spans)
        self._fill(
            p,
            spans,
            block.lang,
            size=_SIZE.get(block.kind),
            color=MUTED_COLOR if block.kind in ("meta", "note") else None,
            italic=block.kind in ("note", "meta"),
            bold=block.kind == "subhead",
            highlight=block.flagged,
        )
        if block.anchor:
            end = _el("w:bookmarkEnd")
            end.set(qn("w:id"), str(self.bookmark_id))
            p.append(end)
        if block.comment:
            self.comments.append((Paragraph(p, self.document._body), block.comment))  # type: ignore[arg-type]
        return p

    def _fill(
        self,
        p: object,
        spans: tuple[Span, ...],
        lang: Lang,
        *,
        size: float | None = None,
        color: str | None = None,
        italic: bool = False,
        bold: bool = False,
        highlight: bool = False,
    ) -> None:
        """The spans as runs: links as ``w:hyperlink``, flags left to the comment."""
        for span in spans:
            if span.kind == "flag" or not span.text:
                continue
            style = {
                "size": size,
                "color": color,
                "italic": italic,
                "bold": bold or span.kind == "label",
                "highlight": highlight,
            }
            if span.kind == "muted":
                style["color"] = MUTED_COLOR
            if span.kind in ("cite", "link", "url") and span.target:
                link = _el("w:hyperlink")
                if span.kind == "url":
                    link.set(qn("r:id"), self._url_id(span.target))
                else:
                    link.set(qn("w:anchor"), bookmark_name(span.target))
                link.set(qn("w:history"), "1")
                style["color"] = LINK_COLOR
                style["underline"] = span.kind == "url"
                for run in self._runs(span.text, lang, style):
                    link.append(run)
                p.append(link)  # type: ignore[attr-defined]
            else:
                for run in self._runs(span.text, lang, style):
                    p.append(run)  # type: ignore[attr-defined]

    def _runs(self, text: str, lang: Lang, style: dict[str, object]) -> list[object]:
        """Runs for one span, split by script: in a right-to-left line, Latin stretches
        are left-to-right runs; in a left-to-right line, Arabic stretches are
        right-to-left runs with the complex-script font."""
        rtl_line = is_rtl(lang)
        pattern = _LATIN_RUN if rtl_line else _ARABIC_RUN
        runs = []
        pos = 0
        for match in pattern.finditer(text):
            if match.start() > pos:
                runs.append(self._run(text[pos : match.start()], lang, rtl=rtl_line, **style))  # type: ignore[arg-type]
            runs.append(
                self._run(match.group(0), "en" if rtl_line else "ar", rtl=not rtl_line, **style)  # type: ignore[arg-type]
            )
            pos = match.end()
        if pos < len(text):
            runs.append(self._run(text[pos:], lang, rtl=rtl_line, **style))  # type: ignore[arg-type]
        return runs

    def _run(
        self,
        text: str,
        lang: Lang,
        *,
        rtl: bool | None = None,
        size: float | None = None,
        color: str | None = None,
        italic: bool = False,
        bold: bool = False,
        highlight: bool = False,
        underline: bool = False,
    ) -> object:
        rtl = is_rtl(lang) if rtl is None else rtl
        key = (rtl, lang, size, color, italic, bold, highlight, underline)
        rpr = self.rpr_cache.get(key)
        if rpr is None:
            rpr = self._rpr(*key)
            self.rpr_cache[key] = rpr
        r = _el("w:r")
        r.append(copy.deepcopy(rpr))
        t = _el("w:t")
        t.text = text
        if text != text.strip():
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        r.append(t)
        return r

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
    ) -> object:
        rpr = _el("w:rPr")
        if rtl:
            fonts = _el("w:rFonts")
            for attr in ("w:ascii", "w:hAnsi", "w:cs"):
                fonts.set(qn(attr), self.font)
            rpr.append(fonts)
        if bold:
            rpr.append(_el("w:b"))
            rpr.append(_el("w:bCs"))
        if italic:
            rpr.append(_el("w:i"))
            rpr.append(_el("w:iCs"))
        if color:
            rpr.append(_el("w:color", val=color))
        if size:
            rpr.append(_el("w:sz", val=str(round(size * 2))))
            rpr.append(_el("w:szCs", val=str(round(size * 2))))
        if highlight:
            rpr.append(_el("w:highlight", val="yellow"))
        if underline:
            rpr.append(_el("w:u", val="single"))
        if rtl:
            rpr.append(_el("w:rtl"))
            lang_el = _el("w:lang")
            lang_el.set(qn("w:bidi"), _BIDI_LANG.get(lang.split("-")[0], "ar-SA"))
            rpr.append(lang_el)
        return rpr

    def _url_id(self, url: str) -> str:
        """The relationship id of an external link, one per distinct URL (kept in a dict:
        python-docx's lookup scans every relationship, quadratic over a long briefing)."""
        rid = self.url_ids.get(url)
        if rid is None:
            rid = f"rIdLink{len(self.url_ids) + 1}"
            self.rels.add_relationship(RT.HYPERLINK, url, rid, is_external=True)
            self.url_ids[url] = rid
        return rid

    def _table(self, rows: list[Block]) -> None:
        """The technical details as a compact two-column table: key, value."""
        tbl = _el("w:tbl")
        tbl_pr = _el("w:tblPr")
        tbl_pr.append(_el("w:tblStyle", val="TableGrid"))
        width = _el("w:tblW", val="5000")
        width.set(qn("w:type"), "pct")
        tbl_pr.append(width)
        if rows[0].rtl:
            tbl_pr.append(_el("w:bidiVisual"))
        tbl.append(tbl_pr)
        grid = _el("w:tblGrid")
        for w in (2600, 6400):
            grid.append(_el("w:gridCol", w=str(w)))
        tbl.append(grid)
        for block in rows:
            tr = _el("w:tr")
            for spans, bold in ((block.spans[:1], True), (block.spans[1:], False)):
                tc = _el("w:tc")
                p = _el("w:p")
                ppr = _el("w:pPr")
                if block.rtl:
                    ppr.append(_el("w:bidi"))
                spacing = _el("w:spacing")
                spacing.set(qn("w:after"), "0")
                ppr.append(spacing)
                p.append(ppr)
                plain = tuple(Span(s.text) for s in spans)
                self._fill(p, plain, block.lang, size=SMALL_SIZE, bold=bold)
                tc.append(p)
                tr.append(tc)
            tbl.append(tr)
        self.body.append(tbl)


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
