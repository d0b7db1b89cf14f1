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

from collections.abc import Iterator

from ...models import Briefing
from ..common import Block, Layout, Span
from .appendix import Appendix
from .base import FLAG_MARK, TRANSLATED_MARK, check_counts, left_out
from .front import FrontPage
from .stories import Stories
from .wording import _TRANSLATED_NOTE

__all__ = ["FLAG_MARK", "TRANSLATED_MARK", "check_counts", "left_out", "outline"]


def outline(briefing: Briefing, layout: Layout | None = None) -> tuple[Block, ...]:
    """The whole briefing in reading order."""
    return tuple(_Outline(briefing, layout or Layout()).blocks())


class _Outline(FrontPage, Stories, Appendix):
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
