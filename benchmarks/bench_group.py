"""Measure `group` against labelled stories, and time dedup + group on a large pool.

    python benchmarks/bench_group.py /work/shared/data/ant_events_dev.jsonl \\
        [--pool /work/shared/data/ant_pool_10k.jsonl.gz] [--also wikiref220.jsonl]

For each labelled file: pairwise precision, recall and F1 (a pair of articles is
"together" when they share a story), the adjusted Rand index, and the wall time. For
the pool: wall time and peak resident memory of dedup then group. The data stay where they are:
never copy them into the repository.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import sys
import time
from collections import Counter
from collections.abc import Sequence
from math import comb
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from briefing.models import Article  # noqa: E402
from briefing.stories.dedup import dedup  # noqa: E402
from briefing.stories.group import group  # noqa: E402


def load(path: str | Path) -> tuple[list[Article], list[str | None]]:
    """The articles of a JSONL (or .jsonl.gz) file and their ``cluster`` labels."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    articles: list[Article] = []
    labels: list[str | None] = []
    with opener(path, "rt", encoding="utf-8") as lines:
        for lineno, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            record = json.loads(line)
            articles.append(
                Article(
                    id=str(record["id"]),
                    title=record.get("title") or "",
                    text=record.get("text") or "",
                    origin=f"{path}:{lineno}",
                    source=record.get("source"),
                    url=record.get("url"),
                    published=record.get("published"),
                    lang=record.get("lang") or "und",
                )
            )
            labels.append(record.get("cluster"))
    return articles, labels


def pair_scores(truth: Sequence[object], predicted: Sequence[object]) -> dict[str, float]:
    """Pairwise precision, recall, F1 and the adjusted Rand index of two labellings."""
    both = sum(comb(c, 2) for c in Counter(zip(truth, predicted, strict=True)).values())
    in_truth = sum(comb(c, 2) for c in Counter(truth).values())
    in_predicted = sum(comb(c, 2) for c in Counter(predicted).values())
    precision = both / in_predicted if in_predicted else 1.0
    recall = both / in_truth if in_truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    expected = in_truth * in_predicted / comb(len(truth), 2) if len(truth) > 1 else 0.0
    top = (in_truth + in_predicted) / 2
    ari = (both - expected) / (top - expected) if top != expected else 1.0
    return {"precision": precision, "recall": recall, "f1": f1, "ari": ari}


def measure(path: str) -> dict[str, float]:
    articles, labels = load(path)
    start = time.perf_counter()
    stories = group(articles)
    elapsed = time.perf_counter() - start
    story_of = {a.id: story.id for story in stories for a in story.articles}
    scores = pair_scores(labels, [story_of[a.id] for a in articles])
    truth_stories = len(set(labels))
    print(
        f"{Path(path).name}: {len(articles)} articles, {truth_stories} labelled stories, "
        f"{len(stories)} found"
    )
    print(
        f"  pairwise P={scores['precision']:.3f} R={scores['recall']:.3f} "
        f"F1={scores['f1']:.3f}  ARI={scores['ari']:.3f}  time={elapsed:.2f}s"
    )
    return scores


def pool(path: str) -> None:
    start = time.perf_counter()
    articles, _ = load(path)
    loaded = time.perf_counter()
    rss_loaded = _peak_rss()
    result = dedup(articles)
    deduped = time.perf_counter()
    stories = group(result.articles)
    grouped = time.perf_counter()
    rss_peak = _peak_rss()
    kinds = Counter(d.kind for d in result.duplicates)
    sizes = Counter(len(s.articles) for s in stories)
    print(f"{Path(path).name}: {len(articles)} articles loaded in {loaded - start:.1f}s")
    print(
        f"  dedup: {deduped - loaded:.1f}s, dropped {kinds['exact']} exact "
        f"and {kinds['near']} near duplicates"
    )
    print(
        f"  group: {grouped - deduped:.1f}s, {len(stories)} stories "
        f"({sum(n for k, n in sizes.items() if k > 1)} with 2+ articles, "
        f"largest {max(sizes)})"
    )
    print(
        f"  peak RSS: {rss_peak / 2**20:.0f} MiB "
        f"({rss_loaded / 2**20:.0f} MiB after loading the articles)"
    )


def _peak_rss() -> int:
    """The process's peak resident memory in bytes (tracemalloc would slow it 5-fold)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labelled", help="JSONL with a `cluster` label per article")
    parser.add_argument("--pool", help="a large (gzip) JSONL to time dedup + group on")
    parser.add_argument("--also", action="append", default=[], help="more labelled files")
    args = parser.parse_args(argv)
    measure(args.labelled)
    for path in args.also:
        measure(path)
    if args.pool:
        pool(args.pool)


if __name__ == "__main__":
    main()
