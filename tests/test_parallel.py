"""parallel: per-article work in worker processes gives the same result, in order."""

from __future__ import annotations

import json
import random
import re
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


def test_stories_digested_in_processes_are_the_same_and_reported(
    tmp_path, seeds_dir, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing.pipeline import MakeOptions, make

    rng = random.Random(7)
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    pile = tmp_path / "pile.jsonl"
    with pile.open("w", encoding="utf-8") as out:
        for event in range(6):  # made-up events, three outlets each: several stories
            vocabulary = ["".join(rng.choices(syllables, k=3)) for _ in range(30)]
            for outlet in range(3):
                text = "\n".join(" ".join(rng.choices(vocabulary, k=14)) + "." for _ in range(5))
                title = " ".join(rng.sample(vocabulary, 6)).capitalize()
                record = {"id": f"e{event}-{outlet}", "title": title, "text": text,
                          "source": f"outlet {outlet}", "lang": "en"}  # fmt: skip
                out.write(json.dumps(record) + "\n")
    seen: list[tuple[str, int, int]] = []

    def run(workers: str, out: str) -> bytes:
        monkeypatch.setenv("BRIEF_WORKERS", workers)
        options = MakeOptions(
            paths=(str(pile),), out_dir=str(tmp_path / out), formats=("json", "md", "html"),
            engine="extractive", today=date(2026, 11, 23),
        )  # fmt: skip
        result = make(options, progress=lambda *step: seen.append(step))
        data = b"\n".join(path.read_bytes() for path in result.written)  # rendered side by side
        return re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", b"", data)  # made at

    one = run("1", "one")
    reported_one = list(seen)
    seen.clear()
    assert one.count(b'"article_ids"') >= 2  # several stories, so several chunks
    assert run("2", "two") == one
    assert reported_one[-1] == seen[-1] and seen[-1][1] == seen[-1][2] >= 1


def test_inherited_work_runs_in_forked_processes_without_pickling(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import os
    import sys
    import threading

    lock = threading.Lock()  # cannot be pickled: only a forked worker can use it

    def work(item: str) -> tuple[str, int, bool]:
        return item.upper(), os.getpid(), lock.acquire(blocking=False)

    monkeypatch.setenv("BRIEF_WORKERS", "2")
    found = parallel.map_inherited(work, ["md", "json", "docx"], weight=parallel.PARALLEL_FROM)
    assert [f[0] for f in found] == ["MD", "JSON", "DOCX"]  # in order
    if sys.platform.startswith("linux"):
        assert os.getpid() not in {f[1] for f in found}
    monkeypatch.setenv("BRIEF_WORKERS", "1")
    assert [f[1] for f in parallel.map_inherited(work, ["md"], weight=10**6)] == [os.getpid()]


def test_files_read_in_processes_give_the_same_articles_and_problems(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing.sources import ingest

    for k in range(12):
        record = {"id": f"a{k}", "title": f"Title {k}", "text": f"Text number {k} here."}
        (tmp_path / f"{k:02d}.json").write_text(json.dumps(record), encoding="utf-8")
    (tmp_path / "05b.json").write_text("{not json", encoding="utf-8")  # a bad one
    (tmp_path / "06b.txt").write_text("A plain text article.\nIts body.", encoding="utf-8")
    (tmp_path / "07b.xyz").write_text("unsupported", encoding="utf-8")
    (tmp_path / "08b.json").write_text(json.dumps({"id": "a3", "text": "Other"}), encoding="utf-8")
    one = ingest.ingest([tmp_path])
    monkeypatch.setenv("BRIEF_WORKERS", "3")
    several = ingest.ingest([tmp_path], mapper=parallel.map_chunks)
    assert several == one
    assert len(one.articles) == 14 and len(one.problems) >= 3  # bad, unsupported, id reused
    assert [a.id for a in one.articles][:3] == ["a0", "a1", "a2"]


class _NoFork:
    """A process pool that cannot start a process (no memory or processes left)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def __enter__(self) -> _NoFork:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def map(self, *args: object) -> None:
        raise BlockingIOError(11, "Resource temporarily unavailable")


def test_when_no_process_can_be_started_the_work_is_done_here(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("BRIEF_WORKERS", "2")
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", _NoFork)
    assert parallel.map_chunks(lambda items: [i * 2 for i in items], [1, 2, 3]) == [2, 4, 6]
    assert parallel.map_inherited(str.upper, ["md", "json"], weight=10**6) == ["MD", "JSON"]
    assert sum("going on in this process" in r.message for r in caplog.records) == 2


def test_the_progress_bar_is_quieted_while_workers_are_forked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import contextlib

    entered: list[str] = []

    @contextlib.contextmanager
    def guard():  # type: ignore[no-untyped-def]
        entered.append("in")
        yield
        entered.append("out")

    monkeypatch.setenv("BRIEF_WORKERS", "2")
    parallel.quiet_while_forking(guard)
    try:
        assert parallel.map_chunks(sorted, [3, 1, 2]) == [3, 1, 2]  # chunks of one
        assert parallel.map_inherited(str.upper, ["md", "json"], weight=10**6) == ["MD", "JSON"]
        monkeypatch.setenv("BRIEF_WORKERS", "1")
        parallel.map_chunks(sorted, [3, 1, 2])  # one process: nothing forked, no pause
    finally:
        parallel.quiet_while_forking(None)
    assert entered == ["in", "out", "in", "out"]
