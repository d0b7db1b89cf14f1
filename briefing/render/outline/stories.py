"""The stories: the top ones in full, the rest one line each, and the Sources."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ...models import Article, Lang, Point, Section, StoryDigest
from ..common import (
    Block,
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
from .base import TRANSLATED_MARK, Base, _has_content
from .wording import _UNNAMED


class Stories(Base):
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
