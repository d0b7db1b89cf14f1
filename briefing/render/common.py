"""What every document renderer shares: the layout options, the block and span values
an outline is made of, the reader's wording in Arabic and English, dates, counts and
links. Not a stage.

``outline.outline(briefing, layout)`` lays the briefing out once, in reading order, as
flat ``Block`` values; Markdown, HTML and Word only decide how a block looks, so the
three say the same thing. (``render_json`` writes data, not lines.)

Bidirectional text: in text formats (Markdown, HTML) a left-to-right piece inside a
right-to-left line (a URL, a citation, a Latin name) is wrapped in a Unicode isolate
(LRI … PDI), and an outlet name of unknown direction in FSI … PDI, so it keeps its own
order and cannot pull its neighbours along. Dates in Arabic lines are always written
``10 فبراير 2026`` (day, month name, year, joined by no-break spaces): no hyphen to
reverse or to break a line at, and the same style everywhere in the document.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal
from urllib.parse import quote, urlsplit

from ..models import Article, Lang, Point

RLM = "\u200f"  # RIGHT-TO-LEFT MARK
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"  # isolates
WJ = "\u2060"  # WORD JOINER: no line break between citations
NBSP = "\u00a0"
RTL_LANGS = frozenset({"ar", "fa", "ur", "he", "ps", "ckb", "sd", "ug", "yi", "dv"})

LANG_CHOICES = ("ar", "en", "ar,en", "en,ar")
PAGE_SIZES = ("a4", "letter")
DEFAULT_ARABIC_FONT = "Arial"  # Arabic glyphs in Word (Windows, macOS) and LibreOffice
SAFE_SCHEMES = ("http", "https", "mailto")


@dataclass(frozen=True, slots=True)
class Layout:
    """How a briefing is laid out: which stories in full, which languages, the page."""

    top: int = 10  # stories written in full; the rest get one line each; 0 = all
    langs: tuple[Lang, ...] = ("ar", "en")  # the document's languages, first leads
    page_size: str = "a4"  # Word only: "a4" or "letter"
    arabic_font: str = DEFAULT_ARABIC_FONT  # Word only: the complex-script font

    @property
    def primary(self) -> Lang:
        return self.langs[0]

    @property
    def bilingual(self) -> bool:
        return len(self.langs) > 1

    def in_full(self, count: int) -> int:
        """How many of ``count`` stories are written in full."""
        return count if self.top <= 0 else min(self.top, count)


def parse_langs(value: str) -> tuple[Lang, ...]:
    """``"ar"``, ``"en"``, ``"ar,en"`` or ``"en,ar"`` as a tuple; ValueError otherwise."""
    langs = tuple(part.strip().lower() for part in value.split(",") if part.strip())
    if ",".join(langs) not in LANG_CHOICES:
        raise ValueError(f"unknown language choice {value!r}: use one of {', '.join(LANG_CHOICES)}")
    return langs


SpanKind = Literal["text", "label", "cite", "url", "link", "flag", "muted"]
BlockKind = Literal[
    "title",  # the document's title (Heading 1)
    "subtitle",  # the title in the second language, or a date line under it
    "heading",
    "subhead",  # a story's headline in its second language, introducing that part
    "paragraph",
    "meta",  # a story's plain counts line
    "bullet",
    "quote",
    "item",  # a numbered front-page entry; ``level`` is its number
    "item_alt",  # the same entry in the second language, under it
    "compact",  # one line for a story not written in full
    "note",
    "notice",
    "source",  # ``level`` is the source number
    "field",  # appendix table row: a label span, then the value
]


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of a line. ``text`` is escaped by the renderer. ``label`` is tool wording
    shown bold; ``cite`` is ``[n]`` linking to ``target`` (a source anchor); ``link`` is
    text linking to an anchor in the document; ``url`` is an external link to
    ``target`` (only http, https and mailto ever become one); ``flag`` is the visible
    mark and reason after a flagged point (Word shows a comment instead); ``muted`` is
    secondary text."""

    text: str
    kind: SpanKind = "text"
    target: str = ""


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph-level element. ``level`` is the heading level for a heading, the
    number for a numbered entry or a source. ``anchor`` names the place others link to.
    ``comment`` is what a Word comment on a flagged point holds."""

    kind: BlockKind
    spans: tuple[Span, ...]
    lang: Lang = "en"
    level: int = 0
    anchor: str = ""
    comment: str = ""
    flagged: bool = False
    page_break: bool = False  # start a new page before it (Word)
    appendix: bool = False  # part of "About this briefing"

    @property
    def rtl(self) -> bool:
        return is_rtl(self.lang)

    @property
    def text(self) -> str:
        return "".join(span.text for span in self.spans)


@functools.lru_cache(maxsize=64)
def is_rtl(lang: Lang) -> bool:
    """Whether text in this language is written right to left."""
    return lang.split("-")[0].casefold() in RTL_LANGS


_ARABIC = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")


def script_lang(text: str) -> Lang:
    """``ar`` when most letters are right-to-left, else ``en``: how a name reads."""
    rtl, ltr = len(_ARABIC.findall(text)), len(_LATIN.findall(text))
    return "ar" if rtl > ltr else "en"


def isolate(text: str, line_lang: Lang) -> str:
    """``text`` wrapped so that it keeps its own direction inside a line of
    ``line_lang``; left alone when it already reads the line's way."""
    if not text:
        return text
    own = script_lang(text)
    if _ARABIC.search(text) is None and _LATIN.search(text) is None:
        # digits, dates, [n]: read left to right inside a right-to-left line
        return f"{LRI}{text}{PDI}" if is_rtl(line_lang) else text
    if is_rtl(own) == is_rtl(line_lang) and not (_ARABIC.search(text) and _LATIN.search(text)):
        return text
    return f"{FSI}{text}{PDI}"


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """One line of text: control characters (which Word and XML refuse) and stray
    directional controls removed, runs of whitespace made one space."""
    return " ".join(_CONTROL.sub("", text or "").split())


def visible(text: str) -> str:
    """The text as a reader sees it: joiners, marks and isolates gone, no-break spaces
    as spaces (for tests and for comparing)."""
    for invisible in (WJ, LRI, RLI, FSI, PDI, RLM):
        text = text.replace(invisible, "")
    return text.replace(NBSP, " ")


# --- wording -------------------------------------------------------------------------

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Daily briefing",
        "note": "Note:",
        "overview": "Overview",
        "top": "Top stories",
        "stories": "Stories",
        "also": "Also reported",
        "sources": "Sources",
        "about": "About this briefing",
        "quotes": "Quotes",
        "disagreements": "Where outlets differ",
        "update": "Update",
        "failed": "This story could not be summarised. Its sources are listed below:",
        "unknown_outlet": "outlet not named",
        "flagged": "Points to check",
        "made": "How it was made",
        "checks": "Checks",
        "shortened": "Shortened for the model",
        "failures": "Stories that could not be summarised",
        "quarantined": "Passages addressed to an AI",
        "inputs": "Notes on the input files and the run",
        "duplicates": "Duplicate articles left out",
        "details": "Technical details",
        "translated": "machine-translated",
        "in_ar": "in Arabic",
        "in_en": "in English",
        "page": "Page",
        "of": "of",
        "story": "Story",
        "more": "Also reported (one line each):",
        "articles_word": "articles",
    },
    "ar": {
        "title": "الموجز اليومي",
        "note": "تنبيه:",
        "overview": "نظرة عامة",
        "top": "أبرز الأخبار",
        "stories": "الأخبار",
        "also": "أخبار أخرى",
        "sources": "المصادر",
        "about": "حول هذا الموجز",
        "quotes": "اقتباسات",
        "disagreements": "نقاط الخلاف بين المصادر",
        "update": "تحديث",
        "failed": "تعذّر تلخيص هذا الخبر. مصادره مذكورة أدناه:",
        "unknown_outlet": "مصدر غير مسمّى",
        "flagged": "نقاط تحتاج إلى تحقّق",
        "made": "كيف أُعدّ",
        "checks": "التحقّق",
        "shortened": "ما اختُصر قبل الإرسال إلى النموذج",
        "failures": "أخبار تعذّر تلخيصها",
        "quarantined": "مقاطع موجّهة إلى نظام ذكاء اصطناعي",
        "inputs": "ملاحظات على ملفات الإدخال والتشغيل",
        "duplicates": "مقالات مكررة استُبعدت",
        "details": "تفاصيل تقنية",
        "translated": "ترجمة آلية",
        "in_ar": "بالعربية",
        "in_en": "بالإنجليزية",
        "page": "صفحة",
        "of": "من",
        "story": "الخبر",
        "more": "أخبار أخرى (سطر لكل خبر):",
        "articles_word": "مقالات",
    },
}


def label(key: str, lang: Lang) -> str:
    """Tool wording in the given language, English when there is no translation."""
    return LABELS.get(lang, {}).get(key) or LABELS["en"][key]


_MONTHS = {
    "en": (
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    ),
    "ar": (
        "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر",
        "أكتوبر", "نوفمبر", "ديسمبر",
    ),
}  # fmt: skip


def _parse_day(iso: str) -> date | None:
    try:
        return date.fromisoformat(iso[:10])
    except (ValueError, TypeError):
        return None


def format_date(iso: str | None, lang: Lang) -> str:
    """``10 February 2026`` or ``10 فبراير 2026``: one style per language, whole (no-break
    spaces), never a hyphenated date that a right-to-left line would reverse."""
    day = _parse_day(iso or "")
    if day is None:
        return clean(iso or "")
    months = _MONTHS["ar" if is_rtl(lang) else "en"]
    return NBSP.join((str(day.day), months[day.month - 1], str(day.year)))


def format_span(dates: Iterable[str], lang: Lang) -> str:
    """A span of publication dates in plain words: one date, or first and last."""
    days = sorted({d for d in (_parse_day(x) for x in dates) if d is not None})
    if not days:
        return ""
    first, last = days[0], days[-1]
    if first == last:
        return format_date(first.isoformat(), lang)
    if is_rtl(lang):
        if (first.year, first.month) == (last.year, last.month):
            return f"من {first.day} إلى {format_date(last.isoformat(), lang)}"
        return (
            f"من {format_date(first.isoformat(), lang)} إلى {format_date(last.isoformat(), lang)}"
        )
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}{WJ}–{WJ}{format_date(last.isoformat(), lang)}"
    return f"{format_date(first.isoformat(), lang)}{NBSP}– {format_date(last.isoformat(), lang)}"


def count(n: int, noun: str, lang: Lang) -> str:
    """``3 outlets`` / ``3 مصادر``, with Arabic number agreement."""
    if is_rtl(lang):
        one, two, few, many = _AR_NOUNS[noun]
        if n == 1:
            return one
        if n == 2:
            return two
        if 3 <= n % 100 <= 10:
            return f"{n} {few}"
        return f"{n} {many}"
    singular, plural = _EN_NOUNS[noun]
    return f"{n:,} {singular if n == 1 else plural}"


_EN_NOUNS = {
    "article": ("article", "articles"),
    "outlet": ("outlet", "outlets"),
    "story": ("story", "stories"),
    "point": ("point", "points"),
}
_AR_NOUNS = {
    "article": ("مقال واحد", "مقالان", "مقالات", "مقالاً"),
    "outlet": ("مصدر واحد", "مصدران", "مصادر", "مصدراً"),
    "story": ("خبر واحد", "خبران", "أخبار", "خبراً"),
    "point": ("نقطة واحدة", "نقطتان", "نقاط", "نقطة"),
}


# --- links ---------------------------------------------------------------------------


def safe_url(url: str | None) -> str | None:
    """The URL fit to be a live link (http, https or mailto), percent-encoded where a
    document's syntax could be broken by it; None for anything else (javascript:,
    data:, file:, relative or malformed), which is then shown as plain text."""
    if not url:
        return None
    text = clean(url)
    if not text or _SPACE.search(text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in SAFE_SCHEMES:
        return None
    if scheme in ("http", "https") and not parts.netloc:
        return None
    if not _QUOTED.fullmatch(text):  # quote() works byte by byte in Python: only if needed
        text = quote(text, safe=_URL_SAFE)
    return text.replace("(", "%28").replace(")", "%29")


_SPACE = re.compile(r"\s")  # what str.isspace() accepts, looked for in C
_URL_SAFE = ":/?#[]@!$&'*+,;=%~-._"
_QUOTED = re.compile("[A-Za-z0-9" + re.escape(_URL_SAFE) + "()]*")  # what quote() leaves


_URL_IN_TEXT = re.compile('(?:https?://|mailto:)[^\\s<>"«»⁦-⁩]*[^\\s<>"«»⁦-⁩.,;:!?)\\]}\'’”]')


def url_pieces(text: str) -> list[tuple[str, str | None]]:
    """``text`` cut around the http, https and mailto URLs it holds: (piece, href) with
    href None for plain text, so that every such URL a document shows is a live link."""
    pieces: list[tuple[str, str | None]] = []
    pos = 0
    for match in _URL_IN_TEXT.finditer(text):
        href = safe_url(match.group(0))
        if href is None:
            continue
        if match.start() > pos:
            pieces.append((text[pos : match.start()], None))
        pieces.append((match.group(0), href))
        pos = match.end()
    if pos < len(text):
        pieces.append((text[pos:], None))
    return pieces


def short_url(url: str) -> str:
    """A short readable form of a link: the site, and ``/…`` when there is a path
    (``reuters.com/…``). Never a long Arabic slug that a line would break apart."""
    try:
        parts = urlsplit(clean(url))
    except ValueError:
        return clean(url)[:40]
    if parts.scheme.lower() == "mailto":
        return parts.path
    host = (parts.hostname or "").removeprefix("www.")
    if not host:
        return clean(url)[:40]
    return host + ("/…" if parts.path.strip("/") or parts.query else "")


def source_anchor(number: int) -> str:
    return f"source-{number}"


def story_anchor(number: int) -> str:
    return f"story-{number}"


def cite_spans(ids: Iterable[str], numbering: dict[str, int]) -> tuple[Span, ...]:
    """One ``[n]`` span per cited source, ascending, each linking to its entry. An id
    missing from the sources is left out: a wrong number would be worse than none."""
    numbers = sorted({numbering[i] for i in ids if i in numbering})
    return tuple(Span(f"[{n}]", "cite", source_anchor(n)) for n in numbers)


# --- articles and points -------------------------------------------------------------


def point_text(point: Point, lang: Lang) -> str:
    """The point's text, in quotation marks when it quotes an article verbatim."""
    text = clean(point.text)
    if point.quote_of is None:
        return text
    return f"«{text}»" if is_rtl(lang) else f"“{text}”"


def outlet(article: Article, lang: Lang) -> str:
    return clean(article.source or "") or label("unknown_outlet", lang)


TITLE_WORDS = 12
LONG_TITLE = 20


def article_title(article: Article) -> str:
    """The article's title; an untitled article (or one whose "title" is a whole
    paragraph) is shown by its first words, at most 12, with an ellipsis."""
    title = clean(article.title)
    words = title.split()
    if not words:
        words = clean(article.text).split()
    elif len(words) <= LONG_TITLE:
        return title
    if len(words) <= TITLE_WORDS:
        return " ".join(words)
    return " ".join(words[:TITLE_WORDS]) + "…"


def outlets_of(articles: Iterable[Article]) -> tuple[str, ...]:
    """The distinct named outlets, in order of first appearance."""
    return tuple(dict.fromkeys(clean(a.source) for a in articles if a.source and clean(a.source)))


def outlet_count(articles: Iterable[Article]) -> int:
    """Outlets as the engines count them: each unnamed article on its own."""
    return len({a.outlet_key for a in articles})
