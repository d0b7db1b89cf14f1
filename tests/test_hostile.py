"""Hostile inputs and a flaky world, through the real `brief` command in a subprocess:
nothing lost, nothing leaked, no traceback, a dead endpoint given up on in seconds.

Each class of issue 7 is covered by a mechanism, so these cases are examples of it, not
a list of fixes: unreadable, missing and special paths; bad bytes and other encodings;
our own previous outputs; keys, bidi controls and dangerous URLs reaching every output
format; malformed 200s, a dead and a hung endpoint; a corrupt, read-only or locked
cache; bad config values; a closed or full stdout; Ctrl-C; leftover temp files, two runs
on one folder and a full disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_openai import FakeOpenAI, Raw, Reply, Status
from llm_answers import answering, ids_in, overview_answer, story_answer

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
KEY = "sk-proj-" + "Zq8Lm3Np5Rt7Vx9Bd2Fh4Jk6Mn8Pq0St2Uv4Wx6Yz8" * 2
RLO, LRE, ZWSP = "\u202e", "\u202a", "\u200b"
FORMATS = ("md", "json", "html", "docx")


def brief(
    *args: str,
    cwd: Path | None = None,
    unprivileged: bool = False,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """The real CLI. ``unprivileged``: without the root capability to read anything, so
    that a mode-000 file is unreadable even when the tests run as root."""
    command = [sys.executable, "-m", "briefing.cli", *args]
    if unprivileged and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot make a file unreadable")
        command = [setpriv, "--bounding-set=-dac_override,-dac_read_search", *command]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd or ROOT, timeout=timeout)


def no_traceback(run: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in run.stderr, run.stderr


def outputs(folder: Path) -> dict[str, str]:
    """Every briefing format in ``folder`` as text (the .docx as its XML parts)."""
    found = {}
    for path in folder.glob("briefing-*"):
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as archive:
                found["docx"] = "".join(
                    archive.read(n).decode("utf-8")
                    for n in archive.namelist()
                    if n.endswith(".xml")
                )
        else:
            found[path.suffix[1:]] = path.read_text(encoding="utf-8")
    return found


def jsonl(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    return path


def english(n: int, **extra: str) -> list[dict]:
    """``n`` unrelated English stories, two articles each (made-up place and thing names,
    so that no two stories share their words)."""

    def word(story: int, k: int) -> str:
        digest = hashlib.sha256(f"{story}-{k}".encode()).hexdigest()
        return "".join(chr(ord("a") + int(digest[i : i + 2], 16) % 26) for i in range(0, 14, 2))

    records = []
    for i in range(n):
        w = [word(i, k) for k in range(10)]
        for j in range(2):
            text = (
                f"Officials in {w[0].title()} said the {w[1]} {w[2]} affected {100 + i} people "
                f"on Monday. The {w[3]} {w[4]} response continues with {w[5]} teams and "
                f"{w[6]} crews. Residents of {w[7].title()} described the {w[8]} as {w[9]}."
            )
            if j:
                text = text.replace("Officials in", "Authorities in").replace(
                    "Residents of", "People in"
                )
            records.append(
                {
                    "id": f"s{i}a{j}",
                    "title": f"{w[0].title()} {w[1]} {w[2]} report {j}",
                    "text": text,
                    "source": f"Outlet {j}",
                    "lang": "en",
                    "published": "2026-03-03",
                    **extra,
                }
            )
    return records


@pytest.fixture
def llm_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    with FakeOpenAI(default=answering) as srv:
        monkeypatch.setenv("OPENAI_BASE_URL", srv.base_url)
        yield srv


def settings(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "brief.toml"
    path.write_text(text)
    return path


# --- paths ------------------------------------------------------------------------------


def test_path_problems_on_the_command_line_and_in_folders_are_warnings(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    shutil.copytree(FIXTURES, inbox)
    secret = inbox / "secret.txt"
    secret.write_text("Secret title\nSecret body.\n")
    locked = inbox / "locked"
    locked.mkdir()
    (locked / "inner.txt").write_text("Inner\nbody\n")
    os.mkfifo(inbox / "pipe.txt")
    (inbox / "loop.txt").symlink_to("loop.txt")
    os.chmod(secret, 0)
    os.chmod(locked, 0)
    try:
        run = brief(
            "make", str(secret), str(inbox), str(tmp_path / "missing.txt"), "/dev/null",
            "-o", str(tmp_path / "out"), "--format", "json", unprivileged=True,
        )  # fmt: skip
    finally:
        os.chmod(secret, 0o644)
        os.chmod(locked, 0o755)
    no_traceback(run)
    assert run.returncode == 0, run.stderr
    data = json.loads((tmp_path / "out" / "briefing-2026-02-10.json").read_text())
    assert len(data["sources"]) == 5  # every good article is in the briefing
    for needle in ("secret.txt: cannot be read (permission denied)",
                   "locked: is a folder that cannot be read", "pipe.txt: is a named pipe",
                   "loop.txt: is a symbolic link loop", "missing.txt: does not exist",
                   "/dev/null: is a device"):  # fmt: skip
        assert needle in run.stderr


def test_a_run_never_reads_its_own_briefings_unless_asked(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    shutil.copytree(FIXTURES, inbox)
    formats = ",".join(FORMATS)
    first = brief("make", ".", "-o", ".", "--format", formats, cwd=inbox)
    second = brief("make", ".", "-o", ".", "--format", formats, cwd=inbox)
    assert first.returncode == second.returncode == 0, second.stderr
    data = json.loads((inbox / "briefing-2026-02-10.json").read_text())
    assert len(data["sources"]) == 5
    assert all("briefing-" not in s["origin"] for s in data["sources"])
    assert second.stderr.count("briefings brief wrote") == 1  # one note for the four
    assert "4 briefings brief wrote (briefing-2026-02-10.docx, " in second.stderr
    asked = brief("make", ".", "-o", "-", "--format", "json", "--include-briefings", cwd=inbox)
    assert asked.returncode == 0 and "brief wrote" not in asked.stderr
    assert any("briefing-" in s["origin"] for s in json.loads(asked.stdout)["sources"])


def test_names_cannot_forge_stderr_lines_or_reorder_outputs(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    forged = "evil\nbrief: error: every story failed; forged"
    (inbox / f"{forged}.txt").write_text("A title\nA body that says little.\n")
    (inbox / f"rlo{RLO}txt.exe.txt").write_text("Another title\nAnother body.\n")
    (inbox / f"bad{RLO}.bin").write_bytes(b"x")  # an unsupported file: named on stderr
    out = tmp_path / "out"
    run = brief("make", str(inbox), "-o", str(out), "--format", ",".join(FORMATS))
    no_traceback(run)
    assert run.returncode == 0
    lines = run.stderr.splitlines()
    assert not any(line.startswith("brief: error: every story failed") for line in lines)
    assert RLO not in run.stderr and "\\u202e" in run.stderr
    for fmt, text in outputs(out).items():
        assert RLO not in text and forged not in text, fmt


# --- decoding ---------------------------------------------------------------------------


def test_bad_bytes_utf16_and_code_pages_are_read_honestly(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    seed = (FIXTURES / "001_c906e32e1feae5cb.txt").read_text(encoding="utf-8")
    cut = len(seed[:300].encode())
    damaged = seed[:300].encode() + b"\xff\xfe\xfd" + seed[300:].encode()
    (inbox / "damaged.txt").write_bytes(damaged)
    text = (FIXTURES / "002_1a6195f92fcee924.txt").read_text(encoding="utf-8")
    (inbox / "utf16.txt").write_bytes(text.encode("utf-16-le"))
    legacy = "".join(ch for ch in (FIXTURES / "003_78b0ee22b5934dd2.txt").read_text() if
                     ch.encode("cp1256", "ignore"))  # fmt: skip
    (inbox / "cp1256.txt").write_bytes(legacy.encode("cp1256"))
    run = brief("make", str(inbox), "-o", "-", "--format", "json")
    no_traceback(run)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert len(data["sources"]) == 3
    everything = json.dumps(data, ensure_ascii=False)
    assert "ط£ظƒ" not in everything and "ط§ظ„" not in everything  # no mojibake
    offsets = f"{cut}, {cut + 1}, {cut + 2}"
    assert f"damaged.txt: is UTF-8 with 3 invalid byte(s) at byte offset(s) {offsets}" in (
        run.stderr
    )
    assert "utf16.txt: is UTF-16 (little-endian) without a byte-order mark" in run.stderr
    assert "cp1256.txt: is not UTF-8; every byte of it reads as Windows-1256" in run.stderr


# --- what reaches the outputs -------------------------------------------------------------


def test_keys_bidi_controls_and_script_urls_never_reach_an_output(tmp_path: Path) -> None:
    records = english(2)
    records[0].update(
        title=f"Evil {RLO}title{LRE} with a key {KEY}",
        text=records[0]["text"] + f" The leaked key {KEY} was posted.{ZWSP}",
        source=f"Outlet{RLO} 0",
        url="javascript://%0Aalert(document.domain)",
    )
    records[1]["url"] = "JaVaScRiPt&#58;alert(1)"
    records[2]["url"] = "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="
    source = jsonl(tmp_path / "news.jsonl", records)
    out = tmp_path / "out"
    run = brief("make", str(source), "-o", str(out), "--format", ",".join(FORMATS), "-v")
    no_traceback(run)
    assert run.returncode == 0, run.stderr
    found = outputs(out)
    assert set(found) == set(FORMATS)
    for fmt, text in found.items():
        assert KEY not in text and KEY[:16] not in text, fmt
        assert RLO not in text and LRE not in text and ZWSP not in text, fmt
        lowered = text.lower()
        assert "](javascript" not in lowered and 'href="javascript' not in lowered, fmt
        assert "](data:" not in lowered and 'href="data:' not in lowered, fmt
    assert KEY[:16] not in run.stderr and RLO not in run.stderr


def test_a_key_in_the_models_answer_reaches_no_file_cache_or_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def leaky(body: dict) -> Reply:
        if "opening overview" in body["messages"][0]["content"]:
            return Reply(overview_answer(body))
        answer = json.loads(story_answer(ids_in(body)))
        answer["en"]["headline"] = f"Leaked {KEY} {RLO}headline"
        answer["en"]["key_points"][0]["text"] = f"The point mentions Bearer {KEY[3:40]}."
        return Reply(json.dumps(answer, ensure_ascii=False))

    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with FakeOpenAI(default=leaky) as srv:
        monkeypatch.setenv("OPENAI_BASE_URL", srv.base_url)
        source = jsonl(tmp_path / "news.jsonl", english(2))
        out = tmp_path / "out"
        run = brief("make", str(source), "-o", str(out), "--format", ",".join(FORMATS), "-vv")
    no_traceback(run)
    assert run.returncode == 0, run.stderr
    for fmt, text in outputs(out).items():
        assert KEY not in text and KEY[:16] not in text and KEY[3:40] not in text, fmt
        assert RLO not in text, fmt
    assert KEY[:12] not in run.stderr
    database = Path(os.environ["BRIEF_DATA_DIR"]) / "brief.sqlite3"
    with sqlite3.connect(database) as db:
        stored = " ".join(str(row) for row in db.execute("SELECT * FROM answers"))
        stored += " ".join(str(row) for row in db.execute("SELECT * FROM calls"))
    assert stored and KEY[:16] not in stored and KEY[3:40] not in stored


# --- the LLM path fails fast and clearly --------------------------------------------------


def test_a_malformed_200_is_retried_and_logged(tmp_path: Path, llm_env: FakeOpenAI) -> None:
    """An HTML error page served with 200 (a proxy's); the other malformed bodies are
    covered in test_llm.py, in-process."""
    llm_env.enqueue(Raw(b"<html><h1>502 Bad Gateway</h1></html>", content_type="text/html"))
    source = jsonl(tmp_path / "news.jsonl", english(1))
    run = brief("make", str(source), "-o", "-", "--format", "json", "-v")
    no_traceback(run)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["stories"][0]["status"] == "ok"
    assert "attempt 1 of 5" in run.stderr and "HTTP 200 with a body that is not" in run.stderr


def test_malformed_200s_until_the_end_fail_the_story_cleanly(tmp_path: Path) -> None:
    html = Raw(b"<html>Service Unavailable</html>", content_type="text/html")
    with FakeOpenAI(default=lambda body: html) as srv:  # type: ignore[arg-type,return-value]
        source = jsonl(tmp_path / "news.jsonl", english(1))
        toml = settings(tmp_path, "[llm]\nmax_attempts = 2\nmax_retry_seconds = 10\n")
        run = brief("make", str(source), "-o", str(tmp_path / "out"), "--format", "json",
                    "--base-url", srv.base_url, "--config", str(toml))  # fmt: skip
        requests = len(srv.requests)
    no_traceback(run)
    assert run.returncode == 3 and requests == 2
    assert "HTTP 200 with a body that is not a chat completion" in run.stderr


def test_a_dead_endpoint_is_given_up_on_in_seconds(tmp_path: Path) -> None:
    """Fourteen stories against an endpoint answering 500: the circuit breaker stops the
    run after a handful of requests, one message names the endpoint, the briefing is
    written and the exit code says every story failed."""
    with FakeOpenAI(default=Status(500)) as srv:
        source = jsonl(tmp_path / "news.jsonl", english(14))
        started = time.monotonic()
        url = srv.base_url
        run = brief("make", str(source), "-o", str(tmp_path / "out"), "--format", "md",
                    "--base-url", url)  # fmt: skip
        elapsed = time.monotonic() - started
        requests = len(srv.requests)
    no_traceback(run)
    assert run.returncode == 3, run.stderr
    assert (tmp_path / "out" / "briefing-2026-03-03.md").exists()
    assert requests <= 5 + 4  # the breaker's count, plus calls already in flight
    assert elapsed < 30
    assert run.stderr.count(url) <= 3
    assert run.stderr.count("failed 5 times in a row") == 1  # one message, naming it


def test_a_dead_endpoint_spares_the_stories_already_answered(tmp_path: Path) -> None:
    answers = iter(range(1000))

    def dies(body: dict) -> Reply | Status:
        return answering(body) if next(answers) < 2 else Status(503)

    with FakeOpenAI(default=dies) as srv:
        source = jsonl(tmp_path / "news.jsonl", english(8))
        toml = settings(tmp_path, "[llm]\nconcurrency = 1\ncircuit_breaker = 2\n")
        run = brief("make", str(source), "-o", "-", "--format", "json",
                    "--base-url", srv.base_url, "--config", str(toml))  # fmt: skip
    no_traceback(run)
    assert run.returncode == 0, run.stderr
    statuses = [s["status"] for s in json.loads(run.stdout)["stories"]]
    assert statuses.count("ok") == 2 and statuses.count("failed") == 6
    assert run.stderr.count("brief: error: stories ") == 1  # one note for the six stories


def test_a_hung_endpoint_stays_within_the_wall_clock_budget(tmp_path: Path) -> None:
    with FakeOpenAI(default=answering, latency=60) as srv:
        source = jsonl(tmp_path / "news.jsonl", english(1))
        toml = settings(tmp_path, "[llm]\ntimeout = 2\nmax_retry_seconds = 3\n")
        started = time.monotonic()
        run = brief("make", str(source), "-o", "-", "--format", "md",
                    "--base-url", srv.base_url, "--config", str(toml))  # fmt: skip
        elapsed = time.monotonic() - started
    no_traceback(run)
    assert run.returncode == 3
    assert elapsed < 3 + 20  # the budget, plus start-up and writing on a busy machine
    assert "APITimeoutError" in run.stderr


# --- the cache never costs an answer -------------------------------------------------------


def test_a_corrupt_cache_degrades_to_no_cache_with_one_warning(
    tmp_path: Path, llm_env: FakeOpenAI
) -> None:
    database = Path(os.environ["BRIEF_DATA_DIR"]) / "brief.sqlite3"
    database.parent.mkdir(parents=True)
    database.write_bytes(b"SQLite format 3\x00" + os.urandom(8000))
    source = jsonl(tmp_path / "news.jsonl", english(2))
    run = brief("make", str(source), "-o", "-", "--format", "json")
    no_traceback(run)
    assert run.returncode == 0, run.stderr
    assert all(s["status"] == "ok" for s in json.loads(run.stdout)["stories"])
    assert run.stderr.count("the answer cache") == 1


def test_a_read_only_cache_still_serves_the_answers_already_paid_for(tmp_path: Path) -> None:
    source = jsonl(tmp_path / "news.jsonl", english(2))
    with FakeOpenAI(default=answering) as srv:
        first = brief("make", str(source), "-o", "-", "--format", "json", "--base-url",
                      srv.base_url)  # fmt: skip
        assert first.returncode == 0, first.stderr
    folder = Path(os.environ["BRIEF_DATA_DIR"])
    database = folder / "brief.sqlite3"
    os.chmod(database, 0o444)
    os.chmod(folder, 0o555)
    try:
        with FakeOpenAI() as dead:  # answers 500 to anything: only the cache can help
            second = brief("make", str(source), "-o", "-", "--format", "json", "--base-url",
                           dead.base_url, unprivileged=True)  # fmt: skip
            sent = len(dead.requests)
    finally:
        os.chmod(folder, 0o755)
        os.chmod(database, 0o644)
    no_traceback(second)
    assert second.returncode == 0, second.stderr
    assert sent == 0
    assert all(s["status"] == "ok" for s in json.loads(second.stdout)["stories"])
    assert second.stderr.count("the answer cache") == 1


def test_a_cache_locked_by_another_process_costs_no_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import date

    from briefing import config
    from briefing.digest.cache import Store
    from briefing.pipeline import MakeOptions, make

    monkeypatch.setattr(Store, "BUSY_SECONDS", 0.2)
    database = Path(os.environ["BRIEF_DATA_DIR"]) / "brief.sqlite3"
    Store(database).close()
    holder = sqlite3.connect(database)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with FakeOpenAI(default=answering) as srv:
            monkeypatch.setenv("OPENAI_BASE_URL", srv.base_url)
            options = MakeOptions(
                paths=(str(jsonl(tmp_path / "news.jsonl", english(2))),),
                out_dir=str(tmp_path / "out"),
                formats=("json",),
                today=date(2026, 3, 4),
                settings=config.load(None, {}),
            )
            result = make(options)
    finally:
        holder.rollback()
        holder.close()
    assert result.briefing is not None
    assert all(d.status == "ok" for d in result.briefing.stories)


# --- config ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "toml, named",
    [
        ("llm = 5\n", "'llm' must be a table"),
        ("[llm]\ntimeout = inf\n", "'llm.timeout'"),
        ("[llm]\ntimeout = nan\n", "'llm.timeout'"),
        ("[llm]\ntimeout = 0\n", "'llm.timeout'"),
        ("[llm]\nmax_retry_seconds = -5\n", "'llm.max_retry_seconds'"),
        ("[llm]\nconcurrency = true\n", "'llm.concurrency'"),
        ("[llm]\ncircuit_breaker = 0\n", "'llm.circuit_breaker'"),
        ("[llm]\nmodel = 5\n", "'llm.model'"),
        ('[llm]\nbase_url = "localhost:8000"\n', "'llm.base_url'"),
        ('max_points = "many"\n', "'max_points'"),
        ('formats = "md"\n', "'formats'"),
        ('[prompts]\nstory = "latest"\n', "'prompts.story'"),
        ("[prompts]\nstory = 0\n", "'prompts.story'"),
        ("[llm\n", "cannot be read"),
    ],
)
def test_bad_config_values_name_the_key(tmp_path: Path, toml: str, named: str) -> None:
    path = settings(tmp_path, toml)
    run = brief("make", str(FIXTURES), "-o", str(tmp_path / "out"), "--config", str(path))
    no_traceback(run)
    assert run.returncode == 1
    assert named in run.stderr and len(run.stderr.strip().splitlines()) == 1


# --- stdout, Ctrl-C and exit codes -----------------------------------------------------------


@pytest.mark.parametrize("redirect", [">&-", "> /dev/full"])
def test_a_closed_or_full_stdout_is_one_line_and_exit_1(tmp_path: Path, redirect: str) -> None:
    if redirect.endswith("/dev/full") and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    command = (
        f"exec {sys.executable} -m briefing.cli make {FIXTURES} -o {tmp_path / 'out'} "
        f"--format md {redirect}"
    )
    run = subprocess.run(["sh", "-c", command], capture_output=False, stderr=subprocess.PIPE,
                         text=True, cwd=ROOT, timeout=120)  # fmt: skip
    assert run.returncode == 1
    assert "Traceback" not in run.stderr and "Exception ignored" not in run.stderr
    errors = [line for line in run.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and "stdout" in errors[0]


def test_a_closed_stderr_changes_nothing_else(tmp_path: Path) -> None:
    out = tmp_path / "out"
    command = (
        f"exec {sys.executable} -m briefing.cli make {FIXTURES} {tmp_path / 'missing'} "
        f"-o {out} 2>&-"
    )
    run = subprocess.run(["sh", "-c", command], capture_output=True, text=True, cwd=ROOT,
                         timeout=120)  # fmt: skip
    assert run.returncode == 0
    assert [Path(p).name for p in run.stdout.split()] == [
        "briefing-2026-02-10.md",
        "briefing-2026-02-10.docx",
    ]


def test_ctrl_c_exits_130_with_one_line(tmp_path: Path) -> None:
    with FakeOpenAI(default=answering, latency=30) as srv:
        source = jsonl(tmp_path / "news.jsonl", english(3))
        process = subprocess.Popen(
            [sys.executable, "-m", "briefing.cli", "make", str(source), "-o",
             str(tmp_path / "out"), "--base-url", srv.base_url],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not srv.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        assert srv.requests, "brief never called the endpoint"
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=20)
        elapsed = time.monotonic() - started
    assert process.returncode == 130
    assert elapsed < 5  # calls still in flight are not waited for
    assert "Traceback" not in stderr and "Aborted" not in stderr
    assert stderr.strip().splitlines()[-1].startswith("brief: interrupted")


def test_usage_errors_stay_exit_2() -> None:
    assert brief("make").returncode == 2
    assert brief("make", str(FIXTURES), "--format").returncode == 2
    assert brief("make", str(FIXTURES), "--concurrency", "0").returncode == 2


# --- files -----------------------------------------------------------------------------------


def test_leftover_temp_files_of_a_dead_run_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    leftover = out / ".briefing-2026-02-10.docx.k3j2h1.tmp"
    leftover.write_bytes(b"\0" * 2048)
    unrelated = out / ".notes.tmp"
    unrelated.write_text("mine")
    run = brief("make", str(FIXTURES), "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert not leftover.exists() and unrelated.exists()
    assert not list(out.glob(".briefing-*.tmp"))


def test_a_second_run_on_one_folder_exits_1_naming_the_holder(tmp_path: Path) -> None:
    from briefing.daily.lock import hold

    out = tmp_path / "out"
    with hold(out, command="brief daily (test)"):
        run = brief("make", str(FIXTURES), "-o", str(out))
    no_traceback(run)
    assert run.returncode == 1
    assert f"pid {os.getpid()}" in run.stderr and "brief daily (test)" in run.stderr
    assert not list(out.glob("briefing-*"))


def test_a_failed_write_replaces_no_file_of_the_previous_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second format's write fails (a full disk, simulated): the first format is not
    replaced either, and no temp file is left."""
    from briefing.errors import OutputError
    from briefing.render import output

    out = tmp_path / "out"
    previous = {f"briefing-2026-02-10.{fmt}": f"previous {fmt}".encode() for fmt in ("md", "json")}
    out.mkdir()
    for name, data in previous.items():
        (out / name).write_bytes(data)
    real = output._write_temp

    def full_disk(path: Path, data: bytes) -> str:
        if path.suffix == ".json":
            raise OSError(28, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(output, "_write_temp", full_disk)
    with pytest.raises(OutputError, match="No space left on device.*no file of this briefing"):
        output.write_all([(out / name, b"new") for name in previous])
    assert {p.name: p.read_bytes() for p in out.iterdir()} == previous


def test_a_full_disk_leaves_every_previous_file_as_it_was(tmp_path: Path) -> None:
    """On a real, small tmpfs (skipped where mounting is not allowed)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(disk)],
                             capture_output=True)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        out = disk / "out"
        first = brief("make", str(FIXTURES), "-o", str(out), "--format", "md,json")
        assert first.returncode == 0, first.stderr
        before = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
        for n in range(10_000):  # fill the disk to its last block
            try:
                with open(disk / f"filler{n}", "wb") as handle:
                    handle.write(b"\0" * 4096)
            except OSError:
                break
        second = brief("make", str(FIXTURES), "-o", str(out), "--format", "md,json,docx",
                       "--max-points", "2")  # fmt: skip
        no_traceback(second)
        assert second.returncode == 1 and "No space left on device" in second.stderr
        after = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
        assert after == before
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)


def test_a_password_in_the_endpoint_url_never_reaches_an_output(tmp_path: Path) -> None:
    """A key written into base_url's userinfo is masked in every file and the cache."""
    secret = "sk-proj-ABCDEFGHIJKLMNOPQRSTUVWX1234"
    with FakeOpenAI(default=Status(500)) as srv:
        url = srv.base_url.replace("http://", f"http://user:{secret}@")
        source = jsonl(tmp_path / "news.jsonl", english(1))
        toml = settings(tmp_path, f'[llm]\nbase_url = "{url}"\nmax_attempts = 1\n')
        run = brief("make", str(source), "-o", str(tmp_path / "out"), "--format",
                    "md,json,html", "--config", str(toml))  # fmt: skip
    no_traceback(run)
    written = b"".join(p.read_bytes() for p in (tmp_path / "out").glob("briefing-*"))
    cache = b"".join(p.read_bytes() for p in tmp_path.rglob("*.sqlite3"))
    assert written and secret.encode() not in written + cache
    assert secret not in run.stderr
