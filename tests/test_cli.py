"""The `brief` command: results on stdout, problems on stderr, clean errors and exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def brief(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_make_prints_written_paths_on_stdout(tmp_path: Path) -> None:
    run = brief("make", str(FIXTURES), "-o", str(tmp_path))
    assert run.returncode == 0, run.stderr
    paths = run.stdout.split()
    assert [Path(p).name for p in paths] == ["briefing-2026-02-10.md", "briefing-2026-02-10.docx"]
    assert all(Path(p).exists() for p in paths)
    assert "1 story from 5 articles (extractive engine)" in run.stderr


def test_default_output_folder_is_briefings(tmp_path: Path) -> None:
    run = brief("make", str(FIXTURES), "--format", "json", "-q", cwd=tmp_path)
    assert run.returncode == 0 and run.stderr == ""
    assert (tmp_path / "briefings" / "briefing-2026-02-10.json").exists()


def test_stdout_document(tmp_path: Path) -> None:
    run = brief("make", str(FIXTURES), "-o", "-", "--format", "md")
    assert run.returncode == 0 and "# الموجز اليومي — 10\u00a0فبراير\u00a02026" in run.stdout


def test_problems_go_to_stderr_and_exit_is_zero(tmp_path: Path) -> None:
    (tmp_path / "bad.jsonl").write_text("{oops\n")
    run = brief("make", str(FIXTURES), str(tmp_path / "bad.jsonl"), "-o", str(tmp_path / "o"))
    assert run.returncode == 0
    assert "bad.jsonl:1: not valid JSON" in run.stderr


def test_error_is_one_clean_line_and_exit_1(tmp_path: Path) -> None:
    run = brief("make", str(tmp_path / "missing"), "-o", str(tmp_path))
    assert run.returncode == 1
    assert "brief: error: No articles found" in run.stderr and "Traceback" not in run.stderr


def test_llm_engine_without_endpoint_exit_1() -> None:
    run = brief("make", str(FIXTURES), "--engine", "llm", "-o", "-", "--format", "md")
    assert run.returncode == 1 and "OPENAI_API_KEY" in run.stderr


def test_help_and_version() -> None:
    assert "make" in brief("--help").stdout
    assert "0.1.0" in brief("--version").stdout


def test_prompts_list_and_show() -> None:
    listed = brief("prompts", "list")
    assert listed.returncode == 0 and "story.v1  sha256:" in listed.stdout
    shown = brief("prompts", "show", "story.v1")
    assert shown.returncode == 0 and shown.stdout.startswith("---\nid: story\nversion: 1")
    assert "sha256:" in shown.stderr
    missing = brief("prompts", "show", "story.v9")
    assert missing.returncode == 1 and "v1" in missing.stderr and "Traceback" not in missing.stderr


def test_dry_run_prints_tokens_and_cost_and_calls_nothing(tmp_path: Path) -> None:
    import os

    env = {
        **os.environ,
        "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
        "BRIEF_DATA_DIR": str(tmp_path / "data"),
    }
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "briefing.cli",
            "make",
            str(FIXTURES),
            "--dry-run",
            "-o",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "input tokens" in run.stdout and "estimated cost: $" in run.stdout
    assert not (tmp_path / "out").exists()


def test_base_url_flag_selects_the_llm_engine(tmp_path: Path) -> None:
    from fake_openai import FakeOpenAI
    from llm_answers import answering

    with FakeOpenAI(default=answering) as server:
        run = brief(
            "make",
            str(FIXTURES),
            "--base-url",
            server.base_url,
            "--model",
            "local-m",
            "-o",
            str(tmp_path),
            "--format",
            "json",
        )
        assert run.returncode == 0, run.stderr
        assert "llm local-m engine" in run.stderr
        assert server.requests and server.requests[0]["model"] == "local-m"


def test_every_story_failed_exits_3_after_writing(tmp_path: Path) -> None:
    from fake_openai import FakeOpenAI

    with FakeOpenAI(default="never valid json") as server:
        run = brief(
            "make",
            str(FIXTURES),
            "--base-url",
            server.base_url,
            "-o",
            str(tmp_path),
            "--format",
            "md",
        )
    assert run.returncode == 3 and "every story failed" in run.stderr
    assert "could not be summarised" in (tmp_path / "briefing-2026-02-10.md").read_text()


def test_stdout_output_still_exits_3_when_every_story_failed() -> None:
    from fake_openai import FakeOpenAI

    with FakeOpenAI(default="never valid json") as server:
        run = brief(
            "make", str(FIXTURES), "--base-url", server.base_url, "-o", "-", "--format", "md"
        )
    assert run.returncode == 3 and "# الموجز اليومي" in run.stdout


def test_compact_date_flag_names_the_file_in_full(tmp_path: Path) -> None:
    run = brief("make", str(FIXTURES), "-o", str(tmp_path), "--format", "md", "--date", "20260301")
    assert run.returncode == 0 and (tmp_path / "briefing-2026-03-01.md").exists()


def test_progress_bar_is_drawn_on_stderr_and_never_on_stdout(
    capsys,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    import io

    from briefing import cli

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with cli._progress(quiet=False) as update:
        assert update is not None
        for done in range(4):
            update("stories", done, 3)
    assert capsys.readouterr().out == ""
    assert "stories" in terminal.getvalue()
    with cli._progress(quiet=True) as update:
        assert update is None


def test_make_and_run_take_the_readers_settings_from_brief_toml(tmp_path: Path) -> None:
    """`brief run` builds its options like `brief make`: top, lang, page size, font and
    strict come from brief.toml for the daily job too."""
    from briefing import config
    from briefing.cli import _make_options

    toml = tmp_path / "brief.toml"
    toml.write_text('top = 3\nlang = "en"\npage_size = "letter"\nstrict = true\n')
    options = _make_options(config.load(str(toml)), paths=())
    assert (options.top, options.langs, options.page_size, options.strict) == (
        3,
        ("en",),
        "letter",
        True,
    )
