"""Memory stays bounded on hostile piles: the compiled paths of dedup and the merge pass
make and count their pairs a batch at a time (a hostile review found both growing with
the square of a crowded pile: 118 MB and 173 MB on these inputs, where the pure-Python
code took 3 MB and 9 MB).

Peaks are measured with tracemalloc (NumPy reports its buffers to it)."""

from __future__ import annotations

import random
import tracemalloc
from functools import partial

from briefing.models import Article, Story
from briefing.stories import dedup, merge

_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_LETTERS) for _ in range(rng.randrange(4, 8)))


def _peak_mb(call) -> float:
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def test_dedup_memory_on_wire_copies_stays_near_linear() -> None:
    # 1,200 articles: 20 wire stories, each republished by 60 outlets with one word
    # changed (a posting of 60 <= _MAX_POSTING, every sampled hash shared)
    rng = random.Random(9)
    articles = []
    for g in range(20):
        base = " ".join(_word(rng) for _ in range(300))
        title = " ".join(_word(rng) for _ in range(8))
        for c in range(60):
            articles.append(
                Article(
                    id=f"g{g}c{c}",
                    title=title,
                    text=f"{base} {_word(rng)} {c}",
                    origin="x",
                    source=f"outlet{c}",
                    url=None,
                    published="2024-03-20",
                    lang="ar",
                )
            )
    prints = [dedup.fingerprint(a) for a in articles]
    kept: list[int] = []
    peak = _peak_mb(lambda: kept.append(len(dedup.dedup(articles, prints).articles)))
    assert kept == [20]
    assert peak < 40, f"dedup of 1,200 articles peaked at {peak:.0f} MB"


def _one_name_pile(n: int) -> tuple[list[Article], list[Story]]:
    """``n`` one-article stories of one day that all name Egypt, in unrelated words:
    every pair is a candidate of the name gate, none joins."""
    rng = random.Random(3)
    articles = [
        Article(
            id=f"a{i}",
            title="مصر و" + " ".join(_word(rng) for _ in range(6)),
            text=". ".join("قالت مصر إن " + " ".join(map(_word, [rng] * 15)) for _ in "123456"),
            origin="x",
            source=None,
            url=None,
            published="2024-03-20",
            lang="ar",
        )
        for i in range(n)
    ]
    return articles, [Story(id=f"s{i}", articles=(a,)) for i, a in enumerate(articles)]


def test_merge_memory_on_one_name_pile_does_not_grow_with_the_pile() -> None:
    peaks = []
    for n in (1200, 2400):
        articles, stories = _one_name_pile(n)
        found = {a.id: merge.features(a) for a in articles}
        out: list[int] = []
        run = partial(merge.merge, articles, stories, found=found)
        peaks.append(_peak_mb(lambda run=run, out=out: out.append(len(run()))))
        assert out == [n]
    assert peaks[1] < 1.5 * peaks[0] + 10, peaks  # the pairs grew 4x
    assert max(peaks) < 100, peaks
