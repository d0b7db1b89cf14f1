"""Time and memory of the pipeline from 1,000 to 30,000 real articles.

    python benchmarks/bench_scale.py ../shared/data/ant_pool_31k.jsonl.gz \\
        [--sizes 1000,3000,10000,30974] [--formats md,json] [--old ../old-tree] [--one-day]

For each size, the first N articles of the file are written to one JSONL file in a
temporary folder (streamed by ingest: the 31k pool is one 95 MB file). Then, each in a
fresh child process:

- **stories**: ingest -> clean -> dedup -> group -> merge, called stage by stage as the
  pipeline calls them (the cycle collector paused, the per-article pass in worker
  processes from 4,000 articles; a tree without the pass, the pause or the merge is run
  the way it ran), with the time of each stage and a digest of the duplicates and
  stories (to compare two trees);
- **make**: the whole offline briefing through the command line (``brief make
  --engine extractive --format FORMATS``), wall time and peak resident memory.

At the end it prints the exponents of time and memory against the number of articles
(least squares on the log-log points; 1.0 is linear). ``--old DIR`` runs the same
measurements with the ``briefing`` package of another tree (e.g. ``git archive main``
unpacked in a folder) and prints the ratios side by side. ``--one-day`` also times
grouping with every article dated the same day (the quadratic case of issue 9).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PART_LINES = 1 << 30  # one file

CHILD = r"""
import hashlib, json, resource, sys, time
from dataclasses import replace
from datetime import date
from briefing.sources import clean, ingest
from briefing.stories import dedup, group

folder, one_day = sys.argv[1], sys.argv[2] == "1"
try:  # as the pipeline does: the cycle collector paused from ingest to the stories
    from briefing.pipeline.parallel import without_cycle_collection
    without_cycle_collection().__enter__()
except ImportError:  # a tree without it
    pass
times = {}
start = time.perf_counter()
read = ingest.ingest([folder]); times["ingest"] = time.perf_counter() - start
mark = time.perf_counter()
features = merging = None
try:  # as the pipeline does: one pass per article, in worker processes for large piles
    from functools import partial
    from briefing.pipeline.parallel import map_chunks
    from briefing.pipeline.prepare import prepare
    prepared = map_chunks(partial(prepare, reference=date(2018, 11, 1)), read.articles)
    times["clean"] = time.perf_counter() - mark; mark = time.perf_counter()
    deduped = dedup.dedup(tuple(p.article for p in prepared), [p.print for p in prepared])
    kept = {id(a) for a in deduped.articles}
    survivors = [p for p in prepared if id(p.article) in kept]
    articles = tuple(p.screened for p in survivors)
    features = [p.features for p in survivors]
    merging = {a.id: p.merging for a, p in zip(articles, survivors) if hasattr(p, "merging")}
except ImportError:  # a tree without it
    try:
        from functools import partial
        from briefing.pipeline.parallel import map_chunks
        cleaning = partial(clean.clean, reference=date(2018, 11, 1))
        cleaned = tuple(map_chunks(cleaning, read.articles))
    except ImportError:
        cleaned = clean.clean(read.articles, reference=date(2018, 11, 1))
    times["clean"] = time.perf_counter() - mark; mark = time.perf_counter()
    deduped = dedup.dedup(cleaned)
    articles = deduped.articles
times["dedup"] = time.perf_counter() - mark
mark = time.perf_counter()
if one_day:
    articles = tuple(replace(a, published="2018-05-01") for a in articles)
stories = group.group(articles, features) if features else group.group(articles)
times["group"] = time.perf_counter() - mark; mark = time.perf_counter()
try:  # the second pass, where the tree has it
    from briefing.stories import merge
    stories = merge.merge(articles, stories, found=merging) if merging else merge.merge(
        articles, stories)
except ImportError:
    pass
times["merge"] = time.perf_counter() - mark
times["stories"] = time.perf_counter() - start
digest = hashlib.sha256(json.dumps([
    [[d.dropped.id, d.kept_id, d.similarity] for d in deduped.duplicates],
    [[a.id for a in s.articles] for s in stories],
]).encode()).hexdigest()[:12]
import briefing
print(json.dumps({"tree": briefing.__file__, "times": times, "articles": len(read.articles),
    "stories": len(stories),
    "duplicates": len(deduped.duplicates), "digest": digest,
    "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def write_parts(source: Path, count: int, folder: Path) -> int:
    """The first ``count`` lines of ``source`` as JSONL files of PART_LINES lines."""
    opener = gzip.open if source.suffix == ".gz" else open
    written = 0
    part = None
    with opener(source, "rt", encoding="utf-8") as lines:
        for line in lines:
            if written >= count:
                break
            if not line.strip():
                continue
            if written % PART_LINES == 0:
                if part:
                    part.close()
                part = (folder / f"part{written // PART_LINES:03d}.jsonl").open("w")
            part.write(line)
            written += 1
    if part:
        part.close()
    return written


def environment(tree: Path | None, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "BRIEF_"))}
    env["BRIEF_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = str(tree or ROOT)
    return env


def run_child(command: list[str], env: dict[str, str], cwd: Path) -> tuple[str, float, float]:
    """stdout, wall seconds and peak MiB of a child process. It runs in ``cwd``, away
    from any checkout: ``python -c`` puts the working folder first on the import path,
    which would shadow the tree that PYTHONPATH names."""
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True, cwd=cwd)
    out = child.stdout.read() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 3):
        raise SystemExit(f"failed: {' '.join(command)}")
    return out, time.perf_counter() - start, usage.ru_maxrss / 1024


def measure(folder: Path, tree: Path | None, formats: str, one_day: bool) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env = environment(tree, Path(tmp) / "data")
        out, _, _ = run_child([sys.executable, "-c", CHILD, str(folder), "0"], env, Path(tmp))
        result = json.loads(out)
        if one_day:
            out, _, _ = run_child([sys.executable, "-c", CHILD, str(folder), "1"], env, Path(tmp))
            day = json.loads(out)
            grouping = day["times"]["group"] + day["times"].get("merge", 0.0)
            result["one_day"] = {"group": grouping, "peak_mib": day["peak_mib"]}
        command = [sys.executable, "-c", "from briefing.cli import main; main()", "make"]
        command += [str(folder), "-o", str(Path(tmp) / "out"), "-q", "--engine", "extractive"]
        command += ["--format", formats]
        _, elapsed, peak = run_child(command, env, Path(tmp))
        result["make"] = {"seconds": elapsed, "peak_mib": peak}
    return result


def exponent(sizes: list[int], values: list[float]) -> float:
    xs = [math.log(s) for s in sizes]
    ys = [math.log(v) for v in values]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def line(label: str, r: dict) -> str:
    t = r["times"]
    text = (
        f"{label:<5} {r['articles']:>6,} art  stories {t['stories']:6.1f}s "
        f"(ingest {t['ingest']:.1f} clean {t['clean']:.1f} dedup {t['dedup']:.1f} "
        f"group {t['group']:.1f} merge {t.get('merge', 0):.1f})  make {r['make']['seconds']:6.1f}s "
        f"{r['make']['peak_mib']:6.0f} MiB  {r['stories']:,} stories "
        f"{r['duplicates']} dup  [{r['digest']}]  ({Path(r['tree']).parent.parent})"
    )
    if "one_day" in r:
        text += f"  one day: group {r['one_day']['group']:.1f}s {r['one_day']['peak_mib']:.0f} MiB"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="a JSONL(.gz) of articles, e.g. ant_pool_31k")
    parser.add_argument("--sizes", default="1000,3000,10000,30974")
    parser.add_argument("--formats", default="md,json", help="formats for the whole run")
    parser.add_argument("--old", type=Path, help="another tree to compare with, side by side")
    parser.add_argument("--one-day", action="store_true", help="also group all on one day")
    args = parser.parse_args()
    sizes, new, old = [], [], []
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "in"
            folder.mkdir()
            size = write_parts(args.data, size, folder)
            sizes.append(size)
            new.append(measure(folder, None, args.formats, args.one_day))
            print(line("new", new[-1]), flush=True)
            if args.old:
                old.append(measure(folder, args.old, args.formats, args.one_day))
                print(line("old", old[-1]), flush=True)
                same = "same" if old[-1]["digest"] == new[-1]["digest"] else "DIFFERENT"
                ratio = old[-1]["times"]["stories"] / new[-1]["times"]["stories"]
                whole = old[-1]["make"]["seconds"] / new[-1]["make"]["seconds"]
                print(f"      old/new: stories {ratio:.1f}x, make {whole:.1f}x; output {same}")
    if len(sizes) > 1:
        for label, results in (("new", new), ("old", old)):
            if not results:
                continue
            print(
                f"{label}: exponents from {sizes[0]:,} to {sizes[-1]:,} articles: "
                f"stories time {exponent(sizes, [r['times']['stories'] for r in results]):.2f}, "
                f"make time {exponent(sizes, [r['make']['seconds'] for r in results]):.2f}, "
                f"make memory {exponent(sizes, [r['make']['peak_mib'] for r in results]):.2f}"
            )
    digest = hashlib.sha256(json.dumps([r["digest"] for r in new]).encode()).hexdigest()[:12]
    print(f"digest of all sizes: {digest}")


if __name__ == "__main__":
    main()
