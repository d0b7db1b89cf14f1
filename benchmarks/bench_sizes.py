"""Time and peak memory of `brief make` on the size classes that used to blow up.

    python benchmarks/bench_sizes.py [--quick]

Each case is generated in a temporary folder from the seed articles in ``fixtures/``
(shuffled sentences, numbers changed, so nothing is an exact copy unless meant to be)
and run through the real command line (``brief make --engine extractive --format
md,json``) in a child process, at two sizes ten times apart; the script prints the wall
time and peak resident memory of each run and the growth exponent between the two sizes
(1.0 is linear, 2.0 quadratic):

- one article of 1 MB and of 10 MB (issue 7: 15 s to over 120 s for 1-4 MB before);
- a JSONL file of 5,000 and of 50,000 short articles on made-up events (five articles
  an event, 28 days);
- 1,000 and 10,000 near-identical articles (the same text, one number changed), all
  published on one day (issue 7: 107 s and 3.8 GB for 10,000 before).

``--quick`` runs the smaller size of each only.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BRIEF = Path(sys.executable).parent / "brief"


def seed_sentences() -> list[str]:
    sentences: list[str] = []
    for path in sorted((ROOT / "fixtures").glob("*.txt")):
        body = path.read_text(encoding="utf-8").split("\n", 1)[1]
        sentences += [s.strip() for s in re.split(r"(?<=[.!?؟])\s+", body) if len(s.split()) > 6]
    return sentences


def vary(sentence: str, rng: random.Random) -> str:
    """The sentence with its numbers changed, and a number added."""
    changed = re.sub(r"\d+", lambda _: str(rng.randint(1, 999)), sentence)
    return f"{changed.rstrip('.')} ({rng.randint(1000, 99999)})."


def one_article(folder: Path, size: int, rng: random.Random) -> list[Path]:
    sentences = seed_sentences()
    lines, length = [], 0
    while length < size:
        paragraph = " ".join(vary(rng.choice(sentences), rng) for _ in range(4))
        lines.append(paragraph)
        length += len(paragraph.encode()) + 1
    path = folder / "long.txt"
    path.write_text("مقال طويل جدا للاختبار\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return [path]


def many_lines(folder: Path, count: int, rng: random.Random) -> list[Path]:
    """Short articles on made-up events, five articles an event, each event with its own
    words (Arabic letters) and a day of its own: a month's wire in one file."""
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    path = folder / "many.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for event in range(-(-count // 5)):
            words = ["".join(rng.choices(letters, k=rng.randint(3, 7))) for _ in range(40)]
            day = 1 + event % 28
            for variant in range(min(5, count - event * 5)):
                text = " ".join(
                    " ".join(rng.choices(words, k=12)) + f" {rng.randint(1, 999)}."
                    for _ in range(4)
                )
                record = {
                    "id": f"n{event}-{variant}",
                    "title": " ".join(rng.sample(words, 7)),
                    "text": text,
                    "source": f"outlet {variant}",
                    "published": f"2026-02-{day:02d}",
                }
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return [path]


def near_identical(folder: Path, count: int, rng: random.Random) -> list[Path]:
    sentences = seed_sentences()[:8]
    path = folder / "same.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            record = {
                "id": f"s{i}",
                "title": f"اجتماع التحالف الدولي رقم {i}",
                "text": " ".join(sentences) + f" العدد {i}.",
                "source": f"outlet {i % 50}",
                "published": "2026-02-10",
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return [path]


CASES = {
    "one article (bytes)": (one_article, 1_000_000, 10_000_000),
    "JSONL lines": (many_lines, 5_000, 50_000),
    "near-identical articles": (near_identical, 1_000, 10_000),
}


def run(paths: list[Path], out: Path) -> tuple[float, float, int]:
    """Wall seconds, peak MiB and exit code of one `brief make` in a child process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "BRIEF_"))}
    env["BRIEF_DATA_DIR"] = str(out / "data")
    command = [str(BRIEF), "make", *map(str, paths), "-o", str(out), "-q"]
    command += ["--engine", "extractive", "--format", "md,json"]
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the smaller size of each only")
    args = parser.parse_args()
    print(f"{'case':<26} {'size':>11} {'time':>8} {'peak':>10}  exit")
    for name, (make_input, small, large) in CASES.items():
        results = []
        for size in (small,) if args.quick else (small, large):
            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp)
                paths = make_input(folder, size, random.Random(size))
                elapsed, peak, code = run(paths, folder / "out")
            results.append((size, elapsed, peak))
            print(f"{name:<26} {size:>11,} {elapsed:>7.1f}s {peak:>7.0f} MiB  {code}", flush=True)
        if len(results) == 2:
            (s1, t1, m1), (s2, t2, m2) = results
            growth = math.log(s2 / s1)
            print(
                f"{'':<26} exponent: time {math.log(t2 / t1) / growth:.2f}, "
                f"memory {math.log(m2 / m1) / growth:.2f}"
            )


if __name__ == "__main__":
    main()
