"""Everything done to one article on its own, in one pass: clean, fingerprint for dedup,
screen for text addressed to a model, and the term counts and names grouping and the
merge pass compare.

These are maps over articles, so for large piles the pass runs in worker processes
(``parallel.map_chunks``) and only the work across articles (which duplicates to drop,
which articles make a story) is left to this one. The stages stay the same functions:
``dedup.dedup``, ``group.group`` and ``merge.merge`` take what was made here instead of
making it again, and give the same result as when they make it themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ..digest import injection
from ..models import Article, Quarantined
from ..sources import clean
from ..stories import dedup, group, merge, reading


@dataclass(frozen=True, slots=True)
class Prepared:
    article: Article  # cleaned: what dedup compares and the briefing lists as a source
    print: dedup.Print
    screened: Article  # ``article`` without the sentences addressed to a model
    quarantined: tuple[Quarantined, ...]  # those sentences
    features: group.Features  # of ``screened``: what grouping compares
    merging: merge.Features  # of ``screened``: what the merge pass compares


def prepare(
    articles: Sequence[Article], reference: date | None = None, cleaned: bool = False
) -> list[Prepared]:
    """Each article prepared; ``cleaned`` when they were cleaned already (the store's)."""
    out = []
    for article in articles if cleaned else clean.clean(articles, reference=reference):
        (screened,), quarantined = injection.screen((article,))
        read = reading.read(screened)  # what grouping and the merge pass both read
        out.append(
            Prepared(
                article,
                dedup.fingerprint(article),
                screened,
                quarantined,
                group.features(screened, read),
                merge.features(screened, read),
            )
        )
    return out
