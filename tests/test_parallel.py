"""parallel: per-article work in worker processes gives the same result, in order."""

from __future__ import annotations

from datetime import date
from functools import partial

import pytest
from raw_articles import article, seed_articles

from briefing.pipeline import parallel
from briefing.sources import clean


@pytest.mark.parametrize(
    ("count", "setting", "cpus", "expected"),
    [
        (10, "", 8, 1),  # small pile: one process
        (parallel.PARALLEL_FROM, "", 8, parallel.MAX_WORKERS),
        (parallel.PARALLEL_FROM, "", 1, 1),
        (10, "3", 8, 3),  # asked for: even for a small pile
        (2, "3", 8, 2),  # never more processes than articles
        (parallel.PARALLEL_FROM, "1", 8, 1),  # turned off
        (parallel.PARALLEL_FROM, "zero", 2, 2),  # not a number: automatic
    ],
)
def test_workers(
    count: int, setting: str, cpus: int, expected: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEF_WORKERS", setting)
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda _: set(range(cpus)))
    assert parallel.workers(count) == expected


def test_cleaning_in_processes_is_the_same_as_in_one(
    seeds_dir, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds = seed_articles(seeds_dir)
    pile = [
        article(f"{a.id}-{k}", a.title, a.text + f"\nسياسة\n{k}", lang="und")
        for k in range(7)
        for a in seeds
    ]
    cleaning = partial(clean.clean, reference=date(2026, 2, 12))
    monkeypatch.setenv("BRIEF_WORKERS", "2")
    assert parallel.map_chunks(cleaning, pile) == list(clean.clean(pile, date(2026, 2, 12)))
