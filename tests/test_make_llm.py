"""brief make with an LLM endpoint: the whole pipeline against a local OpenAI-protocol
server, through the CLI's settings: engine choice, cache, pinning, provenance, failures."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import docx
import pytest
from fake_openai import FakeOpenAI, Reply, Status
from llm_answers import answering, ids_in, story_answer

from briefing import config
from briefing.digest import prompts
from briefing.errors import ConfigError, LLMAuthError, PromptError
from briefing.pipeline import MakeOptions, make

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


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    with FakeOpenAI(default=answering) as srv:
        monkeypatch.setenv("OPENAI_BASE_URL", srv.base_url)
        yield srv


def run(inputs: Path, out: Path, **kw: object):
    flags = kw.pop("flags", {})
    settings = config.load(None, flags)  # type: ignore[arg-type]
    options = MakeOptions(
        paths=(str(inputs),),
        out_dir=str(out),
        today=date(2026, 3, 4),
        formats=("md", "docx", "json"),
        settings=settings,
        **kw,
    )  # type: ignore[arg-type]
    return make(options)


def test_base_url_selects_the_llm_and_every_output_records_provenance(
    server: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    result = run(inputs, tmp_path / "out")
    b = result.briefing
    assert b.provenance.engine == "llm" and len(b.stories) == 3
    assert all(d.status == "ok" for d in b.stories)
    story = prompts.load("story")
    md, docx_path, js = result.written
    text = md.read_text(encoding="utf-8")
    assert story.sha256[:12] in text and "gpt-4o-mini" in text and "cl100k" in text
    data = json.loads(js.read_text(encoding="utf-8"))
    refs = {(p["id"], p["version"], p["sha256"]) for p in data["provenance"]["prompts"]}
    assert ("story", story.version, story.sha256) in refs and (
        "overview",
        1,
        prompts.load("overview").sha256,
    ) in refs
    assert ("check", 1, prompts.load("check").sha256) in refs  # every point checked
    verdicts = [p.model_check for d in b.stories for sec in d.sections for p in sec.points]
    assert verdicts and set(verdicts) == {"supported"}
    words = "\n".join(
        c.text
        for t in docx.Document(io.BytesIO(docx_path.read_bytes())).tables
        for r in t.rows
        for c in r.cells
    )
    assert story.sha256[:12] in words
    assert server.requests[0]["_headers"]["authorization"] == "Bearer not-needed"
    assert data["overview"] and "Overview of the day." in text


def test_rerun_is_served_from_cache_and_no_cache_calls_again(
    server: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    run(inputs, tmp_path / "a")
    calls = len(server.requests)
    assert calls == 7  # three stories, their three model checks, and the overview
    run(inputs, tmp_path / "b")
    assert len(server.requests) == calls
    run(inputs, tmp_path / "c", use_cache=False)
    assert len(server.requests) == 2 * calls


def test_a_story_invalid_twice_is_marked_failed_and_the_rest_is_written(
    server: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    def flaky(body):
        if "Lumina" in json.dumps(body["messages"][1:], ensure_ascii=False):
            return Reply("no json here")
        return answering(body)

    server.default = flaky
    result = run(inputs, tmp_path / "out")
    status = {d.story.articles[0].id[:-1]: d.status for d in result.briefing.stories}
    assert status == {"flood": "ok", "summit": "ok", "chip": "failed"}
    md = result.written[0].read_text(encoding="utf-8")
    assert "could not be summarised" in md and "Lumina" in md
    lumina_calls = [r for r in server.requests if "Lumina" in json.dumps(r["messages"][1:])]
    assert len(lumina_calls) == 2  # the answer and exactly one re-ask
    overview_request = server.requests[-1]["messages"][-1]["content"]
    assert "[1]" in overview_request and "[2]" in overview_request and "[3]" not in overview_request


def test_refused_key_stops_with_a_clear_error(
    server: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    server.default = Status(401)
    with pytest.raises(LLMAuthError, match="OPENAI_API_KEY"):
        run(inputs, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_prompt_pinning(server: FakeOpenAI, inputs: Path, tmp_path: Path) -> None:
    result = run(inputs, tmp_path / "out", prompt_pins=("story=v1",))
    assert ("story", 1) in {(p.id, p.version) for p in result.briefing.provenance.prompts}
    with pytest.raises(PromptError, match="v1"):
        run(inputs, tmp_path / "out2", prompt_pins=("story=v9",))


def test_dry_run_counts_tokens_and_cost_without_calling(
    server: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    result = run(inputs, tmp_path / "out", dry_run=True)
    assert server.requests == [] and not (tmp_path / "out").exists()
    plan = result.plan
    assert [c.articles for c in plan.calls] == [2, 2, 2]
    assert [c.calls for c in plan.calls] == [2, 2, 2]  # the story, and its model check
    unchecked = run(inputs, tmp_path / "out", dry_run=True, flags={"check": False}).plan
    assert [c.calls for c in unchecked.calls] == [1, 1, 1]
    assert unchecked.input_tokens < plan.input_tokens and unchecked.cost < plan.cost
    assert all(c.input_tokens > 500 for c in plan.calls)  # the prompt counts too
    assert plan.cost is not None and plan.cost > 0 and "cl100k" in plan.tokenizer


def test_endpoint_without_json_schema_still_works(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeOpenAI(json_schema=False, default=answering) as srv:
        monkeypatch.setenv("OPENAI_BASE_URL", srv.base_url)
        result = run(inputs, tmp_path / "out")
        assert all(d.status == "ok" for d in result.briefing.stories)
        formats = [r.get("response_format", {}).get("type") for r in srv.requests]
        # stories in flight together may each meet the rejection once; later calls don't
        assert formats[0] == "json_schema" and formats.count("json_schema") <= 3
        assert formats[-1] == "json_object" and formats.count("json_object") == 7


def test_stories_run_concurrently(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeOpenAI(default=answering, latency=0.4) as srv:
        monkeypatch.setenv("OPENAI_BASE_URL", srv.base_url)
        run(inputs, tmp_path / "out", flags={"concurrency": 3, "check": False})
    stories = [r["_at"] for r in srv.requests if "key points" in r["messages"][0]["content"]]
    # three stories at once: the third is sent before the first is answered (0.4 s)
    assert len(stories) == 3 and stories[2] - stories[0] < 0.4


def test_key_in_brief_toml_is_refused(tmp_path: Path) -> None:
    toml = tmp_path / "brief.toml"
    toml.write_text('[llm]\nmodel = "m"\napi_key = "sk-x"\n')
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        config.load(str(toml))


def test_precedence_flags_then_env_then_toml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    toml = tmp_path / "brief.toml"
    toml.write_text(
        'max_points = 4\n[llm]\nmodel = "from-toml"\nbase_url = "http://toml/v1"\nconcurrency = 2\n'
    )
    s = config.load(str(toml))
    assert (s.llm.model, s.llm.base_url, s.max_points) == ("from-toml", "http://toml/v1", 4)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://env/v1")
    monkeypatch.setenv("BRIEF_MODEL", "from-env")
    s = config.load(str(toml))
    assert (s.llm.model, s.llm.base_url) == ("from-env", "http://env/v1")
    s = config.load(str(toml), {"model": "from-flag", "base_url": None})
    assert (s.llm.model, s.llm.base_url, s.llm.concurrency) == ("from-flag", "http://env/v1", 2)


def test_unknown_toml_key_is_named(tmp_path: Path) -> None:
    toml = tmp_path / "brief.toml"
    toml.write_text("[llm]\nmodle = 'typo'\n")
    with pytest.raises(ConfigError, match="llm.modle"):
        config.load(str(toml))


def test_ids_in_helper_reads_packed_ids(server: FakeOpenAI, inputs: Path, tmp_path: Path) -> None:
    run(inputs, tmp_path / "out")
    assert ids_in(server.requests[0]) == ["A1", "A2"]
    assert json.loads(story_answer(["A1"]))["en"]["key_points"][0]["citations"] == ["A1"]


def test_a_400_on_one_story_fails_that_story_only(
    server: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    too_long = {
        "error": {
            "message": "This model's maximum context length is 8192 tokens",
            "type": "invalid_request_error",
        }
    }

    def picky(body):
        if "Nairobi" in json.dumps(body["messages"][1:]):
            return Status(400, body=too_long)
        return answering(body)

    server.default = picky
    result = run(inputs, tmp_path / "out")
    status = {d.story.articles[0].id[:-1]: d.status for d in result.briefing.stories}
    assert status == {"flood": "ok", "summit": "failed", "chip": "ok"}
    failed = [d for d in result.briefing.stories if d.status == "failed"][0]
    assert "maximum context length" in failed.error and result.written


def test_ctrl_c_sends_no_more_stories(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeOpenAI(default=answering, latency=0.3) as srv:
        monkeypatch.setenv("OPENAI_BASE_URL", srv.base_url)
        settings = config.load(None, {"concurrency": 1})

        def interrupt(what: str, done: int, total: int) -> None:
            if done == 1:
                raise KeyboardInterrupt

        options = MakeOptions(
            paths=(str(inputs),),
            out_dir=str(tmp_path / "o"),
            today=date(2026, 3, 4),
            settings=settings,
        )
        with pytest.raises(KeyboardInterrupt):
            make(options, progress=interrupt)
        time.sleep(0.5)
        assert len(srv.requests) <= 2  # the story in flight may finish; the rest never go


def test_max_points_beyond_seven_is_capped_with_a_warning_and_below_three_kept(
    server: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    result = run(inputs, tmp_path / "a", max_points=12)
    assert "Give 3 to 7 key points" in server.requests[0]["messages"][0]["content"]
    assert any(p.where == "--max-points" for p in result.problems)
    assert all(d.status == "ok" for d in result.briefing.stories)
    result = run(inputs, tmp_path / "b", max_points=2, use_cache=False)
    story_requests = [r for r in server.requests if "key points" in r["messages"][0]["content"]]
    assert "Give 3 to 3 key points" in story_requests[-1]["messages"][0]["content"]
    assert all(len(d.section("en").points) == 2 for d in result.briefing.stories)


def test_small_context_window_is_a_config_error(
    server: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match="context_window"):
        run(inputs, tmp_path / "out", flags={"context_window": 4096})


def test_llm_key_that_is_not_a_table_is_a_config_error(tmp_path: Path) -> None:
    toml = tmp_path / "brief.toml"
    toml.write_text('llm = "x"\n')
    with pytest.raises(ConfigError, match=r"\[llm\]"):
        config.load(str(toml))


@pytest.mark.parametrize(
    "info, window, source",
    [
        ({"max_model_len": 32768}, 32768, "from the server"),  # vLLM
        ({"meta": {"n_ctx_train": 16384}}, 16384, "from the server"),  # llama.cpp
        ({}, 8192, "assumed"),  # Ollama and others say nothing
    ],
)
def test_unknown_models_context_window_is_asked_of_the_server(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, info: dict, window: int,
    source: str,
) -> None:  # fmt: skip
    with FakeOpenAI(default=answering, model_info=info) as srv:
        monkeypatch.setenv("OPENAI_BASE_URL", srv.base_url)
        result = run(inputs, tmp_path / "out", flags={"model": "local-model"})
    parameters = dict(result.briefing.provenance.parameters)
    assert (
        parameters["context_window"].startswith(f"{window} (")
        and source in parameters["context_window"]
    )


def test_no_check_sends_no_check_and_says_so(
    server: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    result = run(inputs, tmp_path / "out", flags={"check": False})
    assert not [r for r in server.requests if "fact-checker" in r["messages"][0]["content"]]
    points = [p for d in result.briefing.stories for s in d.sections for p in s.points]
    assert points and all(p.model_check is None for p in points)
    assert dict(result.briefing.provenance.parameters)["model_check"] == "off"


def test_strict_fails_a_story_with_a_flagged_point(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def one_wrong_figure(body: dict) -> Reply:
        if "fact-checker" in body["messages"][0]["content"]:
            return answering(body)
        answer = json.loads(story_answer(ids_in(body)))
        text = json.dumps(body["messages"], ensure_ascii=False)
        if "Valencia" in text:  # the flood story: a figure no article states
            answer["en"]["key_points"][0]["text"] = "Rescuers saved 400 people in Valencia."
        return Reply(json.dumps(answer, ensure_ascii=False))

    with FakeOpenAI(default=one_wrong_figure) as srv:
        monkeypatch.setenv("OPENAI_BASE_URL", srv.base_url)
        lenient = run(inputs, tmp_path / "a")
        strict = run(inputs, tmp_path / "b", strict=True)
    flood = [d for d in lenient.briefing.stories if "flood" in d.story.articles[0].id][0]
    assert flood.status == "ok" and any(
        f.check == "number" for p in flood.section("en").points for f in p.flags
    )
    failed = [d for d in strict.briefing.stories if d.status == "failed"]
    assert [d.story.articles[0].id[:-1] for d in failed] == ["flood"]
    assert "--strict" in failed[0].error and "number" in failed[0].error
