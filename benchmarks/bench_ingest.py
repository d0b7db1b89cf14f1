"""Ingest alone, at size: time and peak memory for large inputs, to show it is linear.

Each case runs in a fresh subprocess (so peak RSS is its own) on files this script makes
in a temp folder:

- a single-line text file of 10, 25 and 50 MiB (an article with no line breaks);
- JSONL of 12,500, 25,000 and 50,000 lines, plain and gzipped;
- with ``--pool PATH`` (e.g. ../shared/data/ant_pool_31k.jsonl.gz, 95 MB unpacked),
  that file as given and unpacked to plain JSONL.

    python benchmarks/bench_ingest.py [--pool ../shared/data/ant_pool_31k.jsonl.gz]

Prints one line per case: size, articles, seconds, seconds per MB, peak RSS.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

_CHILD = """
import json, resource, sys, time
from briefing.sources.ingest import ingest
started = time.perf_counter()
result = ingest([sys.argv[1]])
elapsed = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"articles": len(result.articles), "problems": len(result.problems),
                  "seconds": elapsed, "peak_mib": peak}))
"""


def measure(path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def report(label: str, path: Path, unpacked_bytes: int) -> None:
    found = measure(path)
    mb = unpacked_bytes / 1e6
    print(
        f"{label:<34} {mb:8.1f} MB  {found['articles']:>7} articles  "
        f"{found['seconds']:7.2f} s  {found['seconds'] / mb:6.3f} s/MB  "
        f"peak {found['peak_mib']:6.0f} MiB",
        flush=True,
    )


def text_file(folder: Path, mib: int) -> Path:
    path = folder / f"one-line-{mib}MiB.txt"
    sentence = "تستضيف الرياض اجتماع التحالف الدولي لهزيمة داعش بمشاركة وزراء الخارجية، "
    unit = sentence.encode()
    with open(path, "wb") as handle:
        handle.write("عنوان الخبر\n".encode())
        handle.write(unit * (mib * 1024 * 1024 // len(unit)))
    return path


def jsonl_file(folder: Path, lines: int, packed: bool) -> Path:
    path = folder / (f"{lines}-lines.jsonl" + (".gz" if packed else ""))
    opener = gzip.open if packed else open
    with opener(path, "wt", encoding="utf-8") as handle:  # type: ignore[operator]
        for i in range(lines):
            record = {
                "id": f"n{i}",
                "title": f"خبر رقم {i} عن الاجتماع",
                "text": f"نص الخبر رقم {i}: " + "اجتمع الوزراء في الرياض لبحث التعاون. " * 20,
                "source": f"outlet {i % 7}",
                "published": "2026-02-10",
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def unpacked_size(path: Path) -> int:
    if path.suffix != ".gz":
        return path.stat().st_size
    size = 0
    with gzip.open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            size += len(chunk)
    return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=Path, help="a real .jsonl or .jsonl.gz to ingest")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        for mib in (10, 25, 50):
            path = text_file(folder, mib)
            report(f"text file, one {mib} MiB line", path, path.stat().st_size)
            path.unlink()
        for lines in (12_500, 25_000, 50_000):
            for packed in (False, True):
                path = jsonl_file(folder, lines, packed)
                kind = "jsonl.gz" if packed else "jsonl"
                report(f"{kind}, {lines:,} lines", path, unpacked_size(path))
                path.unlink()
        if args.pool:
            report(f"{args.pool.name}", args.pool, unpacked_size(args.pool))
            if args.pool.suffix == ".gz":
                plain = folder / args.pool.name.removesuffix(".gz")
                with gzip.open(args.pool, "rb") as src, open(plain, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                report(f"{plain.name} (unpacked)", plain, plain.stat().st_size)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"(python {sys.version.split()[0]}, {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
