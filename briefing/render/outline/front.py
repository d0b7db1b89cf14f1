"""The front page: title and date, the note on how it was made, the overview, the top
stories (each linking to its story, with its outlet count), one sentence of counts."""

from __future__ import annotations

from collections.abc import Iterator

from ...models import Lang, StoryDigest
from ..common import (
    Block,
    Span,
    clean,
    count,
    format_date,
    format_span,
    is_rtl,
    isolate,
    label,
    outlet_count,
    story_anchor,
)
from .base import Base, _has_content, check_counts
from .wording import _MISSING, _RULES_ONLY


class FrontPage(Base):
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
