"""How fast `brief make` gives up on an endpoint that cannot answer.

51 unrelated stories (made-up English articles) are sent, through the real CLI, to:

- a port where nothing listens (connection refused);
- a server answering every request with HTTP 500;
- a server answering 200 with an HTML error page (a proxy's);
- a hung server (accepts, never answers), with ``timeout = 5`` and
  ``max_retry_seconds = 12`` so that the run ends in seconds.

Prints, per case: the exit code, requests the server saw, wall-clock seconds, and the
lines of stderr. Default settings otherwise (5 attempts per call, circuit breaker 5,
concurrency 4).

    python benchmarks/bench_dead_endpoint.py
"""

from __future__ import annotations

import hashlib
import json
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fake_openai import FakeOpenAI, Raw, Reply, Status  # noqa: E402

STORIES = 51


def articles(folder: Path) -> Path:
    def word(story: int, k: int) -> str:
        digest = hashlib.sha256(f"{story}-{k}".encode()).hexdigest()
        return "".join(chr(ord("a") + int(digest[i : i + 2], 16) % 26) for i in range(0, 14, 2))

    lines = []
    for i in range(STORIES):
        w = [word(i, k) for k in range(10)]
        for j in range(2):
            text = (
                f"Officials in {w[0].title()} said the {w[1]} {w[2]} affected {100 + i} people "
                f"on Monday. The {w[3]} {w[4]} response continues with {w[5]} teams and "
                f"{w[6]} crews. Residents of {w[7].title()} described the {w[8]} as {w[9]}."
            )
            record = {"id": f"s{i}a{j}", "title": f"{w[0].title()} {w[1]} report {j}",
                      "text": text, "source": f"Outlet {j}", "lang": "en",
                      "published": "2026-03-03"}  # fmt: skip
            lines.append(json.dumps(record))
    path = folder / "news.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def run(label: str, source: Path, base_url: str, server: FakeOpenAI | None, toml: str) -> None:
    folder = source.parent
    config = folder / "brief.toml"
    config.write_text(toml)
    data = folder / f"data-{label.split()[0]}"
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "briefing.cli", "make", str(source), "-o", str(folder / "out"),
         "--format", "md", "--base-url", base_url, "--config", str(config), "--no-cache"],
        capture_output=True, text=True, env={"BRIEF_DATA_DIR": str(data), "PATH": ""},
    )  # fmt: skip
    elapsed = time.monotonic() - started
    requests = len(server.requests) if server else "-"
    lines = len(done.stderr.strip().splitlines())
    print(
        f"{label:<26} exit {done.returncode}  requests {requests!s:>4}  "
        f"{elapsed:6.1f} s  stderr lines {lines}",
        flush=True,
    )


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-dead-"))
    source = articles(folder)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again at once: nothing listens there
    run("connection refused", source, f"http://127.0.0.1:{port}/v1", None, "")
    with FakeOpenAI(default=Status(500)) as srv:
        run("HTTP 500 to everything", source, srv.base_url, srv, "")
    page = Raw(b"<html><h1>502 Bad Gateway</h1></html>", content_type="text/html")
    with FakeOpenAI(default=lambda body: page) as srv:  # type: ignore[arg-type,return-value]
        run("HTML page with 200", source, srv.base_url, srv, "")
    with FakeOpenAI(default=Reply("{}"), latency=3600) as srv:
        run("hung (timeout 5, budget 12)", source, srv.base_url, srv,
            "[llm]\ntimeout = 5\nmax_retry_seconds = 12\n")  # fmt: skip


if __name__ == "__main__":
    main()
