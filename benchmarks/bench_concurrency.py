"""Stories sent concurrently to a slow, sometimes rate-limiting local endpoint.

    python benchmarks/bench_concurrency.py [--stories 20] [--concurrency 5] [--latency 1.0]
                                           [--rate-limited 0.2] [--retry-after 0.2]

Runs `brief make` (the real pipeline and openai client) on N one-article stories against
the OpenAI-protocol test server on 127.0.0.1, which sleeps --latency seconds per call.
Prints the wall time of the story phase (first call sent to last story done) against
the ideal ceil(N / concurrency) x latency (goal: at most 1.1x), then the same run with
a share of calls answered 429 + Retry-After (goal: every story completes).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from fake_openai import FakeOpenAI, Reply, Status  # noqa: E402
from llm_answers import answering  # noqa: E402

from briefing import config  # noqa: E402
from briefing.pipeline import MakeOptions, make  # noqa: E402

SYLLABLES = "ka lo mi ru te zan vor pel dus qui nar bex tol fim gar hob".split()


def _word(n: int) -> str:
    """A made-up word unique to n, so each story has its own vocabulary."""
    out = ""
    for _ in range(3):
        n, r = divmod(n, len(SYLLABLES))
        out += SYLLABLES[r]
    return out


def write_inputs(folder: Path, stories: int) -> Path:
    path = folder / "news.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(stories):
            a, b, c, d = (_word(i * 4 + k + 1) for k in range(4))
            text = (
                f"{a.title()} {b} {c} {d} {a} {b}. {c.title()} {d} {a} {b} {c} {d}, "
                f"{a} {c} {d} {b}."
            )
            out.write(
                json.dumps(
                    {
                        "id": f"n{i}",
                        "title": f"{a.title()} {b} {c}",
                        "text": text,
                        "lang": "en",
                        "published": "2026-03-03",
                    }
                )
                + "\n"
            )
    return path


def run(inputs: Path, data_dir: Path, server: FakeOpenAI, concurrency: int) -> tuple[float, int]:
    os.environ["OPENAI_BASE_URL"] = server.base_url
    os.environ["BRIEF_DATA_DIR"] = str(data_dir)
    settings = config.load(None, {"concurrency": concurrency, "max_attempts": 8})
    marks: dict[int, float] = {}

    def progress(what: str, done: int, total: int) -> None:
        if what == "stories" and done in (0, total):
            marks[done] = time.monotonic()

    result = make(
        MakeOptions(
            paths=(str(inputs),),
            out_dir=str(data_dir / "out"),
            formats=("json",),
            today=date(2026, 3, 4),
            settings=settings,
            use_cache=False,
        ),
        progress=progress,
    )
    ok = sum(1 for d in result.briefing.stories if d.status == "ok")
    return marks[len(result.briefing.stories)] - marks[0], ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=5)
    parser.add_argument("--latency", type=float, default=1.0)
    parser.add_argument("--rate-limited", type=float, default=0.2)
    parser.add_argument("--retry-after", type=float, default=0.2)
    args = parser.parse_args()
    ideal = math.ceil(args.stories / args.concurrency) * args.latency
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        inputs = write_inputs(folder, args.stories)
        with FakeOpenAI(default=answering, latency=args.latency) as server:
            wall, ok = run(inputs, folder / "a", server, args.concurrency)
        print(
            f"{args.stories} stories, concurrency {args.concurrency}, {args.latency}s per call:"
            f" {wall:.2f}s (ideal {ideal:.1f}s, {wall / ideal:.2f}x); {ok} ok"
        )

        counter = itertools.count()
        lock = threading.Lock()
        every = max(1, round(1 / args.rate_limited)) if args.rate_limited else 0

        def limited(body: dict) -> Reply | Status:
            with lock:
                n = next(counter)
            if every and n % every == 0:
                return Status(429, {"Retry-After": str(args.retry_after)})
            return answering(body)

        with FakeOpenAI(default=limited, latency=args.latency) as server:
            wall, ok = run(inputs, folder / "b", server, args.concurrency)
            refused = sum(1 for i in range(len(server.requests)) if every and i % every == 0)
        print(
            f"same with {args.rate_limited:.0%} of calls answered 429 (Retry-After "
            f"{args.retry_after}s): {wall:.2f}s; {ok}/{args.stories} stories ok; "
            f"{len(server.requests)} requests, {refused} refused"
        )


if __name__ == "__main__":
    main()
