"""Render time per format, for N stories and for a real day's briefing.

    python benchmarks/bench_render.py ../shared/data/ant_events_dev.jsonl [--sizes 100,500,2000]
                                      [--pages]

The day's articles go through the offline pipeline once (not timed); then each format is
rendered with the defaults (top 10 in full) and with every story in full (--top 0).
For N stories, the day's stories are repeated with fresh article ids and URLs until
there are N (every story in full, the worst case), so the sources list grows with them.
Goal (issue 9): Word linear in the number of stories, 2,000 stories in at most 5 s.
With --pages, LibreOffice (soffice) counts the Word pages of the day's briefing.
"""

from __future__ import annotations

import argparse
import dataclasses
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.models import Briefing, Story, StoryDigest  # noqa: E402
from briefing.pipeline import MakeOptions, make  # noqa: E402
from briefing.render import docx, html, json, md  # noqa: E402
from briefing.render.common import Layout  # noqa: E402

RENDERERS = {"md": md.render, "html": html.render, "json": json.render, "docx": docx.render}


def day_briefing(path: str) -> Briefing:
    with tempfile.TemporaryDirectory() as out:
        options = MakeOptions(
            paths=(path,), out_dir=out, formats=("json",), engine="extractive", today=date.today()
        )
        result = make(options)
    assert result.briefing is not None
    return result.briefing


def scaled(base: Briefing, n: int) -> Briefing:
    """``n`` stories cycled from ``base``, each with its own copies of the articles."""
    stories: list[StoryDigest] = []
    sources = []
    for i in range(n):
        digest = base.stories[i % len(base.stories)]
        suffix = f"~{i}"
        renamed = {
            a.id: dataclasses.replace(
                a, id=a.id + suffix, url=(a.url + f"?copy={i}") if a.url else None
            )
            for a in digest.story.articles
        }

        def re_id(ids: tuple[str, ...], renamed: dict = renamed) -> tuple[str, ...]:  # type: ignore[type-arg]
            return tuple(renamed[x].id if x in renamed else x for x in ids)

        sections = tuple(
            dataclasses.replace(
                s,
                headline=dataclasses.replace(s.headline, citations=re_id(s.headline.citations))
                if s.headline
                else None,
                points=tuple(
                    dataclasses.replace(p, citations=re_id(p.citations)) for p in s.points
                ),
            )
            for s in digest.sections
        )
        story = Story(digest.story.id + suffix, tuple(renamed.values()))
        stories.append(dataclasses.replace(digest, story=story, sections=sections))
        sources.extend(renamed.values())
    return dataclasses.replace(base, stories=tuple(stories), sources=tuple(sources))


def timed(briefing: Briefing, layout: Layout, fmt: str, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        RENDERERS[fmt](briefing, layout)
        best = min(best, time.perf_counter() - start)
    return best


def word_pages(briefing: Briefing, layout: Layout) -> int | None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "day.docx"
        path.write_bytes(docx.render(briefing, layout))
        try:
            subprocess.run(
                ["soffice", "--headless", "--convert-to", "pdf", "--outdir", tmp, str(path)],
                check=True,
                capture_output=True,
                timeout=300,
            )
            info = subprocess.run(
                ["pdfinfo", str(path.with_suffix(".pdf"))], capture_output=True, text=True
            ).stdout
        except (OSError, subprocess.SubprocessError):
            return None
    for line in info.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("day", help="a day's articles, e.g. ../shared/data/ant_events_dev.jsonl")
    parser.add_argument("--sizes", default="100,500,2000")
    parser.add_argument("--pages", action="store_true", help="count Word pages (LibreOffice)")
    args = parser.parse_args()

    base = day_briefing(args.day)
    print(f"day: {len(base.stories)} stories, {len(base.sources)} articles")
    print(f"{'briefing':<24}" + "".join(f"{fmt:>9}" for fmt in RENDERERS))
    for name, layout in (("day, top 10", Layout()), ("day, --top 0", Layout(top=0))):
        cells = "".join(f"{timed(base, layout, fmt, 3):>8.2f}s" for fmt in RENDERERS)
        print(f"{name:<24}{cells}")
    per_story = []
    for n in (int(x) for x in args.sizes.split(",")):
        big = scaled(base, n)
        times = {fmt: timed(big, Layout(top=0), fmt) for fmt in RENDERERS}
        per_story.append((n, times["docx"] / n))
        cells = "".join(f"{times[fmt]:>8.2f}s" for fmt in RENDERERS)
        print(f"{f'{n} stories, --top 0':<24}{cells}")
    print(
        "Word ms per story: "
        + ", ".join(f"{n}: {1000 * t:.2f}" for n, t in per_story)
        + " (flat = linear)"
    )
    if args.pages:
        for name, layout in (("defaults", Layout()), ("--top 0", Layout(top=0))):
            print(f"Word pages of the day, {name}: {word_pages(base, layout)}")


if __name__ == "__main__":
    main()
