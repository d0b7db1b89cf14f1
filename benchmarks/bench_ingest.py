"""Ingest alone, at size: time and peak memory for large inputs, to show it is linear.

Each case runs in a fresh subprocess (so peak RSS is its own) on files this script makes
in a temp folder:

- a single-line text file of 10, 25 and 50 MiB (an article with no line breaks);
- JSONL of 12,500, 25,000 and 50,000 lines, plain and gzipped;
- with ``--pool PATH`` (e.g. ../shared/data/ant_pool_31k.jsonl.gz, 95 MB unpacked),
  that file as given and unpacked to plain JSONL.

    python benchmarks/bench_ingest.py [--pool ../shared/data/ant_pool_31k.jsonl.gz]

Prints one line per case: size, articles, seconds, seconds per MB, peak RSS.

Side by side with another tree (a checkout of an older commit), on one input:

    python benchmarks/bench_ingest.py --pool PATH --old OLD_TREE [--rounds 5]

runs ``ingest`` on PATH under each tree in turn, in fresh subprocesses (``PYTHONPATH``
set to the tree), and prints for each the best and median seconds, then the ratio; also
the time of ``safety.mask_secrets``, ``clean_text`` and ``safe_text`` over the five text
fields of every record, and a sha256 of the ``repr`` of the whole result (articles,
inputs, problems), which must be the same under both trees.
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


_SIDE = """
import gzip, hashlib, json, sys, time
import briefing
from briefing import safety
from briefing.sources.ingest import ingest
assert briefing.__file__.startswith(sys.argv[2]), briefing.__file__
path = sys.argv[1]
started = time.perf_counter()
result = ingest([path])
elapsed = time.perf_counter() - started
digest = hashlib.sha256(repr(result).encode("utf-8", "surrogatepass")).hexdigest()
opener = gzip.open if path.endswith(".gz") else open
fields = []
with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
    for line in handle:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            fields += [v for k in ("id", "title", "text", "source", "url")
                       if isinstance(v := record.get(k), str)]
timings = {}
for name in ("mask_secrets", "clean_text", "safe_text"):
    function = getattr(safety, name)
    started = time.perf_counter()
    for value in fields:
        function(value)
    timings[name] = time.perf_counter() - started
print(json.dumps({"ingest": elapsed, "digest": digest, "articles": len(result.articles),
                  "problems": len(result.problems), **timings}))
"""


def side_by_side(path: Path, old: Path, rounds: int) -> None:
    """``ingest`` of ``path`` under this tree and ``old``, alternating, in fresh processes."""
    import statistics

    trees = {"this tree": Path(__file__).resolve().parent.parent, "old tree": old.resolve()}
    runs: dict[str, list[dict]] = {label: [] for label in trees}
    for _ in range(rounds):
        for label, tree in trees.items():
            out = subprocess.run(
                [sys.executable, "-c", _SIDE, str(path.resolve()), str(tree)],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, "PYTHONPATH": str(tree)},
                cwd=tree,  # "-c" puts the working folder first on the path
            )
            runs[label].append(json.loads(out.stdout))
    for label, found in runs.items():
        print(f"{label}: {found[0]['articles']} articles, {found[0]['problems']} problems, "
              f"result sha256 {found[0]['digest'][:16]}")  # fmt: skip
        for key in ("ingest", "mask_secrets", "clean_text", "safe_text"):
            times = [run[key] for run in found]
            print(f"  {key:<13} best {min(times):6.3f} s  median {statistics.median(times):6.3f} s")
    new, before = runs["this tree"], runs["old tree"]
    for key in ("ingest", "mask_secrets", "clean_text", "safe_text"):
        ratio = statistics.median(r[key] for r in before) / statistics.median(r[key] for r in new)
        print(f"{key}: {ratio:.2f}x faster (median of {rounds} alternating runs)")
    same = {r["digest"] for r in new} == {r["digest"] for r in before} and len(
        {r["digest"] for r in new}
    ) == 1
    print("results identical" if same else "RESULTS DIFFER")


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
    parser.add_argument("--old", type=Path, help="another tree: compare ingest of --pool")
    parser.add_argument("--rounds", type=int, default=5, help="runs per tree with --old")
    args = parser.parse_args()
    if args.old:
        if not args.pool:
            parser.error("--old needs --pool")
        side_by_side(args.pool, args.old, args.rounds)
        return
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
