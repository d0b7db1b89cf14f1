"""Extract one day's articles from a pool, for a person to read and label.

    python benchmarks/pick_day.py /work/shared/data/ant_pool_31k.jsonl.gz --list
    python benchmarks/pick_day.py /work/shared/data/ant_pool_31k.jsonl.gz 2018-04-28 \\
        -o /tmp/day-2018-04-28.txt [--chars 600]

A day is the date part of ``published`` as the outlet wrote it (its own time zone).
``--list`` prints how many articles each day has. Otherwise each article of the day is
written as its id, source, title and the first ``--chars`` characters of its text, in
publication order. The output holds licensed text: write it outside the repository
(the default is /tmp); only ids and labels go into ``benchmarks/data``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path


def records(path: str | Path) -> Iterator[dict]:
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def day_of(record: dict) -> str:
    return (record.get("published") or "")[:10]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pool", help="a (gzip) JSONL pool of articles")
    parser.add_argument("day", nargs="?", help="YYYY-MM-DD")
    parser.add_argument("--list", action="store_true", help="count the articles of each day")
    parser.add_argument("--chars", type=int, default=600, help="characters of text to show")
    parser.add_argument("-o", "--output", help="scratch file (default /tmp/day-<day>.txt)")
    args = parser.parse_args(argv)
    if args.list:
        counts = Counter(day_of(r) for r in records(args.pool))
        for day, n in sorted(counts.items()):
            print(day or "(no date)", n)
        return
    if not args.day:
        parser.error("give a day (YYYY-MM-DD) or --list")
    chosen = sorted(
        (r for r in records(args.pool) if day_of(r) == args.day),
        key=lambda r: (r.get("published") or "", str(r["id"])),
    )
    if not chosen:
        sys.exit(f"no article of {args.day} in {args.pool}: run with --list to see the days")
    output = Path(args.output or f"/tmp/day-{args.day}.txt")
    with output.open("w", encoding="utf-8") as out:
        for number, r in enumerate(chosen, start=1):
            text = " ".join((r.get("text") or "").split())[: args.chars]
            out.write(
                f"### {number} {r['id']} | {r.get('source')} | {r.get('published')}\n"
                f"T: {r.get('title') or ''}\n{text}\n\n"
            )
    sources = Counter(r.get("source") for r in chosen)
    print(f"{len(chosen)} articles of {args.day} written to {output}: {dict(sources)}")


if __name__ == "__main__":
    main()
