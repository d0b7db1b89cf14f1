"""The outline of a briefing: what a reader sees, in reading order, as flat blocks.

A front page (title and date, the overview, "Top stories" linking to each story with
its outlet count, one sentence of counts), the top stories in full, the rest one line
each under "Also reported", the Sources, and an "About this briefing" appendix that
holds everything operational (how it was made, the checks, what was shortened for the
model, failures, input notes, duplicates, hashes). Every heading, label, date and note
is in the document's language(s); a bilingual document gives each story's two
languages one after the other under one story heading (see ``_story``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ..models import Article, Briefing, Lang, Point, Problem, Section, StoryDigest
from .common import (
    LRI,
    PDI,
    WJ,
    Block,
    Layout,
    Span,
    article_title,
    cite_spans,
    clean,
    count,
    format_date,
    format_span,
    is_rtl,
    isolate,
    label,
    outlet,
    outlet_count,
    outlets_of,
    point_text,
    safe_url,
    script_lang,
    short_url,
    source_anchor,
    story_anchor,
)

LEFT_OUT = ("point left out", "quote left out")
FLAG_MARK = "⚠"
TRANSLATED_MARK = "†"


def outline(briefing: Briefing, layout: Layout | None = None) -> tuple[Block, ...]:
    """The whole briefing in reading order."""
    return tuple(_Outline(briefing, layout or Layout()).blocks())


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
    for section in digest.sections:
        if section.summary is not None:
            yield section.summary
        yield from section.points
        yield from section.disagreements


def _has_content(section: Section | None) -> bool:
    return section is not None and bool(
        section.headline or section.summary or section.points or section.disagreements
    )


class _Outline:
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

    # --- the document ------------------------------------------------------------

    def blocks(self) -> Iterator[Block]:
        yield from self._front_page()
        for number, digest in enumerate(self.b.stories[: self.full], start=1):
            yield from self._story(number, digest, first=number == 1)
        rest = self.b.stories[self.full :]
        if rest:
            yield self._heading(2, "also", anchor="also")
            if any((d.story.id, self.primary) in self.translated for d in rest):
                yield from self._each_lang(
                    lambda lang: Block(
                        "note",
                        (Span(f"{TRANSLATED_MARK} " + _TRANSLATED_NOTE[lang]),),
                        lang,
                    )
                )
            for number, digest in enumerate(rest, start=self.full + 1):
                yield self._compact(number, digest)
        yield from self._sources()
        yield from self._appendix()

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

    # --- front page --------------------------------------------------------------

    def _front_page(self) -> Iterator[Block]:
        b = self.b
        for i, lang in enumerate(self.langs):
            text = f"{label('title', lang)} — {format_date(b.date, lang)}"
            yield Block("title" if i == 0 else "subtitle", (Span(text),), lang, 1)
        rules_only = self._rules_only()
        for lang in self.langs:
            parts: list[str] = []
            if b.notice is not None:
                parts.append(clean(b.notice.ar if is_rtl(lang) else b.notice.en))
            if rules_only:
                parts.append(_RULES_ONLY[lang])
            missing = self._missing(lang)
            if missing:
                verb, now = ("was", "is") if missing == 1 else ("were", "are")
                parts.append(
                    _MISSING[lang].format(n=count(missing, "story", lang), verb=verb, now=now)
                )
            if parts:
                spans = (Span(label("note", lang) + " ", "label"), Span(" ".join(parts)))
                yield Block("notice", spans, lang)
        overview = [s for s in b.overview if s.lang in self.langs and s.summary is not None]
        if overview:
            yield self._heading(2, "overview", anchor="overview")
            for section in sorted(overview, key=lambda s: self.langs.index(s.lang)):
                assert section.summary is not None
                yield Block("paragraph", self._point(section.summary, section.lang), section.lang)
        if b.stories:
            yield self._heading(2, "top", anchor="top")
            for number, digest in enumerate(b.stories[: self.full], start=1):
                yield from self._entry(number, digest)
        yield from self._each_lang(lambda lang: Block("paragraph", self._counts(lang), lang))

    def _rules_only(self) -> bool:
        """Whether the points were checked by rules only (no model verdict on any)."""
        points, _, _, by_model = check_counts(self.b)
        return not self.extractive and points > 0 and not by_model

    def _missing(self, lang: Lang) -> int:
        """Stories in full with nothing in ``lang`` (the offline engine on another
        language): said once at the top, not once per story."""
        if not self.extractive:
            return 0
        return sum(
            1
            for d in self.b.stories[: self.full]
            if d.status == "ok" and not _has_content(d.section(lang))
        )

    def _entry(self, number: int, digest: StoryDigest) -> Iterator[Block]:
        """A front-page entry: the headline in each of the document's languages (the
        first numbered, the second under it), linking to the story, with its outlets."""
        anchor = story_anchor(number)
        outlets = outlet_count(digest.story.articles)
        entries = [(lang, h[0]) for lang in self.langs if (h := self._headline(digest, lang))]
        if not entries:
            entries = [(self.primary, self._any_headline(digest)[0])]
        for i, (lang, text) in enumerate(entries):
            spans = (
                Span(f"{number}. " if i == 0 else ""),
                Span(isolate(text, lang), "link", anchor),
                Span(f" — {count(outlets, 'outlet', lang)}", "muted"),
            )
            yield Block(
                "item" if i == 0 else "item_alt", tuple(x for x in spans if x.text), lang, number
            )

    def _counts(self, lang: Lang) -> tuple[Span, ...]:
        b = self.b
        articles = len(b.sources)
        outlets = outlet_count(b.sources)
        stories = len(b.stories)
        dates = {a.published_date for a in b.sources if a.published_date}
        when = format_span(dates, lang)
        if is_rtl(lang):
            text = (
                f"في هذا الموجز {count(stories, 'story', lang)} من "
                f"{count(articles, 'article', lang)} نشرتها {count(outlets, 'outlet', lang)}"
            )
            if when:
                text += "، " + ("في " if len(dates) == 1 else "") + when
            text += "."
            if self.full < stories:
                text += (
                    f" يُعرض منها {count(self.full, 'story', lang)} بالتفصيل، "
                    f"والباقي ({stories - self.full}) في سطر لكل خبر."
                )
        else:
            text = (
                f"This briefing covers {count(stories, 'story', lang)} from "
                f"{count(articles, 'article', lang)} by {count(outlets, 'outlet', lang)}"
            )
            if when:
                text += ", published " + ("on " if len(dates) == 1 else "") + when
            text += "."
            if self.full < stories:
                text += (
                    f" The top {self.full} are written in full, the other "
                    f"{stories - self.full} in one line each."
                )
        return (Span(text),)

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

    # --- stories -----------------------------------------------------------------

    def _story(self, number: int, digest: StoryDigest, first: bool) -> Iterator[Block]:
        """One story in full. Bilingual: the first language's headline is the story's
        heading, then that language's summary, points, quotes and disagreements, then
        the second language's headline introducing the same in that language. One
        heading per story keeps Word's navigation pane and the front page's links to one
        entry each; one part after the other reads better than side-by-side columns,
        which squeeze Arabic and English into half a page each and break across pages."""
        anchor = story_anchor(number)
        parts = [s for s in (digest.section(lang) for lang in self.langs) if _has_content(s)]
        if not parts and digest.status == "ok":
            parts = [s for s in digest.sections if _has_content(s)]
        head_text, head_lang = self._any_headline(digest)
        if parts and parts[0].headline is not None:
            head_text, head_lang = clean(parts[0].headline.text), parts[0].lang
        spans: list[Span] = [Span(f"{number}. ")]
        if digest.update is not None:
            spans.append(Span(f"{label('update', head_lang)}: ", "label"))
        spans.append(Span(head_text))
        if parts and parts[0].headline is not None:
            spans.extend(self._flag_spans(parts[0].headline, head_lang))
        yield Block(
            "heading",
            tuple(spans),
            head_lang,
            2,
            anchor=anchor,
            page_break=first,
            **self._comment(parts[0].headline if parts else None, head_lang),
        )
        yield Block("meta", self._meta(digest, head_lang), head_lang)
        if digest.update is not None:
            # each language's note opens that language's part; all of them when no part
            langs = [parts[0].lang] if parts else list(self.langs)
            for lang in langs:
                yield self._update(digest, lang)
        if digest.status == "failed":
            cites = cite_spans((a.id for a in digest.story.articles), self.numbering)
            for lang in self.langs:
                yield Block(
                    "paragraph",
                    (Span(label("failed", lang) + " "), *self._cites(cites, lang)),
                    lang,
                )
            return
        extractive = digest.engine == "extractive"
        shown = {section.lang for section in parts}
        # quotes are never translated: in a one-language document, quotes in the other
        # language are still given (they are the outlets' own words), under Quotes
        hidden = [
            p
            for section in digest.sections
            if section.lang not in shown and not extractive
            for p in section.points
            if p.quote_of is not None
        ]
        for i, section in enumerate(parts):
            if i and section.headline is not None:
                yield Block(
                    "subhead",
                    (
                        Span(clean(section.headline.text)),
                        *self._flag_spans(section.headline, section.lang),
                    ),
                    section.lang,
                    **self._comment(section.headline, section.lang),
                )
                yield Block("meta", self._meta(digest, section.lang), section.lang)
                if digest.update is not None:
                    yield self._update(digest, section.lang)
            extra = hidden if i == len(parts) - 1 else []
            yield from self._section(section, extractive, extra)

    def _section(
        self, section: Section, extractive: bool, extra_quotes: Sequence[Point] = ()
    ) -> Iterator[Block]:
        lang = section.lang
        if section.summary is not None:
            yield self._point_block("paragraph", section.summary, lang)
        quotes = [p for p in section.points if p.quote_of is not None and not extractive]
        for point in section.points:
            if point not in quotes:
                yield self._point_block("bullet", point, lang)
        quotes += list(extra_quotes)
        if quotes:
            yield Block("heading", (Span(label("quotes", lang)),), lang, 3)
            for point in quotes:
                yield self._quote(point, lang)
        if section.disagreements:
            yield Block("heading", (Span(label("disagreements", lang)),), lang, 3)
            for point in section.disagreements:
                yield self._point_block("bullet", point, lang)
        if section.note and not extractive:
            yield Block("note", (Span(clean(section.note)),), lang)

    def _meta(self, digest: StoryDigest, lang: Lang) -> tuple[Span, ...]:
        """``5 articles · 3 outlets: A, B, C · 9–10 February 2026``."""
        articles = digest.story.articles
        parts = [count(len(articles), "article", lang)]
        outlets = count(outlet_count(articles), "outlet", lang)
        names = outlets_of(articles)
        unnamed = sum(1 for a in articles if not clean(a.source or ""))
        if names:
            sep = "، " if is_rtl(lang) else ", "
            shown = [isolate(n, lang) for n in names[:4]]
            extra = len(names) - 4
            if extra > 0:
                shown.append(f"+{extra}")
            if unnamed:
                shown.append(_UNNAMED[lang if lang in _UNNAMED else "en"].format(n=unnamed))
            outlets += ": " + sep.join(shown)
        parts.append(outlets)
        when = format_span((a.published_date for a in articles if a.published_date), lang)
        if when:
            parts.append(when)
        return (Span(" · ".join(parts), "muted"),)

    def _update(self, digest: StoryDigest, lang: Lang) -> Block:
        update = digest.update
        assert update is not None
        when = format_date(update.previous_date, lang)
        headline = isolate(clean(update.previous_headline), lang)
        new = cite_spans(update.new_article_ids, self.numbering)
        if is_rtl(lang):
            text = f"يتابع خبراً ورد في موجز {when}: «{headline}». المصادر الجديدة منذ ذلك الحين: "
        else:
            text = (
                f"Continues a story in the briefing of {when}: “{headline}”. "
                "New sources since then: "
            )
        if not new:
            text += "—" if not is_rtl(lang) else "لا شيء"
        return Block(
            "note",
            (Span(label("update", lang) + ": ", "label"), Span(text), *self._cites(new, lang)),
            lang,
        )

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

    def _quote(self, point: Point, lang: Lang) -> Block:
        """A labelled quote: the words, who said them, the outlet, ``[n]``."""
        own = script_lang(point.text)
        words = point_text(point, own if own in ("ar", "en") else lang)
        spans: list[Span] = [Span(isolate(words, lang) if own != lang else words)]
        who = []
        if point.speaker:
            who.append(isolate(clean(point.speaker), lang))
        article = self.by_id.get(point.quote_of or "")
        if article is not None:
            who.append(isolate(outlet(article, lang), lang))
        if who:
            spans.append(Span(" — " + ("، " if is_rtl(lang) else ", ").join(who), "muted"))
        cites = cite_spans(point.citations, self.numbering)
        if cites:
            spans.append(Span("\u00a0"))
            spans.extend(self._cites(cites, lang))
        spans.extend(self._flag_spans(point, lang))
        return Block("quote", tuple(spans), lang, **self._comment(point, lang))  # type: ignore[arg-type]

    def _compact(self, number: int, digest: StoryDigest) -> Block:
        """One line: headline (translated and marked, when the document's language is
        not the title's and a translation was made), outlets, citations."""
        lang = self.primary
        translated = self.translated.get((digest.story.id, lang))
        if translated:
            text, text_lang, mark = clean(translated), lang, f" {TRANSLATED_MARK}"
        else:
            text, text_lang = self._any_headline(digest)
            mark = ""
            if not self.layout.bilingual and text_lang != lang and text_lang in ("ar", "en"):
                mark = f" ({label('in_' + text_lang, lang)})"
        line_lang = text_lang if (self.layout.bilingual and text_lang in self.langs) else lang
        names = outlets_of(digest.story.articles)
        sep = "، " if is_rtl(line_lang) else ", "
        shown = sep.join(isolate(n, line_lang) for n in names[:3])
        if len(names) > 3:
            shown += f"{sep}+{len(names) - 3}"
        if not shown:
            shown = count(len(digest.story.articles), "article", line_lang)
        cites = cite_spans((a.id for a in digest.story.articles), self.numbering)
        spans = [
            Span(f"{number}. "),
            Span(isolate(text, line_lang), "label"),
            Span(mark, "muted") if mark else Span(""),
            Span(f" — {shown} ", "muted"),
            *self._cites(cites, line_lang),
        ]
        return Block("compact", tuple(s for s in spans if s.text), line_lang, number)

    # --- sources -----------------------------------------------------------------

    def _sources(self) -> Iterator[Block]:
        yield self._heading(2, "sources", anchor="sources")
        for number, article in enumerate(self.b.sources, start=1):
            yield Block(
                "source",
                self._source(article),
                self._source_lang(article),
                number,
                anchor=source_anchor(number),
            )

    def _source_lang(self, article: Article) -> Lang:
        if article.lang in ("ar", "en"):
            return article.lang
        return script_lang(article.title or article.text[:200])

    def _source(self, article: Article) -> tuple[Span, ...]:
        """``Outlet — Title — 10 February 2026 — reuters.com/…``"""
        lang = self._source_lang(article)
        date_lang = lang if lang in self.langs else self.primary
        sep = " — "
        spans = [
            Span(isolate(outlet(article, date_lang), lang), "label"),
            Span(sep),
            Span(isolate(article_title(article), lang)),
        ]
        if article.published_date:
            spans += [
                Span(sep),
                Span(isolate(format_date(article.published_date, date_lang), lang)),
            ]
        if article.url:
            href = safe_url(article.url)
            spans.append(Span(sep))
            if href:
                spans.append(Span(isolate(short_url(href), lang), "url", href))
            else:
                spans.append(Span(isolate(clean(article.url), lang)))
        return tuple(spans)

    # --- the appendix ------------------------------------------------------------

    def _appendix(self) -> Iterator[Block]:
        b = self.b
        lang0 = self.primary
        yield self._about_heading()
        # how it was made
        yield self._sub("made")
        for lang in self.langs:
            yield Block("paragraph", (Span(self._made(lang)),), lang, appendix=True)
        # checks
        yield self._sub("checks")
        for lang in self.langs:
            yield Block("paragraph", (Span(self._checks(lang)),), lang, appendix=True)
        flagged = [
            (n, p, s.lang)
            for n, d in enumerate(b.stories, start=1)
            if d.status == "ok"
            for s in d.sections
            for p in ((s.headline,) if s.headline else ()) + tuple(_section_points(s))
            if p.flags
        ]
        if flagged:
            yield self._sub("flagged", level=4)
            for n, point, point_lang in flagged:
                for lang in self.langs:
                    reasons = "; ".join(
                        dict.fromkeys(clean(f.ar if is_rtl(lang) else f.en) for f in point.flags)
                    )
                    text = clean(point.text)
                    if len(text.split()) > 25:
                        text = " ".join(text.split()[:25]) + "…"
                    spans = (
                        Span(f"{label('story', lang)} {n}: ", "label"),
                        Span(isolate(f"«{text}»" if is_rtl(point_lang) else f"“{text}”", lang)),
                        Span(f" — {FLAG_MARK} {reasons}"),
                    )
                    yield Block("bullet", spans, lang, appendix=True)
        failed_pairs = [
            (f"story {n}", d.error)
            for n, d in enumerate(b.stories, start=1)
            if d.status == "failed"
        ]
        dropped = left_out(b.problems)
        # what the checks said about the stories' points (left out, possibly unsupported)
        story_notes = [
            p
            for p in b.problems
            if p.where.startswith("story ") and (p.where, p.message) not in failed_pairs
        ]
        for problem in sorted(story_notes, key=lambda p: p not in dropped):
            yield Block("bullet", self._problem(problem, lang0), lang0, appendix=True)
        # failures
        failed = [(n, d) for n, d in enumerate(b.stories, start=1) if d.status == "failed"]
        if failed:
            yield self._sub("failures")
            for n, digest in failed:
                spans = (
                    Span(f"{label('story', lang0)} {n}: ", "label"),
                    Span(isolate(clean(digest.error or "no reason was given"), lang0)),
                )
                yield Block("bullet", spans, lang0, appendix=True)
        # shortened for the model
        trimmed = [(n, d) for n, d in enumerate(b.stories, start=1) if d.trimmed]
        if trimmed:
            yield self._sub("shortened")
            for lang in self.langs:
                yield Block("paragraph", (Span(_SHORTENED[lang]),), lang, appendix=True)
            for n, digest in trimmed:
                spans: list[Span] = [Span(f"{label('story', lang0)} {n}: ", "label")]
                for i, (article_id, percent) in enumerate(digest.trimmed):
                    if i:
                        spans.append(Span("، " if is_rtl(lang0) else ", "))
                    number = self.numbering.get(article_id)
                    spans += (
                        [Span(f"[{number}]", "cite", f"source-{number}")]
                        if number
                        else [Span(isolate(article_id, lang0))]
                    )
                    spans.append(Span(isolate(f" {percent}%", lang0)))
                yield Block("bullet", tuple(spans), lang0, appendix=True)
        # quarantined passages
        if b.quarantined:
            yield self._sub("quarantined")
            for lang in self.langs:
                yield Block("paragraph", (Span(_QUARANTINED[lang]),), lang, appendix=True)
            for item in b.quarantined:
                number = self.numbering.get(item.article_id)
                article = self.by_id.get(item.article_id)
                who = (
                    [Span(f"[{number}]", "cite", f"source-{number}")]
                    if number
                    else [Span(isolate(item.article_id, lang0))]
                )
                if article is not None:
                    who.append(Span(" " + isolate(outlet(article, lang0), lang0)))
                text = clean(item.text)
                if len(text) > 300:
                    text = text[:300] + "…"
                yield Block(
                    "bullet",
                    (*who, Span(": "), Span(isolate(f"«{text}»", lang0), "muted")),
                    lang0,
                    appendix=True,
                )
        # notes on inputs and checks
        others = [p for p in b.problems if not p.where.startswith("story ")]
        if others:
            yield self._sub("inputs")
            for problem in others:
                yield Block("bullet", self._problem(problem, lang0), lang0, appendix=True)
        if b.duplicates:
            yield self._sub("duplicates")
            for duplicate in b.duplicates:
                dropped_article = duplicate.dropped
                number = self.numbering.get(duplicate.kept_id)
                kept = (
                    Span(f"[{number}]", "cite", f"source-{number}")
                    if number
                    else Span(isolate(duplicate.kept_id, lang0))
                )
                how = (
                    ("نسخة مطابقة من" if is_rtl(lang0) else "an exact copy of")
                    if duplicate.kind == "exact"
                    else (
                        f"نسخة شبه مطابقة ({duplicate.similarity:.0%}) من"
                        if is_rtl(lang0)
                        else f"a near copy ({duplicate.similarity:.0%}) of"
                    )
                )
                spans = (
                    Span(isolate(article_title(dropped_article), lang0)),
                    Span(isolate(f" ({clean(dropped_article.origin)})", lang0), "muted"),
                    Span(f" — {how} "),
                    kept,
                )
                yield Block("bullet", spans, lang0, appendix=True)
        # the technical details, as a table
        yield self._sub("details")
        for key, value in self._details(lang0):
            yield Block("field", (Span(key, "label"), Span(value)), lang0, appendix=True)

    def _about_heading(self) -> Block:
        heading = self._heading(2, "about", anchor="about", page_break=True)
        return Block(
            heading.kind,
            heading.spans,
            heading.lang,
            heading.level,
            anchor=heading.anchor,
            page_break=True,
            appendix=True,
        )

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

    def _made(self, lang: Lang) -> str:
        prov = self.b.provenance
        when = format_date(prov.created_at, lang)
        time = prov.created_at[11:16] if len(prov.created_at) >= 16 else ""
        if is_rtl(lang):
            at = f" الساعة {isolate(time, lang)} بالتوقيت العالمي" if time else ""
            if prov.engine == "extractive":
                return (
                    f"أُعدّ هذا الموجز في {when}{at} بالمحرك الاستخراجي في brief {prov.tool_version} "
                    "دون نموذج لغوي: كل نقطة جملة منقولة حرفياً من مصادرها."
                )
            model = isolate(prov.model or "", lang)
            return (
                f"كتب هذا الموجز النموذج اللغوي {model} في {when}{at} انطلاقاً من المقالات "
                f"المذكورة، بأداة brief {prov.tool_version}."
            )
        at = f" at {time} UTC" if time else ""
        if prov.engine == "extractive":
            return (
                f"Made on {when}{at} by brief {prov.tool_version}'s offline extractive engine, "
                "without a language model: every point is a sentence quoted from its sources."
            )
        return (
            f"Written on {when}{at} by the language model {prov.model} from the cited "
            f"articles, with brief {prov.tool_version}."
        )

    def _checks(self, lang: Lang) -> str:
        checked, flagged, dropped, by_model = check_counts(self.b)
        if is_rtl(lang):
            text = (
                f"رُوجعت {count(checked, 'point', lang)} مقابل مصادرها؛ "
                f"عُلّم منها {flagged} للتحقق، واستُبعد {dropped}."
            )
            text += (
                " راجع النموذج النقاط أيضاً."
                if by_model
                else " جرى التحقق بالقواعد فقط، ولم يراجعها النموذج."
            )
            return text
        text = (
            f"{count(checked, 'point', lang)} checked against their sources; "
            f"{flagged} flagged to check, {dropped} left out."
        )
        text += (
            " The model also checked the points."
            if by_model
            else " Checked by rules only: not checked by the model."
        )
        return text

    def _details(self, lang: Lang) -> list[tuple[str, str]]:
        prov = self.b.provenance
        keys = _DETAIL_KEYS["ar" if is_rtl(lang) else "en"]
        rows = [
            (keys["tool"], f"brief {prov.tool_version}"),
            (keys["engine"], f"{prov.engine} {prov.engine_version}"),
        ]
        if prov.model:
            rows.append((keys["model"], prov.model))
        if prov.base_url:
            rows.append((keys["base_url"], prov.base_url))
        for p in prov.prompts:
            rows.append((keys["prompt"], f"{p.id} v{p.version} — sha256 {p.sha256[:12]}"))
        if prov.tokenizer:
            rows.append((keys["tokenizer"], prov.tokenizer))
        for k, v in prov.parameters:
            rows.append((k, v))
        rows.append((keys["time"], prov.created_at))
        for item in prov.inputs:
            rows.append(
                (
                    keys["input"],
                    f"{clean(item.path)} — sha256 {item.sha256[:12]} — "
                    f"{count(item.articles, 'article', lang)}",
                )
            )
        return rows


def _section_points(section: Section) -> Iterator[Point]:
    if section.summary is not None:
        yield section.summary
    yield from section.points
    yield from section.disagreements


_DETAIL_KEYS = {
    "en": {
        "tool": "Tool",
        "engine": "Engine",
        "model": "Model",
        "base_url": "Endpoint",
        "prompt": "Prompt",
        "tokenizer": "Tokenizer",
        "time": "Run time (UTC)",
        "input": "Input file",
    },
    "ar": {
        "tool": "الأداة",
        "engine": "المحرك",
        "model": "النموذج",
        "base_url": "نقطة الاتصال",
        "prompt": "التعليمات",
        "tokenizer": "عدّاد الرموز",
        "time": "وقت التشغيل",
        "input": "ملف إدخال",
    },
}
_RULES_ONLY = {
    "en": "The points were checked against their sources by rules only; not checked by the model.",
    "ar": "رُوجعت النقاط مقابل مصادرها بالقواعد فقط، ولم يراجعها النموذج.",
}
_MISSING = {
    "en": "English summaries need a language model (the offline engine quotes without "
    "translating): {n} below {verb} reported only in another language and {now} shown in "
    "that language.",
    "ar": "الملخصات العربية تحتاج إلى نموذج لغوي (فالمحرك الاستخراجي ينقل دون ترجمة): "
    "ورد {n} أدناه بلغة أخرى فقط، ويُعرض بتلك اللغة.",
}
_TRANSLATED_NOTE = {
    "en": "Headlines marked so were translated by the language model.",
    "ar": "العناوين المعلّمة بهذه العلامة ترجمها النموذج اللغوي.",
}
_SHORTENED = {
    "en": "To fit the model's input, some articles were sent in part: sentences that other "
    "articles repeat went first, then the ends of long articles. The share left out:",
    "ar": "لتتسع مدخلات النموذج أُرسلت بعض المقالات منقوصة: حُذفت أولاً الجمل التي تكررها "
    "مقالات أخرى ثم أواخر المقالات الطويلة. النسبة المحذوفة:",
}
_QUARANTINED = {
    "en": "These passages addressed an AI or gave it instructions; they were not sent to the "
    "model.",
    "ar": "خاطبت هذه المقاطع نظام ذكاء اصطناعي أو أعطته تعليمات، فلم تُرسل إلى النموذج.",
}
_UNNAMED = {"en": "{n} not named", "ar": "{n} غير مسمّاة"}
_NO_EVIDENCE = {
    "en": "No source sentence was found for it.",
    "ar": "لم يُعثر على جملة في المصادر تستند إليها.",
}
