"""The reader's options end to end: --top, --lang, --page-size, --arabic-font from the
command line and brief.toml, usage errors, and what the LLM engine is sent under --top
(only the top stories; the others' titles translated in one batched, cached call)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fake_openai import FakeOpenAI, Reply
from llm_answers import answering

from briefing import config
from briefing.errors import ConfigError
from briefing.pipeline import MakeOptions, make

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
EVENTS = {
    "flood": [
        "Floods hit Valencia overnight, officials said, and 40 people were rescued.",
        "Valencia floods: rescuers saved 40 people as rivers burst their banks overnight.",
    ],
    "summit": [
        "Leaders met in Nairobi for the climate summit on Tuesday with 30 countries.",
        "The Nairobi climate summit opened on Tuesday; 30 countries sent leaders.",
    ],
    "chip": [
        "Chipmaker Lumina announced a new factory in Ohio costing 8 billion dollars.",
        "Lumina will build an 8 billion dollar chip factory in Ohio, the company said.",
    ],
}


def brief(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("--top", "-1"), "x>=0"),
        (("--top", "many"), "many"),
        (("--lang", "fr"), "'ar', 'en', 'ar,en', 'en,ar'"),
        (("--lang", "ar,fr"), "'ar', 'en', 'ar,en', 'en,ar'"),
        (("--page-size", "a5"), "'a4', 'letter'"),
    ],
)
def test_bad_layout_options_are_usage_errors_naming_the_accepted_values(
    tmp_path: Path, args: tuple[str, ...], named: str
) -> None:
    run = brief("make", str(FIXTURES), "-o", str(tmp_path), *args)
    assert run.returncode == 2
    assert named in run.stderr and args[0] in run.stderr
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("line", "named"),
    [
        ("top = -1", "top"),
        ('lang = "fr"', "ar, en, ar,en, en,ar"),
        ('page_size = "a5"', "a4, letter"),
    ],
)
def test_bad_layout_settings_in_brief_toml_name_the_key_and_values(
    tmp_path: Path, line: str, named: str
) -> None:
    (tmp_path / "brief.toml").write_text(line + "\n", encoding="utf-8")
    run = brief("make", str(FIXTURES), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert run.returncode == 1
    assert named in run.stderr and "brief.toml" in run.stderr


def test_layout_settings_from_brief_toml_and_flags(tmp_path: Path) -> None:
    (tmp_path / "brief.toml").write_text(
        'top = 0\nlang = "en"\npage_size = "letter"\narabic_font = "Amiri"\n', encoding="utf-8"
    )
    settings = config.load(str(tmp_path / "brief.toml"))
    assert (settings.top, settings.lang, settings.page_size, settings.arabic_font) == (
        0,
        "en",
        "letter",
        "Amiri",
    )
    flags = config.load(str(tmp_path / "brief.toml"), {"lang": "AR,EN", "top": 3})
    assert (flags.lang, flags.top) == ("ar,en", 3)
    with pytest.raises(ConfigError, match="lang"):
        config.load(None, {"lang": "de"})


def test_cli_lang_and_page_size_reach_the_documents(tmp_path: Path) -> None:
    run = brief(
        "make", str(FIXTURES), "-o", str(tmp_path), "--lang", "en", "--page-size", "letter",
        "--format", "md,docx", "--arabic-font", "Amiri",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    md = (tmp_path / "briefing-2026-02-10.md").read_text(encoding="utf-8")
    assert md.startswith("# Daily briefing — 10\u00a0February\u00a02026")
    assert "English summaries need a language model" in md
    import docx

    document = docx.Document(str(tmp_path / "briefing-2026-02-10.docx"))
    assert document.sections[0].page_width == 12240 * 635  # twips to EMU


# --- the LLM engine under --top ------------------------------------------------------


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    lines = []
    for event, texts in EVENTS.items():
        for i, text in enumerate(texts):
            lines.append(
                json.dumps(
                    {
                        "id": f"{event}{i}",
                        "title": text.split(",")[0],
                        "text": text,
                        "lang": "en",
                        "source": f"Outlet {i}",
                        "published": "2026-03-03",
                    }
                )
            )
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _translating(body: dict[str, Any]) -> Reply:
    system = body["messages"][0]["content"]
    if "translate news headlines" in system:
        numbers = re.findall(r"^\[(\d+)\] ", body["messages"][-1]["content"], re.MULTILINE)
        return Reply(
            json.dumps({"headlines": [{"n": int(n), "text": f"عنوان مترجم {n}"} for n in numbers]})
        )
    return answering(body)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    with FakeOpenAI(default=_translating) as srv:
        monkeypatch.setenv("OPENAI_BASE_URL", srv.base_url)
        yield srv


def _run(inputs: Path, out: Path, **kw: object):  # type: ignore[no-untyped-def]
    options = MakeOptions(
        paths=(str(inputs),),
        out_dir=str(out),
        today=date(2026, 3, 4),
        formats=("md", "json"),
        settings=config.load(None, {}),
        **kw,
    )  # type: ignore[arg-type]
    return make(options)


def test_only_the_top_stories_are_sent_and_json_keeps_every_story(
    server: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    result = _run(inputs, tmp_path / "out", top=1)
    story_calls = [r for r in server.requests if "key points" in r["messages"][0]["content"]]
    # the story and its model check; no overview for one story
    assert len(story_calls) == 1 and len(server.requests) == 2
    engines = [d.engine for d in result.briefing.stories]
    assert engines == ["llm", "extractive", "extractive"]
    data = json.loads(result.written[1].read_text(encoding="utf-8"))
    assert [s["in_full"] for s in data["stories"]] == [True, False, False]
    assert all(s["sections"] for s in data["stories"])
    md = result.written[0].read_text(encoding="utf-8")
    assert "Also reported" in md and md.count('<a id="story-') == 1


def test_dry_run_says_which_stories_are_not_sent(
    server: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    result = _run(inputs, tmp_path / "out", top=2, dry_run=True)
    assert len(result.plan.calls) == 2 and result.plan.not_sent == 1
    assert not server.requests
    run = brief("make", str(inputs), "--base-url", server.base_url, "--dry-run", "--top", "1")
    assert run.returncode == 0, run.stderr
    assert "2 other stories are not sent to the model (--top)" in run.stdout


def test_other_titles_are_translated_in_one_batched_cached_call(
    server: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    result = _run(inputs, tmp_path / "a", top=1, langs=("ar",))
    calls = [
        r for r in server.requests if "translate news headlines" in r["messages"][0]["content"]
    ]
    assert len(calls) == 1
    assert "[1] " in calls[0]["messages"][-1]["content"]
    assert "[2] " in calls[0]["messages"][-1]["content"]
    titles = result.briefing.translated_titles
    assert [t.text for t in titles] == ["عنوان مترجم 1", "عنوان مترجم 2"]
    md = result.written[0].read_text(encoding="utf-8")
    assert "عنوان مترجم 1" in md and "† " in md and "ترجمها النموذج اللغوي" in md
    data = json.loads(result.written[1].read_text(encoding="utf-8"))
    assert data["translated_titles"][0]["machine_translated"] is True
    refs = {p["id"] for p in data["provenance"]["prompts"]}
    assert "headlines" in refs
    before = len(server.requests)
    _run(inputs, tmp_path / "b", top=1, langs=("ar",))
    assert len(server.requests) == before  # served from the cache


def test_a_failed_translation_keeps_the_original_titles(
    server: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    def refuse(body: dict[str, Any]) -> Reply:
        if "translate news headlines" in body["messages"][0]["content"]:
            return Reply("not json")
        return answering(body)

    server.default = refuse
    result = _run(inputs, tmp_path / "out", top=1, langs=("ar",))
    assert not result.briefing.translated_titles
    assert any(p.where == "headlines" for p in result.problems)
    md = result.written[0].read_text(encoding="utf-8")
    assert "(بالإنجليزية)" in md
