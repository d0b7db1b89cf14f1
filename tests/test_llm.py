"""llm: the one retry policy and the structured-output fallback, against a real local
server speaking the OpenAI protocol (the openai client is not patched)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fake_openai import Delay, FakeOpenAI, Raw, Reply, Status

from briefing.digest.llm import Endpoint, LLMClient
from briefing.errors import LLMAuthError, LLMModelError, LLMRequestError, LLMUnavailableError

MESSAGES = [{"role": "user", "content": "hi"}]
SCHEMA = {"type": "object", "properties": {"a": {"type": "integer"}}}


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as srv:
        yield srv


def client(server: FakeOpenAI, sleeps: list[float] | None = None, **kw: object) -> LLMClient:
    options = {"timeout": 5.0, "max_attempts": 4, "backoff_initial": 0.01, "backoff_max": 0.05}
    options.update(kw)
    endpoint = Endpoint(model="fake-model", base_url=server.base_url, api_key="test", **options)  # type: ignore[arg-type]
    if sleeps is None:
        return LLMClient(endpoint)

    def record(seconds: float) -> None:
        sleeps.append(seconds)

    return LLMClient(endpoint, sleep=record)


def test_valid_answer_with_usage_and_schema(server: FakeOpenAI) -> None:
    server.enqueue(Reply('{"a": 1}', prompt_tokens=11, completion_tokens=3))
    done = client(server).complete(MESSAGES, schema=SCHEMA, schema_name="A")
    assert (done.text, done.prompt_tokens, done.completion_tokens, done.attempts) == (
        '{"a": 1}',
        11,
        3,
        1,
    )
    request = server.requests[0]
    assert request["response_format"]["type"] == "json_schema"
    assert request["response_format"]["json_schema"]["schema"] == SCHEMA
    assert request["_headers"]["authorization"] == "Bearer test"


def test_429_waits_what_retry_after_says(server: FakeOpenAI) -> None:
    server.enqueue(Status(429, {"Retry-After": "0.3"}), "ok")
    started = time.monotonic()
    done = client(server).complete(MESSAGES)
    assert done.text == "ok" and done.attempts == 2
    assert time.monotonic() - started >= 0.3


def test_retry_after_ms_and_http_date_are_understood(server: FakeOpenAI) -> None:
    server.enqueue(Status(429, {"retry-after-ms": "1500"}), Status(503, {"Retry-After": "2"}), "ok")
    sleeps: list[float] = []
    client(server, sleeps).complete(MESSAGES)
    assert sleeps == [1.5, 2.0]


@pytest.mark.parametrize("status", [408, 409, 500, 502, 503, 504])
def test_retryable_status_then_success(server: FakeOpenAI, status: int) -> None:
    server.enqueue(Status(status), "ok")
    sleeps: list[float] = []
    done = client(server, sleeps).complete(MESSAGES)
    assert done.text == "ok" and done.attempts == 2 and len(sleeps) == 1
    assert 0 < sleeps[0] <= 0.05  # exponential backoff with jitter, capped


@pytest.mark.parametrize(
    "status, error",
    [
        (400, LLMRequestError),
        (401, LLMAuthError),
        (403, LLMAuthError),
        (404, LLMModelError),
        (422, LLMRequestError),
    ],
)
def test_client_errors_are_never_retried(server: FakeOpenAI, status: int, error: type) -> None:
    server.enqueue(Status(status), "never reached")
    with pytest.raises(error) as info:
        client(server, []).complete(MESSAGES, schema=SCHEMA)
    assert len(server.requests) == 1
    assert f"HTTP {status}" in str(info.value)


def test_401_message_says_what_to_check(server: FakeOpenAI) -> None:
    server.enqueue(Status(401))
    with pytest.raises(LLMAuthError, match="OPENAI_API_KEY"):
        client(server).complete(MESSAGES)


def test_attempts_are_bounded_and_the_error_says_so(server: FakeOpenAI) -> None:
    server.enqueue(*[Status(500)] * 3)
    with pytest.raises(LLMUnavailableError, match="after 3 attempt"):
        client(server, [], max_attempts=3).complete(MESSAGES)
    assert len(server.requests) == 3


def test_total_retry_time_is_bounded(server: FakeOpenAI) -> None:
    server.enqueue(*[Status(429, {"Retry-After": "10"})] * 5)
    started = time.monotonic()
    with pytest.raises(LLMUnavailableError):
        client(server, max_attempts=5, max_retry_seconds=0.4).complete(MESSAGES)
    assert time.monotonic() - started < 3


def test_timeout_is_retried(server: FakeOpenAI) -> None:
    server.enqueue(Delay(1.0), "late", "ok")
    done = client(server, timeout=0.3).complete(MESSAGES)
    assert done.text == "ok" and done.attempts == 2


def test_connection_refused_is_unavailable() -> None:
    endpoint = Endpoint(
        model="m",
        base_url="http://127.0.0.1:9/v1",
        api_key="k",
        max_attempts=2,
        backoff_initial=0.01,
        backoff_max=0.01,
    )
    with pytest.raises(LLMUnavailableError, match="after 2 attempt"):
        LLMClient(endpoint).complete(MESSAGES)


def test_endpoint_without_json_schema_falls_back_to_json_mode() -> None:
    with FakeOpenAI(json_schema=False) as srv:
        srv.enqueue('{"a": 1}', '{"a": 2}')
        c = client(srv)
        assert c.complete(MESSAGES, schema=SCHEMA).text == '{"a": 1}'
        assert [r["response_format"]["type"] for r in srv.requests] == [
            "json_schema",
            "json_object",
        ]
        c.complete(MESSAGES, schema=SCHEMA)  # the mode that worked is remembered
        assert srv.requests[-1]["response_format"]["type"] == "json_object"


def test_endpoint_rejecting_json_mode_too_gets_plain_text(server: FakeOpenAI) -> None:
    unsupported = {"error": {"message": "response_format is not supported", "type": "invalid"}}
    server.enqueue(Status(400, body=unsupported), Status(400, body=unsupported), '{"a": 1}')
    done = client(server).complete(MESSAGES, schema=SCHEMA)
    assert done.mode == "text" and "response_format" not in server.requests[-1]


def test_key_never_in_repr() -> None:
    endpoint = Endpoint(model="m", api_key="sk-secret-123")
    assert "sk-secret" not in repr(endpoint) and "sk-secret" not in str(endpoint)


def test_unreadable_retry_after_falls_back_to_backoff(server: FakeOpenAI) -> None:
    server.enqueue(Status(429, {"Retry-After": "soon"}), "ok")
    sleeps: list[float] = []
    assert client(server, sleeps).complete(MESSAGES).text == "ok"
    assert len(sleeps) == 1 and sleeps[0] <= 0.05


def test_retry_after_beyond_the_budget_gives_up_at_once(server: FakeOpenAI) -> None:
    server.enqueue(Status(429, {"Retry-After": "3600"}), "never reached")
    sleeps: list[float] = []
    with pytest.raises(LLMUnavailableError, match="asked to wait 3600s"):
        client(server, sleeps, max_retry_seconds=60).complete(MESSAGES)
    assert sleeps == [] and len(server.requests) == 1


def test_key_echoed_in_an_error_is_masked() -> None:
    body = {"error": {"message": "bad key sk-secret-12345 for this org", "type": "auth"}}
    with FakeOpenAI() as srv:
        srv.enqueue(Status(400, body=body))
        endpoint = Endpoint(model="m", base_url=srv.base_url, api_key="sk-secret-12345")
        with pytest.raises(LLMRequestError) as info:
            LLMClient(endpoint).complete(MESSAGES)
    assert "sk-secret" not in str(info.value) and "***" in str(info.value)


def test_reasoning_model_rejecting_temperature_is_asked_without_it(server: FakeOpenAI) -> None:
    unsupported = {
        "error": {
            "message": "Unsupported value: 'temperature' does not support 0.2 "
            "with this model. Only the default (1) value is supported.",
            "type": "invalid_request_error",
            "param": "temperature",
        }
    }
    server.enqueue(Status(400, body=unsupported), '{"a": 1}', '{"a": 2}')
    c = client(server)
    assert c.complete(MESSAGES, schema=SCHEMA, temperature=0.2).text == '{"a": 1}'
    assert server.requests[0]["temperature"] == 0.2 and "temperature" not in server.requests[1]
    c.complete(MESSAGES, schema=SCHEMA, temperature=0.2)
    assert "temperature" not in server.requests[2]  # remembered for the run


def test_output_limit_is_sent_and_adapted_to_what_the_endpoint_accepts(server: FakeOpenAI) -> None:
    refuse_max = {
        "error": {
            "message": "Unsupported parameter: 'max_tokens' is not supported "
            "with this model. Use 'max_completion_tokens' instead."
        }
    }
    refuse_both = {"error": {"message": "Unrecognized request argument: max_completion_tokens"}}
    server.enqueue(Status(400, body=refuse_max), Status(400, body=refuse_both), "ok", "ok again")
    c = client(server, max_output_tokens=1234)
    assert c.complete(MESSAGES).text == "ok"
    sent = [(r.get("max_tokens"), r.get("max_completion_tokens")) for r in server.requests]
    assert sent == [(1234, None), (None, 1234), (None, None)]
    c.complete(MESSAGES)
    assert (
        "max_tokens" not in server.requests[-1]
        and "max_completion_tokens" not in server.requests[-1]
    )


# --- hardening: malformed 200s, the circuit breaker, the wall-clock budget, announcements


@pytest.mark.parametrize(
    "bad",
    [
        Raw(b"<html><body><h1>502 Bad Gateway</h1></body></html>", content_type="text/html"),
        Raw(b'{"id": "x", "choices": [{"message": {"content": "{\\"ar'),  # cut off
        Raw(b'{"choices": [{"message": {"content": "x"}}]}', truncate=True),  # hung up
        Raw(b'{"result": "ok"}'),  # wrong shape
        Raw(b'{"choices": []}'),
        Raw(b'{"choices": [{"message": null}]}'),
        Raw(b'{"choices": [{"message": {"content": 5}}]}'),
        Raw(b"[1, 2, 3]"),
        Raw(b""),
    ],
    ids=["html", "truncated", "hung-up", "shape", "no-choice", "no-message", "not-text",
         "list", "empty"],
)  # fmt: skip
def test_a_malformed_200_is_a_logged_retryable_error(
    server: FakeOpenAI, bad: Raw, caplog: pytest.LogCaptureFixture
) -> None:
    server.enqueue(bad, "ok")
    with caplog.at_level("INFO", logger="briefing"):
        done = client(server).complete(MESSAGES)
    assert done.text == "ok" and done.attempts == 2
    assert any("attempt 1 of 4" in r.getMessage() for r in caplog.records)


def test_malformed_200s_to_the_end_are_unavailable_not_a_crash(server: FakeOpenAI) -> None:
    server.enqueue(*[Raw(b"<html>oops</html>", content_type="text/html")] * 3)
    with pytest.raises(LLMUnavailableError, match="HTTP 200 with a body that is not"):
        client(server, [], max_attempts=3).complete(MESSAGES)


def test_the_circuit_breaker_stops_every_later_call(server: FakeOpenAI) -> None:
    server.enqueue(*[Status(500)] * 3)
    llm = client(server, [], max_attempts=2, circuit_breaker=3)
    with pytest.raises(LLMUnavailableError, match="after 2 attempt"):
        llm.complete(MESSAGES)
    with pytest.raises(LLMUnavailableError, match="failed 3 times in a row"):
        llm.complete(MESSAGES)  # the third failure opens the breaker
    with pytest.raises(LLMUnavailableError, match=f"Given up: the model endpoint {llm.where}"):
        llm.complete(MESSAGES)
    assert len(server.requests) == 3


def test_a_server_that_answers_resets_the_breaker(server: FakeOpenAI) -> None:
    server.enqueue(Status(500), Status(500), "ok", Status(500), Status(500), "ok")
    llm = client(server, [], max_attempts=3, circuit_breaker=3)
    assert llm.complete(MESSAGES).text == "ok"
    assert llm.complete(MESSAGES).text == "ok"
    assert not llm.breaker_open


def test_the_budget_bounds_wall_clock_time_including_timeouts(server: FakeOpenAI) -> None:
    server.enqueue(Delay(30), "never", Delay(30), "never", Delay(30), "never")
    started = time.monotonic()
    with pytest.raises(LLMUnavailableError):
        client(server, timeout=5.0, max_attempts=5, max_retry_seconds=1.5).complete(MESSAGES)
    assert time.monotonic() - started < 1.5 + 1.0


def test_long_waits_are_said_without_verbose(
    server: FakeOpenAI, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing.digest import llm as llm_module

    monkeypatch.setattr(llm_module, "ANNOUNCE_WAIT", 0.1)
    monkeypatch.setattr(llm_module, "ANNOUNCE_SLOW", 0.2)
    server.enqueue(Status(429, {"Retry-After": "0.2"}), Delay(0.6), "ok")
    with caplog.at_level("WARNING", logger="briefing"):
        assert client(server).complete(MESSAGES).text == "ok"
    said = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("retrying in 0.2s" in m for m in said)
    assert any(m.startswith("still waiting for the model endpoint") for m in said)


def test_a_key_or_bidi_control_in_an_answer_never_leaves_the_client(server: FakeOpenAI) -> None:
    key = "sk-proj-" + "Zq8Lm3Np5Rt7Vx9Bd2Fh4Jk6Mn8Pq0St2Uv4Wx6Yz8"
    server.enqueue(f'{{"a": "the key {key} \u202eflipped"}}')
    text = client(server).complete(MESSAGES).text
    assert key not in text and "sk-***" in text and "\u202e" not in text
