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
from datetime import date
from pathlib import Path

import pytest

from briefing.digest import extractive
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


@pytest.mark.parametrize("name", sorted(CASES))
def test_stages_give_the_same_output_as_before(name: str, request: pytest.FixtureRequest) -> None:
    path, reference, readable = CASES[name]
    if not path.exists():
        pytest.skip(f"{path} is not present (the shared data sit beside the clone)")
    got = snapshot(path, reference, readable)
    golden = GOLDEN / f"stages_{name}.json"
    if request.config.getoption("--update-golden"):
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    for part in ("cleaned", "duplicates", "stories", "points"):
        assert got[part] == expected[part], part
