"""Time `dedup` on a large pool and check what the sampled index misses.

    python benchmarks/bench_dedup.py /work/shared/data/ant_pool_10k.jsonl.gz [--show 20]

Prints the wall time, the exact and near duplicates found, the similarities of the near
ones, and the same run with every 5-gram indexed (no sampling): the duplicates that
only the exhaustive run finds are what sampling costs. The data stay where they are:
never copy them into the repository.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_group import load  # noqa: E402

from briefing.models import DedupResult  # noqa: E402
from briefing.stories import dedup as dedup_module  # noqa: E402


def run(articles: list, sample_mod: int) -> tuple[DedupResult, float]:
    saved = dedup_module._SAMPLE_MOD
    dedup_module._SAMPLE_MOD = sample_mod
    try:
        start = time.perf_counter()
        result = dedup_module.dedup(articles)
        return result, time.perf_counter() - start
    finally:
        dedup_module._SAMPLE_MOD = saved


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="a (gzip) JSONL of articles")
    parser.add_argument("--show", type=int, default=10, help="near duplicates to print")
    args = parser.parse_args(argv)

    articles, _ = load(args.path)
    by_id = {a.id: a for a in articles}
    result, elapsed = run(articles, dedup_module._SAMPLE_MOD)
    kinds = Counter(d.kind for d in result.duplicates)
    print(
        f"{Path(args.path).name}: {len(articles)} articles, dedup {elapsed:.1f}s: "
        f"{kinds['exact']} exact and {kinds['near']} near duplicates dropped"
    )
    near = [d for d in result.duplicates if d.kind == "near"]
    bands = Counter(min(int(d.similarity * 10), 9) / 10 for d in near)
    print("  near similarity:", ", ".join(f">={b:.1f}: {n}" for b, n in sorted(bands.items())))
    for d in near[: args.show]:
        kept = by_id[d.kept_id]
        print(f"  {d.similarity:.2f} {d.dropped.id} -> {kept.id}")
        print(f"       {d.dropped.title[:70]!r} / {kept.title[:70]!r}")

    full, full_elapsed = run(articles, 1)
    found = {(d.dropped.id, d.kept_id) for d in result.duplicates}
    exhaustive = {(d.dropped.id, d.kept_id) for d in full.duplicates}
    print(
        f"  every 5-gram indexed: {full_elapsed:.1f}s, {len(exhaustive)} duplicates; "
        f"missed by sampling: {len(exhaustive - found)}, found only by sampling: "
        f"{len(found - exhaustive)}"
    )


if __name__ == "__main__":
    main()
