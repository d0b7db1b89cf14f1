"""Does the sparse product miss any pair that should be compared? Counted, not assumed.

    python benchmarks/bench_pairs.py ../shared/data/ant_events_dev.jsonl \\
        [../shared/data/ant_pool_10k.jsonl.gz]

For each file (cleaned and deduplicated as `brief make` does), the pairs that grouping
considers are computed three ways: the sparse matrix product (``group._similarities``,
used from 1,000 articles), the pure-Python term index (``group._similarities_small``)
and, for up to 3,000 articles, brute force (every pair within the date window, cosine
of dense vectors). It prints, for pairs at the similarity floor and at the merge
threshold, how many each finds and how many of the exhaustive ones the product misses.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from briefing.sources import clean, ingest  # noqa: E402
from briefing.stories import dedup  # noqa: E402
from briefing.stories import group as g  # noqa: E402


def brute_force(matrix, docs) -> dict[tuple[int, int], float]:
    dense = matrix.toarray()
    sims = dense @ dense.T
    pairs = {}
    for i in range(len(docs)):
        for j in range(i + 1, len(docs)):
            a, b = docs[i].day, docs[j].day
            if a is not None and b is not None and abs(a - b) > g.MAX_DAYS_APART:
                continue
            if g._cross_language(docs[i], docs[j]):
                continue  # scored on names and numbers; not what this checks
            if sims[i, j] >= g._EDGE_FLOOR:
                pairs[i, j] = float(sims[i, j])
    return pairs


def main() -> None:
    for path in sys.argv[1:]:
        read = ingest.ingest([path])
        articles = dedup.dedup(clean.clean(read.articles, reference=date(2018, 11, 1))).articles
        counts, docs = g._counts(articles)
        matrix = g._matrix(counts, docs)
        start = time.perf_counter()
        i, j, s = g._similarities(docs, matrix)
        product = dict(zip(zip(i.tolist(), j.tolist(), strict=True), s.tolist(), strict=True))
        product_time = time.perf_counter() - start
        counts, docs = g._counts(articles)
        start = time.perf_counter()
        index = g._similarities_small(g._unit_vectors(counts, docs), docs)
        index_time = time.perf_counter() - start
        print(f"{Path(path).name}: {len(articles):,} articles")
        print(f"  sparse product {product_time:.1f}s, term index {index_time:.1f}s")
        ways = {"term index": index}
        if len(articles) <= 3000:
            ways["brute force"] = brute_force(matrix, docs)
        for floor, label in ((g._EDGE_FLOOR, "at the floor"), (g.THRESHOLD, "at the threshold")):
            found = {p for p, v in product.items() if v >= floor}
            for name, pairs in ways.items():
                wanted = {p for p, v in pairs.items() if v >= floor}
                missed = len(wanted - found)
                print(
                    f"  pairs {label} ({floor}): product {len(found):,}, {name} {len(wanted):,}, "
                    f"missed by the product {missed} ({missed / max(len(wanted), 1):.1%})"
                )
        common = product.keys() & index.keys()
        if common:
            worst = max(abs(product[p] - index[p]) for p in common)
            print(f"  largest difference in a similarity: {worst:.1e}")


if __name__ == "__main__":
    main()
