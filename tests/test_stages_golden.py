"""The stages' output held fixed while they are made faster: cleaned articles, duplicates,
stories and the extractive key points, for the seeds in ``fixtures/`` and (when the
shared data are present) the 182-article labelled day.

The expected values were written from the code before any speed work (``--update-golden``
rewrites them; do that only for a change the commit argues for). The real data may not
be copied into the repository, so for them only hashes of texts are stored.
"""

from __future__ import annotations

import hashlib
import json
import random
from datetime import date
from pathlib import Path

import pytest

from briefing.digest import extractive
from briefing.models import Article
from briefing.sources import clean, ingest
from briefing.stories import dedup, group

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
DATA = ROOT.parent / "shared" / "data"
DEV_DAY = DATA / "ant_events_dev.jsonl"

CASES = {
    # name: (path, reference date, texts kept readable)
    "seeds": (ROOT / "fixtures", date(2026, 2, 12), True),
    "dev_day": (DEV_DAY, date(2018, 3, 18), False),
}


def _text(value: str, readable: bool) -> str:
    return value if readable else hashlib.sha256(value.encode()).hexdigest()[:16]


def snapshot(path: Path, reference: date, readable: bool) -> dict:
    """What the stages make of the articles under ``path``, as plain JSON data."""
    read = ingest.ingest([path])
    cleaned = clean.clean(read.articles, reference=reference)
    deduped = dedup.dedup(cleaned)
    stories = group.group(deduped.articles)
    digests = [extractive.summarise(story, max_points=6) for story in stories]
    return {
        "cleaned": {
            a.id: _text(
                json.dumps(
                    [a.title, a.text, a.source, a.published, a.lang, a.mentioned_dates, a.removed],
                    ensure_ascii=False,
                ),
                readable,
            )
            for a in cleaned
        },
        "duplicates": [[d.dropped.id, d.kept_id, d.kind, d.similarity] for d in deduped.duplicates],
        "stories": [[a.id for a in story.articles] for story in stories],
        "points": [
            {
                section.lang: [
                    [_text(p.text, readable), list(p.citations)]
                    for p in ((section.headline,) if section.headline else ()) + section.points
                ]
                for section in digest.sections
            }
            for digest in digests
        ],
    }


@pytest.mark.parametrize("compiled", [False, True], ids=["python", "compiled"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_stages_give_the_same_output_as_before(
    name: str, compiled: bool, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both grouping paths (pure Python for small piles, sparse products and SciPy
    linkage for large ones) give the stories held in the golden file."""
    path, reference, readable = CASES[name]
    if not path.exists():
        pytest.skip(f"{path} is not present (the shared data sit beside the clone)")
    if compiled:
        monkeypatch.setattr(group, "_COMPILED_FROM", 0)
    got = snapshot(path, reference, readable)
    golden = GOLDEN / f"stages_{name}.json"
    if request.config.getoption("--update-golden") and not compiled:
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    for part in ("cleaned", "duplicates", "stories", "points"):
        assert got[part] == expected[part], part


def _pile(seed: int) -> list[Article]:
    """Made-up articles on a few events over a few days, some undated, in Arabic and
    English, with numbers and Latin names the two languages share."""
    rng = random.Random(seed)
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    arabic = "سوريا مصر لبنان الحكومة الوزير البرلمان الانتخابات المجلس الرئيس الجيش".split()
    pile = []
    for event in range(12):
        names = ["".join(rng.choices(syllables, k=3)).capitalize() for _ in range(4)]
        numbers = [str(rng.randint(10, 9999)) for _ in range(3)]
        words = ["".join(rng.choices(syllables, k=3)) for _ in range(30)]
        day = rng.choice([None, 10, 11, 12, 16, 20])
        for variant in range(rng.randint(1, 6)):
            lang = rng.choice(["ar", "en", "und"])
            pool = (arabic if lang == "ar" else words) + names + numbers
            title = " ".join(rng.sample(pool, 7))
            text = "\n".join(" ".join(rng.choices(pool, k=14)) + "." for _ in range(4))
            when = day if variant % 3 else rng.choice([day, None, 13])
            published = f"2026-02-{when:02d}" if when else None
            pile.append(
                Article(f"p{event}-{variant}", title, text, "test", published=published, lang=lang)
            )
    rng.shuffle(pile)
    return pile


@pytest.mark.parametrize("seed", range(8))
def test_both_grouping_paths_agree(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    pile = _pile(seed)
    python = [[a.id for a in s.articles] for s in group.group(pile)]
    monkeypatch.setattr(group, "_COMPILED_FROM", 0)
    monkeypatch.setattr(group, "_BLOCK_ROWS", 7)  # many blocks, across the date window
    compiled = [[a.id for a in s.articles] for s in group.group(pile)]
    assert compiled == python
    assert len(python) < len(pile)  # some articles did join
