"""The whole pipeline on the seeds and on broken inputs: files, citations, provenance."""

from __future__ import annotations

import gc
import hashlib
import io
import json
import re
import shutil
from datetime import date
from pathlib import Path

import docx
import pytest

import briefing.pipeline as pipeline_module
from briefing.digest import extractive
from briefing.errors import ConfigError, NoArticlesError, NoEndpointError
from briefing.pipeline import MakeOptions, make

TODAY = date(2026, 11, 23)


def options(paths: list[Path], out: Path, **kw: object) -> MakeOptions:
    return MakeOptions(paths=tuple(map(str, paths)), out_dir=str(out), today=TODAY, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory: pytest.TempPathFactory):
    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    out = tmp_path_factory.mktemp("out")
    result = make(options([fixtures], out, formats=("md", "docx", "json")))
    return result, out, fixtures


def test_seed_files_are_named_by_the_briefing_date(seed_run) -> None:
    result, out, _ = seed_run
    # besides the briefing, only the folder's (hidden, empty when free) lock file
    assert (out / ".brief.lock").read_bytes() == b""
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert names == [
        "briefing-2026-02-10.docx",
        "briefing-2026-02-10.json",
        "briefing-2026-02-10.md",
    ]
    assert [p.name for p in result.written] == [
        "briefing-2026-02-10.md",
        "briefing-2026-02-10.docx",
        "briefing-2026-02-10.json",
    ]


def test_seed_is_one_story_with_every_point_cited(seed_run) -> None:
    result, out, _ = seed_run
    briefing = result.briefing
    assert len(briefing.stories) == 1 and len(briefing.sources) == 5
    md = (out / "briefing-2026-02-10.md").read_text(encoding="utf-8")
    bullets = [line for line in md.splitlines() if line.startswith("- «")]
    assert 3 <= len(bullets) <= 6
    for line in bullets:
        numbers = [int(n) for n in re.findall(r"\(#source-(\d+)\)", line)]
        assert numbers and all(1 <= n <= 5 for n in numbers)
    for n in range(1, 6):
        assert f'\n<a id="source-{n}"></a>{n}\\. ' in md  # every number resolves


def test_seed_json_lists_story_article_ids_and_input_hashes(seed_run) -> None:
    result, out, fixtures = seed_run
    data = json.loads((out / "briefing-2026-02-10.json").read_text(encoding="utf-8"))
    story = data["stories"][0]
    assert story["article_ids"] == [a.id for a in result.briefing.stories[0].story.articles]
    assert len(set(story["article_ids"])) == 5
    hashes = {Path(i["path"]).name: i["sha256"] for i in data["provenance"]["inputs"]}
    for f in fixtures.iterdir():
        assert hashes[f.name] == hashlib.sha256(f.read_bytes()).hexdigest()
    assert data["provenance"]["engine"] == "extractive"


def test_seed_docx_is_right_to_left_and_says_it_is_extractive(seed_run) -> None:
    _, out, _ = seed_run
    document = docx.Document(io.BytesIO((out / "briefing-2026-02-10.docx").read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "without an LLM" in text and "دون نموذج لغوي" in text
    arabic = [
        p
        for p in document.paragraphs
        if re.search("[\u0600-\u06ff]{3}", p.text) and not re.search("[A-Za-z]{4}", p.text)
    ]
    assert arabic
    for p in arabic:
        assert p._p.pPr is not None and p._p.pPr.find(docx.oxml.ns.qn("w:bidi")) is not None


def test_broken_file_next_to_good_ones_is_reported_in_the_briefing(tmp_path: Path) -> None:
    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    inputs = tmp_path / "in"
    shutil.copytree(fixtures, inputs)
    (inputs / "broken.json").write_text("{not json", encoding="utf-8")
    (inputs / "photo.jpg").write_bytes(b"\xff\xd8")
    result = make(options([inputs], tmp_path / "out", formats=("md",)))
    assert len(result.briefing.sources) == 5
    wheres = [Path(p.where).name for p in result.problems]
    assert "broken.json" in wheres and "photo.jpg" in wheres
    md = result.written[0].read_text(encoding="utf-8")
    assert "broken.json" in md and "not valid JSON" in md


def test_one_failing_story_does_not_sink_the_briefing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.jsonl").write_text(
        json.dumps(
            {
                "id": "good",
                "title": "Coalition meets in Riyadh",
                "lang": "en",
                "text": "The coalition met in Riyadh on Monday with ninety members.",
            }
        )
        + "\n"
        + json.dumps(
            {
                "id": "bad",
                "title": "Floods hit Valencia",
                "lang": "en",
                "text": "Heavy floods hit Valencia overnight, officials said.",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    real = extractive.summarise

    def flaky(story, max_points=6):
        if any(a.id == "bad" for a in story.articles):
            raise RuntimeError("engine blew up")
        return real(story, max_points=max_points)

    monkeypatch.setattr(extractive, "summarise", flaky)
    result = make(options([inputs], tmp_path / "out", formats=("md", "json")))
    statuses = {d.story.articles[0].id: d.status for d in result.briefing.stories}
    assert statuses == {"good": "ok", "bad": "failed"}
    md = result.written[0].read_text(encoding="utf-8")
    assert "could not be summarised" in md and "Floods hit Valencia" in md
    assert any(p.severity == "error" for p in result.problems)


def test_no_articles_is_an_error_naming_the_paths(tmp_path: Path) -> None:
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    with pytest.raises(NoArticlesError, match="notes.pdf"):
        make(options([tmp_path], tmp_path / "out"))
    assert gc.isenabled()  # the collector paused for the pile is back after an error too


def test_the_cycle_collector_is_paused_during_the_run_and_back_after(
    tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    real = pipeline_module.stories_of

    def watching(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline_module, "stories_of", watching)
    make(options([seeds_dir], tmp_path / "out", formats=("md",)))
    assert seen == [False] and gc.isenabled()


def test_llm_engine_without_endpoint_says_what_to_set(tmp_path: Path) -> None:
    with pytest.raises(NoEndpointError, match="OPENAI_API_KEY"):
        make(options([tmp_path], tmp_path / "out", engine="llm"))


@pytest.mark.parametrize(
    "kw, message",
    [
        ({"formats": ("pdf",)}, "Unknown format"),
        ({"briefing_date": "10/02/2026"}, "YYYY-MM-DD"),
        ({"formats": ("md", "json"), "out_dir": "-"}, "one --format"),
    ],
)
def test_bad_options_are_config_errors(tmp_path: Path, kw: dict, message: str) -> None:
    base = {"paths": (str(tmp_path),), "out_dir": str(tmp_path), "today": TODAY}
    with pytest.raises(ConfigError, match=message):
        make(MakeOptions(**{**base, **kw}))


def test_stdout_output_returns_the_document(tmp_path: Path) -> None:
    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    result = make(MakeOptions(paths=(str(fixtures),), out_dir="-", formats=("json",), today=TODAY))
    assert result.written == () and json.loads(result.stdout)["date"] == "2026-02-10"


def test_date_override_and_fallback_to_today(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Undated title\nA sentence with no date at all.\n")
    result = make(options([tmp_path / "a.txt"], tmp_path / "out", formats=("md",)))
    assert result.briefing.date == "2026-11-23"
    result = make(
        options([tmp_path / "a.txt"], tmp_path / "o2", formats=("md",), briefing_date="2026-03-01")
    )
    assert result.written[0].name == "briefing-2026-03-01.md"


def test_control_characters_do_not_break_the_word_file(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ctl.txt").write_text(
        "Storm hits coast\x08 today\nA powerful storm hit the coast and damaged many homes "
        "along the shore, officials said.\x1b\n",
        encoding="utf-8",
    )
    result = make(options([tmp_path / "in"], tmp_path / "out", formats=("md", "docx", "html")))
    assert len(result.written) == 3
    document = docx.Document(io.BytesIO(result.written[1].read_bytes()))
    assert any("Storm hits coast today" in p.text for p in document.paragraphs)
