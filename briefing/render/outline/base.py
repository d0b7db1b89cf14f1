"""What every part of the outline shares: the checks' counts, headings in the
document's languages, points with their citations and flags, headlines."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ...models import Briefing, Lang, Point, Problem, Section, StoryDigest
from ..common import (
    LRI,
    PDI,
    WJ,
    Block,
    Layout,
    Span,
    article_title,
    cite_spans,
    clean,
    is_rtl,
    isolate,
    label,
    point_text,
    script_lang,
)
from .wording import _NO_EVIDENCE

LEFT_OUT = ("point left out", "quote left out")
FLAG_MARK = "⚠"
TRANSLATED_MARK = "†"


def left_out(problems: Sequence[Problem]) -> list[Problem]:
    """Points and quotes the checks left out, as the verify stage reports them."""
    return [p for p in problems if p.message.casefold().startswith(LEFT_OUT)]


def check_counts(briefing: Briefing) -> tuple[int, int, int, bool]:
    """(points checked, flagged, left out, whether any model checked a point)."""
    points = [p for d in briefing.stories if d.status == "ok" for p in _all_points(d)]
    flagged = sum(1 for p in points if p.flags)
    by_model = any(p.model_check is not None for p in points)
    return len(points), flagged, len(left_out(briefing.problems)), by_model


def _all_points(digest: StoryDigest) -> Iterator[Point]:
    """Every point the checks ran on: headline, summary, key points, quotes, disagreements."""
    for section in digest.sections:
        if section.headline is not None:
            yield section.headline
        if section.summary is not None:
            yield section.summary
        yield from section.points
        yield from section.disagreements


def _has_content(section: Section | None) -> bool:
    return section is not None and bool(
        section.headline or section.summary or section.points or section.disagreements
    )


def _section_points(section: Section) -> Iterator[Point]:
    if section.summary is not None:
        yield section.summary
    yield from section.points
    yield from section.disagreements


class Base:
    """The briefing, the layout, and what every part needs."""

    def __init__(self, briefing: Briefing, layout: Layout) -> None:
        self.b = briefing
        self.layout = layout
        self.langs = layout.langs
        self.primary = layout.primary
        self.numbering = briefing.numbering()
        self.by_id = {a.id: a for a in briefing.sources}
        self.full = layout.in_full(len(briefing.stories))
        self.translated = {(t.story_id, t.lang): t.text for t in briefing.translated_titles}
        self.extractive = briefing.provenance.engine == "extractive"

    def _each_lang(self, make) -> Iterator[Block]:  # type: ignore[no-untyped-def]
        for lang in self.langs:
            block = make(lang)
            if block is not None:
                yield block

    def _heading(
        self, level: int, key: str, *, anchor: str = "", page_break: bool = False
    ) -> Block:
        """A heading in the document's language(s): ``أبرز الأخبار · Top stories``."""
        spans: list[Span] = []
        for i, lang in enumerate(self.langs):
            if i:
                spans.append(Span(" · "))
            spans.append(Span(isolate(label(key, lang), self.primary)))
        return Block(
            "heading", tuple(spans), self.primary, level, anchor=anchor, page_break=page_break
        )

    def _headline(self, digest: StoryDigest, lang: Lang) -> tuple[str, Lang] | None:
        """The story's headline in ``lang`` when it has one, as (text, its language)."""
        section = digest.section(lang)
        if section is not None and section.headline is not None:
            return clean(section.headline.text), lang
        return None

    def _any_headline(self, digest: StoryDigest) -> tuple[str, Lang]:
        """A headline to show whatever the story has: the document's languages first,
        then any section, then the title of its first article."""
        for lang in (*self.langs, *(s.lang for s in digest.sections)):
            found = self._headline(digest, lang)
            if found:
                return found
        first = digest.story.articles[0] if digest.story.articles else None
        if first is None:
            return "", self.primary
        return article_title(first), first.lang if first.lang != "und" else script_lang(first.title)

    def _point(self, point: Point, lang: Lang) -> tuple[Span, ...]:
        cites = cite_spans(point.citations, self.numbering)
        spans = [Span(point_text(point, lang))]
        if cites:
            spans.append(Span("\u00a0"))
            spans.extend(self._cites(cites, lang))
        spans.extend(self._flag_spans(point, lang))
        return tuple(spans)

    def _cites(self, cites: Sequence[Span], lang: Lang) -> list[Span]:
        """``[1][3]``: no line break inside the group, and in a right-to-left line one
        left-to-right isolate, so the group reads and wraps as one unit."""
        out: list[Span] = []
        for i, span in enumerate(cites):
            if i:
                out.append(Span(WJ))
            out.append(span)
        if out and is_rtl(lang):
            out = [Span(LRI), *out, Span(PDI)]
        return out

    def _flag_spans(self, point: Point, lang: Lang) -> list[Span]:
        if not point.flags:
            return []
        reasons = "; ".join(
            dict.fromkeys(clean(f.ar if is_rtl(lang) else f.en) for f in point.flags)
        )
        return [Span(f" {FLAG_MARK} {reasons}", "flag")]

    def _comment(self, point: Point | None, lang: Lang) -> dict[str, object]:
        """What a Word comment on a flagged point says: why, and the source sentences."""
        if point is None or not point.flags:
            return {}
        lines = [clean(f.ar if is_rtl(lang) else f.en) for f in point.flags]
        lines = list(dict.fromkeys(lines))
        for ev in point.evidence:
            number = self.numbering.get(ev.article_id)
            ref = f" [{number}]" if number else ""
            lines.append(
                f"«{clean(ev.text)}»{ref}"
                if is_rtl(script_lang(ev.text))
                else f"“{clean(ev.text)}”{ref}"
            )
        if not point.evidence:
            lines.append(_NO_EVIDENCE[lang if lang in _NO_EVIDENCE else "en"])
        return {"comment": "\n".join(lines), "flagged": True}

    def _point_block(self, kind: str, point: Point, lang: Lang) -> Block:
        return Block(kind, self._point(point, lang), lang, **self._comment(point, lang))  # type: ignore[arg-type]

    def _sub(self, key: str, level: int = 3) -> Block:
        heading = self._heading(level, key)
        return Block("heading", heading.spans, heading.lang, level, appendix=True)

    def _problem(self, problem: Problem, lang: Lang) -> tuple[Span, ...]:
        message = problem.ar if (is_rtl(lang) and problem.ar) else problem.message
        where = clean(problem.where)
        story = re.fullmatch(r"story (\d+)", where)
        where = f"{label('story', lang)} {story.group(1)}" if story else isolate(where, lang)
        return (
            Span(where + ": ", "label"),
            Span(isolate(clean(message), lang)),
        )
