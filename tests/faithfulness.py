"""Replaying scripted model answers through the real LLM engine, for the planted-error
suite (tests/test_faithfulness.py) and benchmarks/bench_faithfulness.py.

A case is a story (its article files, in the order the model saw them as A1, A2…) and a
folder of answers: ``honest.json``, and ``planted_<kind>.json`` files that each carry
one kind of mistake, described in ``manifest.json``. ``replay`` sends the story through
the pipeline's own steps (injection screening, packing, the real openai client talking
to the fake server on 127.0.0.1, validation with its re-ask, verification and, when a
check answer is given, the model check) and returns the verified digest.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from fake_openai import FakeOpenAI, Reply

from briefing import config
from briefing.digest import injection
from briefing.models import Point, Problem, Story, StoryDigest
from briefing.pipeline import MakeOptions, _verified
from briefing.pipeline.llm_run import LLMRun
from briefing.sources.clean import clean
from briefing.sources.ingest import ingest

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "faithfulness"
SEEDS = sorted((HERE.parent / "fixtures").glob("*.txt"))
ARTICLES = DATA / "articles"

# The articles of each case, in the order the answers' ids A1, A2… refer to.
CASES: dict[str, list[Path]] = {
    "ar": [*SEEDS, ARTICLES / "ar_005_injected.txt"],
    "en": [ARTICLES / "001_wire.txt", ARTICLES / "002_daily.txt", ARTICLES / "003_injected.txt"],
    "mixed": [SEEDS[0], SEEDS[1], ARTICLES / "001_wire.txt", SEEDS[2],
              ARTICLES / "002_daily.txt", SEEDS[3], SEEDS[4]],
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Replayed:
    digest: StoryDigest
    problems: tuple[Problem, ...]
    requests: int


def replay(
    files: Sequence[Path],
    answer: str,
    *,
    check: Callable[[dict[str, Any]], str] | None = None,
    data_dir: Path,
) -> Replayed:
    """One story, answered with ``answer`` (also to the re-ask), through the engine."""
    ingested = ingest([str(f) for f in files])
    articles = clean(ingested.articles, reference=date(2026, 2, 11))
    screened, quarantined = injection.screen(articles)
    story = Story("case", tuple(screened))

    def answering(body: dict[str, Any]) -> Reply:
        system = body["messages"][0]["content"]
        if "fact-checker" in system:
            return Reply(check(body) if check else "{}")
        return Reply(answer)

    import os

    os.environ["BRIEF_DATA_DIR"] = str(data_dir)
    with FakeOpenAI(default=answering) as server:
        settings = config.load(
            None, {"base_url": server.base_url, "check": check is not None, "cache": False}
        )
        options = MakeOptions(paths=(), settings=settings, use_cache=False)
        run = LLMRun(options)
        packed = [run.pack(story)]
        digests, problems = _verified(run.generate_all(packed, lambda *a: None), quarantined)
        digests = run.check_all(digests, packed, lambda *a: None)
        return Replayed(digests[0], tuple(problems), len(server.requests))


def points(digest: StoryDigest) -> list[tuple[str, str, Point]]:
    """(section language, role, point) for every point of the digest."""
    out = []
    for section in digest.sections:
        for role, items in (
            ("headline", [section.headline]),
            ("summary", [section.summary]),
            ("point", section.points),
            ("disagreement", section.disagreements),
        ):
            out.extend((section.lang, role, p) for p in items if p is not None)
    return out


def flagged(digest: StoryDigest) -> list[tuple[str, str, Point]]:
    return [entry for entry in points(digest) if entry[2].flags]


def manifest(case: str) -> list[dict[str, Any]]:
    return json.loads((DATA / case / "answers" / "manifest.json").read_text(encoding="utf-8"))


def answer_text(case: str, name: str) -> str:
    return (DATA / case / "answers" / name).read_text(encoding="utf-8")


def caught(honest: Replayed, planted: Replayed) -> list[str]:
    """How a planted mistake shows, compared with the honest run: the story failed, a
    point it changed is flagged or left out, or a flag the honest run lacks appears."""
    if planted.digest.status != "ok":
        return ["story failed"]
    seen = {(lang, p.text, f) for lang, _, p in points(honest.digest) for f in p.flags}
    new_flags = [
        f"{f.check}: {p.text[:60]}"
        for lang, _, p in points(planted.digest)
        for f in p.flags
        if (lang, p.text, f) not in seen
    ]
    honest_out = {p.message for p in honest.problems if "left out" in p.message}
    left_out = [p.message for p in planted.problems if "left out" in p.message]
    return new_flags + [m for m in left_out if m not in honest_out]


def ids_in_checks(body: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys(re.findall(r'"id": "(P\d+)"', body["messages"][-1]["content"])))
