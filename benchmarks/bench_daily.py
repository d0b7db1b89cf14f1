"""The daily job against 50 local feeds x 50 abstract-only items, pages served too.

    python benchmarks/bench_daily.py ../shared/data/ant_pool_10k.jsonl.gz
           [--feeds 50] [--items 50] [--engine llm|extractive]

Serves --feeds RSS feeds on 127.0.0.1 (each with an ETag), each carrying --items real
articles as abstracts (their first 30 words) and linking to the article's page, and runs
`brief run` twice, as cron would (a subprocess, a fresh data directory). With
--engine llm (default) the local OpenAI-protocol test server answers every story.

First run: wall time, HTTP requests, pages fetched, articles, stories, LLM calls.
Second run (the feeds unchanged): goal every feed answered 304, 0 pages fetched, no new
briefing, 0 LLM calls.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fake_openai import FakeOpenAI  # noqa: E402
from feed_server import FeedServer, Reply, page, rss  # noqa: E402
from llm_answers import answering  # noqa: E402


def load(path: Path, wanted: int) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    found = []
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if len((record.get("text") or "").split()) >= 80 and record.get("title"):
                found.append(record)
            if len(found) == wanted:
                break
    if len(found) < wanted:
        raise SystemExit(f"{path} has only {len(found)} articles of 80 words or more")
    return found


def serve(server: FeedServer, articles: list[dict], feeds: int, items: int) -> list[str]:
    urls = []
    for f in range(feeds):
        entries = []
        for i in range(items):
            record = articles[f * items + i]
            link = server.route(
                f"/site{f}/news/{i}.html",
                Reply(page(record["title"], [p for p in record["text"].split("\n") if p.strip()])),
            )
            entries.append(
                {
                    "title": record["title"],
                    "link": link,
                    "guid": link,
                    "description": " ".join(record["text"].split()[:30]),
                    "pubDate": "Sat, 17 Mar 2018 08:00:00 +0300",
                }
            )
        urls.append(
            server.route(
                f"/site{f}/rss.xml",
                Reply(rss(entries, title=f"Outlet {f}"), "application/rss+xml", etag=f'"f{f}"'),
            )
        )
    return urls


def run(folder: Path, env: dict[str, str]) -> tuple[float, int, dict]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "briefing.cli", "run", "--config", str(folder / "brief.toml"), "-q"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    status = json.loads((folder / "out" / "status.json").read_text(encoding="utf-8"))
    if done.returncode not in (0, 3):
        sys.stderr.write(done.stderr)
    return elapsed, done.returncode, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="a JSONL(.gz) of articles, e.g. ant_pool_10k")
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--engine", choices=["llm", "extractive"], default="llm")
    args = parser.parse_args()

    articles = load(args.data, args.feeds * args.items)
    folder = Path(tempfile.mkdtemp(prefix="bench-daily-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "BRIEF_"))}
    env["BRIEF_DATA_DIR"] = str(folder / "data")
    with FeedServer() as server, FakeOpenAI(default=answering) as llm:
        feeds = serve(server, articles, args.feeds, args.items)
        (folder / "brief.toml").write_text(
            f'output = "out"\nformats = ["md", "docx", "json"]\nengine = "{args.engine}"\n'
            f"[llm]\nconcurrency = 8\n[sources]\nfeeds = {json.dumps(feeds)}\n",
            encoding="utf-8",
        )
        if args.engine == "llm":
            env["OPENAI_BASE_URL"] = llm.base_url
        for label in ("first run", "second run"):
            before_http, before_llm = len(server.requests), len(llm.requests)
            elapsed, code, status = run(folder, env)
            c = status["counts"]
            print(
                f"{label}: {elapsed:.1f} s, exit {code}, outcome {status['outcome']}; "
                f"{len(server.requests) - before_http} HTTP requests; feeds "
                f"{c['feeds_ok']} read / {c['feeds_not_modified']} answered 304 / "
                f"{c['feeds_failed']} failed; {c['pages_fetched']} pages fetched; "
                f"{c['articles_new']} new articles; {c['stories']} stories; "
                f"{len(llm.requests) - before_llm} LLM requests (status: {c['llm_calls']}); "
                f"new files: {len(status['files'])}; seconds by phase: {status['seconds']}"
            )
    print(f"(work folder: {folder})")


if __name__ == "__main__":
    main()
