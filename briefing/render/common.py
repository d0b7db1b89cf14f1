"""What the Markdown and Word renderers share: the outline of a briefing, as blocks.

Not a stage. ``outline(briefing)`` lays the briefing out once, in reading order, as
flat ``Block`` values (headings, paragraphs, bullets, source entries, provenance
fields), each with its language; a renderer only decides how a block looks. The
labels, the citation strings ``[n]``, the source lines and the provenance rows live
here so that both documents say the same thing. (``render_json`` writes data, not
lines, and needs none of this.)
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from ..models import (
    Article,
    Briefing,
    Duplicate,
    Lang,
    Point,
    Problem,
    Provenance,
    Section,
    StoryDigest,
)

logger = logging.getLogger(__name__)

RLM = "\u200f"  # RIGHT-TO-LEFT MARK
LRI, PDI = "\u2066", "\u2069"  # LEFT-TO-RIGHT ISOLATE ... POP DIRECTIONAL ISOLATE
WJ = "\u2060"  # WORD JOINER: no line break between citations
NBSP = "\u00a0"
RTL_LANGS = frozenset({"ar", "fa", "ur", "he", "ps", "ckb", "sd", "ug", "yi", "dv"})

_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Briefing",
        "notice": "Note:",
        "overview": "Overview",
        "story": "Story",
        "disagreements": "Disagreements",
        "failed": "This story could not be summarised:",
        "articles": "Articles:",
        "trimmed": "Cut before sending to the model (sentences other articles repeat go first):",
        "notes": "Notes on inputs",
        "sources": "Sources",
        "provenance": "Provenance",
        "unknown_outlet": "Unknown outlet",
        "duplicate": "Dropped duplicate:",
        "same_as": "same as",
        "exact": "exact",
        "near": "near, similarity",
        "error": "Error:",
    },
    "ar": {
        "title": "الموجز",
        "notice": "تنبيه:",
        "failed": "تعذّر تلخيص هذا الخبر.",
        "articles": "المقالات:",
        "trimmed": "حُذف قبل الإرسال إلى النموذج (الجمل التي تكررها مقالات أخرى أولاً):",
        "disagreements": "نقاط الخلاف",
        "unknown_outlet": "مصدر غير معروف",
        "duplicate": "نسخة مكررة حُذفت:",
        "same_as": "مطابقة لـ",
        "exact": "تطابق تام",
        "near": "تشابه كبير،",
    },
}

SpanKind = Literal["text", "label", "cite", "url"]
BlockKind = Literal["heading", "paragraph", "bullet", "note", "notice", "source", "field"]


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of a line. ``text`` comes from articles or the tool and is escaped by
    the renderer; ``label`` is tool wording shown bold; ``cite`` is ``[n]`` markup
    and ``url`` a link, both shown as they are."""

    text: str
    kind: SpanKind = "text"


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph-level element. ``level`` is the heading level (1-4) for a
    heading and the source number for a source entry."""

    kind: BlockKind
    spans: tuple[Span, ...]
    lang: Lang = "en"
    level: int = 0

    @property
    def rtl(self) -> bool:
        return is_rtl(self.lang)

    @property
    def text(self) -> str:
        return "".join(span.text for span in self.spans)


def is_rtl(lang: Lang) -> bool:
    """Whether text in this language is written right to left."""
    return lang.split("-")[0].casefold() in RTL_LANGS


def label(key: str, lang: Lang) -> str:
    """Tool wording in the given language, English when there is no translation."""
    return _LABELS.get(lang, {}).get(key) or _LABELS["en"][key]


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean(text: str) -> str:
    """One line of text: control characters (which Word and XML refuse) removed, runs of
    whitespace, line breaks included, made one space."""
    return " ".join(_CONTROL.sub("", text).split())


def short_hash(sha256: str) -> str:
    return sha256[:12]


def cite_numbers(ids: Iterable[str], numbering: dict[str, int]) -> tuple[int, ...]:
    """The source numbers of the cited article ids, ascending and without repeats.

    An id missing from the sources is left out and logged: the verify stage should
    not let one through, and a wrong number would be worse than none.
    """
    numbers: set[int] = set()
    for article_id in ids:
        if article_id in numbering:
            numbers.add(numbering[article_id])
        else:
            logger.warning("citation %r is not in the sources list; left out", article_id)
    return tuple(sorted(numbers))


def citation(ids: Iterable[str], numbering: dict[str, int]) -> str:
    """``[1][3]`` for the cited article ids (empty when none resolves); a word joiner
    between them keeps a group of citations on one line."""
    return WJ.join(f"[{n}]" for n in cite_numbers(ids, numbering))


def point_text(point: Point, lang: Lang) -> str:
    """The point's text, in quotation marks when it quotes an article verbatim."""
    text = clean(point.text)
    if point.quote_of is None:
        return text
    quoted = f"«{text}»" if is_rtl(lang) else f"“{text}”"
    return f"{clean(point.speaker)}: {quoted}" if point.speaker else quoted


def outlet(article: Article) -> str:
    return clean(article.source or "") or label("unknown_outlet", article.lang)


def source_spans(article: Article) -> tuple[Span, ...]:
    """``Outlet — Title — YYYY-MM-DD — URL — lang — origin``, without the parts that are None."""
    rtl = is_rtl(article.lang)

    def ltr(value: str) -> Span:
        # dates, codes and paths read left to right even inside a right-to-left line
        value = clean(value)
        return Span(f"{LRI}{value}{PDI}" if rtl else value)

    parts: list[Span] = [Span(outlet(article)), Span(clean(article.title))]
    if article.published_date:
        parts.append(ltr(article.published_date))
    if article.url:
        parts.append(Span(clean(article.url), "url"))
    parts += [ltr(article.lang), ltr(article.origin)]
    # In a right-to-left line, a right-to-left mark keeps the separators right to left,
    # so that "URL — lang — origin" is not read as one left-to-right run.
    separator = Span(f"{RLM} — " if is_rtl(article.lang) else " — ")
    spans: list[Span] = []
    for i, part in enumerate(parts):
        if i:
            spans.append(separator)
        spans.append(part)
    return tuple(spans)


def provenance_rows(prov: Provenance) -> tuple[tuple[str, str], ...]:
    """(key, value) lines describing how the briefing was made; None values are left out."""
    rows: list[tuple[str, str]] = [
        ("Tool version", prov.tool_version),
        ("Engine", f"{prov.engine} {prov.engine_version}"),
    ]
    optional = (("Model", prov.model), ("Base URL", prov.base_url))
    rows += [(key, value) for key, value in optional if value]
    if prov.prompts:
        prompts = "; ".join(
            f"{p.id} v{p.version} sha256 {short_hash(p.sha256)}" for p in prov.prompts
        )
        rows.append(("Prompts", prompts))
    if prov.tokenizer:
        rows.append(("Tokenizer", prov.tokenizer))
    if prov.parameters:
        rows.append(("Parameters", ", ".join(f"{k}={v}" for k, v in prov.parameters)))
    rows.append(("Run time", prov.created_at))
    for item in prov.inputs:
        unit = "article" if item.articles == 1 else "articles"
        path = clean(item.path)
        rows.append(
            ("Input", f"{path} — sha256 {short_hash(item.sha256)} — {item.articles} {unit}")
        )
    return tuple(rows)


# --- the outline ------------------------------------------------------------------


def outline(briefing: Briefing) -> tuple[Block, ...]:
    """The whole briefing in reading order: title, notice, overview, stories, notes on
    inputs, sources, provenance."""
    return tuple(_outline(briefing))


def _outline(briefing: Briefing) -> Iterator[Block]:
    numbering = briefing.numbering()
    for lang in ("en", "ar"):
        yield _heading(1, f"{label('title', lang)} — {briefing.date}", lang)
    if briefing.notice is not None:
        for lang, text in (("en", briefing.notice.en), ("ar", briefing.notice.ar)):
            yield Block(
                "notice", (Span(label("notice", lang) + " ", "label"), Span(clean(text))), lang
            )
    if briefing.overview:
        yield _heading(2, label("overview", "en"), "en")
        for section in briefing.overview:
            yield from _section(section, numbering)
    for n, digest in enumerate(briefing.stories, start=1):
        yield _heading(2, f"{label('story', 'en')} {n}", "en")
        yield from _story(digest, numbering)
    if briefing.problems or briefing.duplicates:
        yield _heading(2, label("notes", "en"), "en")
        for problem in briefing.problems:
            yield Block("bullet", _problem_spans(problem))
        for duplicate in briefing.duplicates:
            yield Block("bullet", _duplicate_spans(duplicate, numbering), duplicate.dropped.lang)
    yield _heading(2, label("sources", "en"), "en")
    for n, article in enumerate(briefing.sources, start=1):
        yield Block("source", source_spans(article), article.lang, level=n)
    yield _heading(2, label("provenance", "en"), "en")
    for key, value in provenance_rows(briefing.provenance):
        yield Block("field", (Span(key, "label"), Span(value)))


def _heading(level: int, text: str, lang: Lang) -> Block:
    return Block("heading", (Span(text),), lang, level)


def _point_spans(point: Point, lang: Lang, numbering: dict[str, int]) -> tuple[Span, ...]:
    cites = citation(point.citations, numbering)
    text = Span(point_text(point, lang))
    if cites and is_rtl(lang):
        cites = f"{LRI}{cites}{PDI}"  # one left-to-right unit inside right-to-left text
    return (text, Span(NBSP), Span(cites, "cite")) if cites else (text,)


def _section(section: Section, numbering: dict[str, int]) -> Iterator[Block]:
    lang = section.lang
    if section.headline is not None:
        yield _heading(3, point_text(section.headline, lang), lang)
    if section.summary is not None:
        yield Block("paragraph", _point_spans(section.summary, lang, numbering), lang)
    for point in section.points:
        yield Block("bullet", _point_spans(point, lang, numbering), lang)
    if section.disagreements:
        yield _heading(4, label("disagreements", lang), lang)
        for point in section.disagreements:
            yield Block("bullet", _point_spans(point, lang, numbering), lang)
    for fact in section.facts:
        yield Block("paragraph", (Span(clean(fact)),), lang)
    if section.note:
        yield Block("note", (Span(clean(section.note)),), lang)


def _story(digest: StoryDigest, numbering: dict[str, int]) -> Iterator[Block]:
    if digest.status == "failed":
        error = clean(digest.error or "no reason was given")
        yield Block("paragraph", (Span(label("failed", "en") + " ", "label"), Span(error)), "en")
        yield Block("paragraph", (Span(label("failed", "ar"), "label"),), "ar")
        cites = citation((a.id for a in digest.story.articles), numbering)
        if cites:
            for lang in ("en", "ar"):
                yield Block(
                    "paragraph", (Span(label("articles", lang) + " "), Span(cites, "cite")), lang
                )
    for section in digest.sections:
        yield from _section(section, numbering)
    if digest.trimmed:
        for lang in ("en", "ar"):
            yield Block("note", _trimmed_spans(digest.trimmed, numbering, lang), lang)


def _trimmed_spans(
    trimmed: tuple[tuple[str, int], ...], numbering: dict[str, int], lang: Lang
) -> tuple[Span, ...]:
    spans = [Span(label("trimmed", lang) + " ")]
    for i, (article_id, percent) in enumerate(trimmed):
        if i:
            spans.append(Span("، " if is_rtl(lang) else ", "))
        number = numbering.get(article_id)
        spans.append(Span(f"[{number}]", "cite") if number else Span(article_id))
        spans.append(Span(f" {percent}%"))
    return tuple(spans)


def _problem_spans(problem: Problem) -> tuple[Span, ...]:
    spans = (Span(clean(problem.where) + ": "), Span(clean(problem.message)))
    if problem.severity == "error":
        return (Span(label("error", "en") + " ", "label"), *spans)
    return spans


def _duplicate_spans(duplicate: Duplicate, numbering: dict[str, int]) -> tuple[Span, ...]:
    lang = duplicate.dropped.lang
    title = clean(duplicate.dropped.title)
    quoted = f"«{title}»" if is_rtl(lang) else f"“{title}”"
    number = numbering.get(duplicate.kept_id)
    kept = Span(f"[{number}]", "cite") if number else Span(duplicate.kept_id)
    if duplicate.kind == "exact":
        how = label("exact", lang)
    else:
        how = f"{label('near', lang)} {duplicate.similarity:.2f}"
    return (
        Span(label("duplicate", lang) + " ", "label"),
        Span(f"{quoted} ({clean(duplicate.dropped.origin)}) — {label('same_as', lang)} "),
        kept,
        Span(f" ({how})"),
    )
