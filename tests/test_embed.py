"""Embeddings for grouping: LLMClient.embed against a local fake endpoint (batches,
retries, failures), the cache by model and text, and `brief make --grouping` joining an
Arabic and an English report of one event, or falling back to words when it fails."""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path

import pytest
from fake_openai import FakeOpenAI, Raw, Status, hashed_vector

from briefing import config
from briefing.digest.cache import Store
from briefing.digest.llm import Endpoint, LLMClient
from briefing.errors import ConfigError, LLMModelError, LLMUnavailableError
from briefing.models import Article
from briefing.pipeline import MakeOptions, make
from briefing.stories import embed

MODEL = "embed-test"


def _client(server: FakeOpenAI, **kw: object) -> LLMClient:
    kw.setdefault("model", "chat-test")
    endpoint = Endpoint(base_url=server.base_url, backoff_initial=0.01, **kw)
    return LLMClient(endpoint, sleep=lambda s: None)


def _embedding_requests(server: FakeOpenAI) -> list[dict]:
    return [r for r in server.requests if r["_path"].endswith("/embeddings")]


# --- the client ------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "batch", "requests"), [(5, 2, 3), (4, 64, 1), (1, 1, 1)])
def test_embed_batches_and_keeps_the_order(count: int, batch: int, requests: int):
    texts = [f"text number {k}" for k in range(count)]
    with FakeOpenAI() as server:
        vectors = _client(server).embed(texts, MODEL, batch=batch)
        sent = _embedding_requests(server)
    assert vectors == [hashed_vector(t) for t in texts]
    assert len(sent) == requests
    assert [t for r in sent for t in r["input"]] == texts
    assert {r["model"] for r in sent} == {MODEL}


@pytest.mark.parametrize(
    "failure",
    [
        Status(503),
        Status(429, {"Retry-After": "0"}),
        Raw(b"<html>bad gateway</html>", content_type="text/html"),
        Raw(json.dumps({"object": "list", "data": []}).encode()),  # no vectors: malformed
    ],
)
def test_embed_retries_what_can_pass(failure):
    with FakeOpenAI() as server:
        server.enqueue_embeddings(failure)
        vectors = _client(server).embed(["one", "two"], MODEL)
        assert len(_embedding_requests(server)) == 2
    assert vectors == [hashed_vector("one"), hashed_vector("two")]


def test_embed_gives_up_with_an_instruction():
    with FakeOpenAI() as server:
        server.enqueue_embeddings(*[Status(500)] * 3)
        with pytest.raises(LLMUnavailableError, match="unavailable after 3 attempt"):
            _client(server, max_attempts=3).embed(["one"], MODEL)


def test_embed_does_not_retry_a_refused_request():
    with FakeOpenAI() as server:
        server.enqueue_embeddings(Status(404))
        with pytest.raises(LLMModelError, match=MODEL):
            _client(server, model=MODEL).embed(["one"], MODEL)
        assert len(_embedding_requests(server)) == 1


# --- the cache -------------------------------------------------------------------------


def _article(id: str, title: str, text: str, lang: str = "en") -> Article:
    return Article(
        id=id, title=title, text=text, origin=f"test:{id}", lang=lang, published="2018-04-14"
    )


def test_vectors_come_from_the_cache_the_second_time(tmp_path: Path):
    articles = [_article("a", "One", "first text"), _article("b", "Two", "second text")]
    store = Store(tmp_path / "cache.sqlite3")
    with FakeOpenAI() as server:
        client = _client(server)
        first = embed.vectors(articles, lambda t: client.embed(t, MODEL), MODEL, store)
        again = embed.vectors(articles, lambda t: client.embed(t, MODEL), MODEL, store)
        other = embed.vectors(articles[:1], lambda t: client.embed(t, "other"), "other", store)
        sent = _embedding_requests(server)
    assert first == again == {a.id: hashed_vector(embed.text_of(a)) for a in articles}
    assert other == {"a": first["a"]}
    assert [len(r["input"]) for r in sent] == [2, 1]  # the second run sent nothing


def test_a_damaged_cache_row_is_embedded_again(tmp_path: Path):
    article = _article("a", "One", "first text")
    store = Store(tmp_path / "cache.sqlite3")
    calls: list[int] = []

    def fake(texts):
        calls.append(len(texts))
        return [[0.5, 0.5] for _ in texts]

    embed.vectors([article], fake, MODEL, store)
    with store._lock:  # noqa: SLF001  (simulate a row written by something else)
        assert store._db is not None
        store._db.execute("UPDATE answers SET text = 'not json'")
        store._db.commit()
    assert embed.vectors([article], fake, MODEL, store) == {"a": [0.5, 0.5]}
    assert calls == [1, 1]


# --- brief make --grouping ---------------------------------------------------------------

_ARABIC = [
    (
        "ضربات أمريكية بريطانية فرنسية على مواقع عسكرية في سوريا",
        "شنت الولايات المتحدة وبريطانيا وفرنسا فجر السبت ضربات صاروخية على مواقع عسكرية في "
        "سوريا قالت إنها مرتبطة بالبرنامج الكيماوي، وسمعت انفجارات ضخمة في دمشق.",
    ),
    (
        "ضربات أمريكية بريطانية فرنسية تستهدف البرنامج الكيماوي في سوريا",
        "استهدفت ضربات صاروخية أمريكية بريطانية فرنسية فجر السبت مواقع عسكرية في سوريا "
        "مرتبطة بالبرنامج الكيماوي، وسمعت انفجارات في دمشق.",
    ),
]
_ENGLISH = [
    (
        "Western strikes hit chemical weapons sites",
        "American, British and French missiles hit three chemical weapons sites before dawn "
        "on Saturday, the Pentagon said; explosions shook the capital.",
    ),
    (
        "Lumina to build a chip factory in Ohio",
        "Chipmaker Lumina will build an 8 billion dollar chip factory in Ohio, it said.",
    ),
]


def _topic_vector(text: str) -> list[float]:
    """Texts about the strikes (in either language) point one way, others elsewhere."""
    if any(word in text for word in ("ضربات", "strikes")):
        return [1.0, 0.0, 0.0]
    return [0.0, 1.0, 0.0]


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    records = [
        {"id": f"ar{k}", "title": t, "text": x, "lang": "ar", "source": f"Arabic {k}"}
        for k, (t, x) in enumerate(_ARABIC)
    ] + [
        {"id": f"en{k}", "title": t, "text": x, "lang": "en", "source": f"English {k}"}
        for k, (t, x) in enumerate(_ENGLISH)
    ]
    path = tmp_path / "mixed.jsonl"
    lines = (json.dumps({**r, "published": "2018-04-14"}, ensure_ascii=False) for r in records)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _stories(path: Path, out: Path, **flags: object) -> list[list[str]]:
    settings = config.load(None, {"engine": "extractive", **flags})
    options = MakeOptions(
        paths=(str(path),),
        out_dir=str(out),
        today=date(2018, 4, 15),
        formats=("json",),
        settings=settings,
    )
    result = make(options)
    assert result.briefing is not None
    return sorted(sorted(a.id for a in d.story.articles) for d in result.briefing.stories)


@pytest.mark.parametrize(
    ("grouping", "expected"),
    [
        ("embeddings", [["ar0", "ar1", "en0"], ["en1"]]),
        ("auto", [["ar0", "ar1", "en0"], ["en1"]]),  # a model and an endpoint: embeddings
        ("lexical", [["ar0", "ar1"], ["en0"], ["en1"]]),
    ],
)
def test_make_joins_languages_with_embeddings(
    mixed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, grouping: str, expected
):
    with FakeOpenAI(embedder=_topic_vector) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        found = _stories(mixed, tmp_path / "out", grouping=grouping, embeddings_model=MODEL)
        sent = _embedding_requests(server)
    assert found == expected
    assert len(sent) == (0 if grouping == "lexical" else 1)


@pytest.mark.parametrize(
    "failure",
    [[Status(500)] * 2, [Status(401)], [Raw(b"{}")] * 2],
    ids=["server error", "refused key", "malformed"],
)
def test_a_failed_embeddings_call_falls_back_to_words(
    mixed: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    failure,
):
    with FakeOpenAI(embedder=_topic_vector) as server:
        server.enqueue_embeddings(*failure)
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("BRIEF_DATA_DIR", str(tmp_path / "data"))
        with caplog.at_level(logging.WARNING):
            found = _stories(
                mixed,
                tmp_path / "out",
                grouping="embeddings",
                embeddings_model=MODEL,
                max_attempts=2,
            )
    assert found == [["ar0", "ar1"], ["en0"], ["en1"]]  # every article, grouped by words
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("embeddings from" in m and "no article is lost" in m for m in warned)


@pytest.mark.parametrize(
    ("env", "flags", "says"),
    [
        (True, {}, "embeddings_model"),
        (False, {"embeddings_model": MODEL}, "needs an endpoint"),
    ],
)
def test_grouping_embeddings_says_what_is_missing(
    mixed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: bool, flags, says: str
):
    if env:
        monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    with pytest.raises(ConfigError, match=says):
        _stories(mixed, tmp_path / "out", grouping="embeddings", **flags)


@pytest.mark.parametrize(
    ("llm", "cutoff", "source"),
    [
        ({"embeddings_model": "use-multilingual-v3"}, 0.65, "measured"),
        ({"embeddings_model": "local/USE-Multilingual-v3"}, 0.65, "measured"),
        ({"embeddings_model": "text-embedding-3-small"}, 0.80, "a guess"),
        ({"embeddings_model": "multilingual-e5-small"}, 0.80, "a guess"),
        ({}, 0.80, "a guess"),
        ({"embeddings_model": "use-multilingual-v3", "embeddings_threshold": 0.9}, 0.9, "toml"),
    ],
)
def test_the_embeddings_threshold_comes_from_brief_toml_or_the_model(
    tmp_path: Path, llm: dict, cutoff: float, source: str
):
    toml = tmp_path / "brief.toml"
    toml.write_text("[llm]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in llm.items()))
    found, said = config.load(str(toml)).llm.embeddings_cutoff()
    assert found == cutoff
    assert source in said


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.2, '"high"', "true", "nan"])
def test_a_bad_embeddings_threshold_is_refused(tmp_path: Path, bad: object):
    toml = tmp_path / "brief.toml"
    toml.write_text(f"[llm]\nembeddings_threshold = {bad}\n")
    with pytest.raises(ConfigError, match="embeddings_threshold"):
        config.load(str(toml))


def _leaning(text: str) -> list[float]:
    """The strikes in Arabic and in English at cosine 0.6, the rest elsewhere."""
    if "ضربات" in text:
        return [1.0, 0.0, 0.0]
    if "strikes" in text:
        return [0.6, 0.8, 0.0]
    return [0.0, 0.0, 1.0]


@pytest.mark.parametrize(
    ("cutoff", "expected", "warned"),
    [
        (0.5, [["ar0", "ar1", "en0"], ["en1"]], False),
        (0.7, [["ar0", "ar1"], ["en0"], ["en1"]], False),
        (None, [["ar0", "ar1"], ["en0"], ["en1"]], True),  # 0.80, a guess for this model
    ],
)
def test_make_joins_at_the_configured_threshold(
    mixed: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    cutoff: float | None,
    expected,
    warned: bool,
):
    with FakeOpenAI(embedder=_leaning) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        with caplog.at_level(logging.WARNING):
            found = _stories(
                mixed,
                tmp_path / "out",
                grouping="embeddings",
                embeddings_model=MODEL,
                embeddings_threshold=cutoff,
            )
    assert found == expected
    said = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("[llm] embeddings_threshold" in m and MODEL in m for m in said) is warned


def test_an_unknown_grouping_is_refused():
    with pytest.raises(ConfigError, match="grouping"):
        config.load(None, {"grouping": "vibes"})


def test_the_cli_says_what_grouping_embeddings_needs(mixed: Path, tmp_path: Path):
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-m", "briefing.cli", "make", str(mixed), "-o", str(tmp_path / "o")]
        + ["--grouping", "embeddings", "--base-url", "http://127.0.0.1:9/v1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0
    assert "[llm] embeddings_model" in run.stderr and "--grouping lexical" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "o").exists()
