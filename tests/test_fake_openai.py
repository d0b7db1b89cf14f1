"""The fake OpenAI server, checked with the real `openai` client over a real socket."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import openai
import pytest
from fake_openai import Delay, FakeOpenAI, Reply, Status, fake_openai  # noqa: F401 (fixture)

MESSAGES = [{"role": "user", "content": "Say hi"}]


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


def client_for(server: FakeOpenAI, timeout: float = 5.0) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key="test", max_retries=0, timeout=timeout)


def ask(client: openai.OpenAI, **kwargs: object) -> openai.types.chat.ChatCompletion:
    params: dict = {"model": "gpt-test", "messages": MESSAGES, **kwargs}
    return client.chat.completions.create(**params)


def test_queued_replies_come_in_order_and_requests_are_recorded(server: FakeOpenAI) -> None:
    server.enqueue("first", Reply("second", model="other-model"))
    client = client_for(server)
    fmt = {"type": "json_object"}

    one = ask(client, response_format=fmt)
    two = ask(client, model="gpt-two", messages=[{"role": "system", "content": "Be brief"}])

    assert one.choices[0].message.content == "first"
    assert one.choices[0].message.role == "assistant"
    assert one.choices[0].finish_reason == "stop"
    assert one.model == "gpt-test"  # echoes the requested model
    assert two.choices[0].message.content == "second"
    assert two.model == "other-model"
    assert one.id != two.id
    assert server.pending == 0

    first, second = server.requests
    assert first["model"] == "gpt-test"
    assert first["messages"] == MESSAGES
    assert first["response_format"] == fmt
    assert first["_path"] == "/v1/chat/completions"
    assert first["_headers"]["authorization"] == "Bearer test"
    assert second["model"] == "gpt-two"
    assert second["messages"] == [{"role": "system", "content": "Be brief"}]
    assert "response_format" not in second


def test_usage_is_parsed(server: FakeOpenAI) -> None:
    server.enqueue(Reply("x", prompt_tokens=7, completion_tokens=3))
    completion = ask(client_for(server))
    assert completion.object == "chat.completion"
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (7, 3)
    assert completion.usage.total_tokens == 10


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (400, openai.BadRequestError),
        (401, openai.AuthenticationError),
        (404, openai.NotFoundError),
        (429, openai.RateLimitError),
        (500, openai.InternalServerError),
        (503, openai.InternalServerError),
    ],
)
def test_status_raises_the_matching_openai_error(
    server: FakeOpenAI, code: int, error: type[openai.APIStatusError]
) -> None:
    server.enqueue(Status(code), "after")
    client = client_for(server)
    with pytest.raises(error) as caught:
        ask(client)
    assert caught.value.status_code == code
    assert isinstance(caught.value.body, dict)
    assert caught.value.body["message"]  # OpenAI-style {"error": {"message": ...}}
    assert ask(client).choices[0].message.content == "after"  # the queue moved on


def test_status_headers_and_body_reach_the_client(server: FakeOpenAI) -> None:
    body = {"error": {"message": "slow down", "type": "requests", "code": "rate_limit_exceeded"}}
    server.enqueue(Status(429, {"Retry-After": "1"}), Status(429, body=body))
    client = client_for(server)
    with pytest.raises(openai.RateLimitError) as caught:
        ask(client)
    assert caught.value.response.headers["Retry-After"] == "1"
    with pytest.raises(openai.RateLimitError) as caught:
        ask(client)
    assert caught.value.body == body["error"]
    assert "slow down" in str(caught.value)


def test_delay_longer_than_the_timeout_times_out_and_consumes_its_reply(
    server: FakeOpenAI,
) -> None:
    server.enqueue(Delay(2.0), "too late", "on time")
    client = client_for(server, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        ask(client)
    assert time.monotonic() - started < 1.5
    assert ask(client).choices[0].message.content == "on time"


def test_delay_shorter_than_the_timeout_still_answers(server: FakeOpenAI) -> None:
    server.enqueue(Delay(0.2), "slow")
    started = time.monotonic()
    assert ask(client_for(server)).choices[0].message.content == "slow"
    assert time.monotonic() - started >= 0.2


SCHEMA_FORMAT = {
    "type": "json_schema",
    "json_schema": {
        "name": "answer",
        "schema": {"type": "object", "properties": {"a": {"type": "string"}}},
    },
}


def test_server_without_json_schema_rejects_it_but_accepts_json_object() -> None:
    with FakeOpenAI(json_schema=False) as server:
        server.enqueue('{"a": "json mode"}')
        client = client_for(server)
        with pytest.raises(openai.BadRequestError) as caught:
            ask(client, response_format=SCHEMA_FORMAT)
        message = str(caught.value)
        assert "response_format" in message and "json_schema" in message
        assert server.pending == 1  # a rejected request consumes nothing
        answer = ask(client, response_format={"type": "json_object"})
        assert answer.choices[0].message.content == '{"a": "json mode"}'
        assert len(server.requests) == 2


def test_server_with_json_schema_accepts_it(server: FakeOpenAI) -> None:
    server.enqueue('{"a": "schema"}')
    answer = ask(client_for(server), response_format=SCHEMA_FORMAT)
    assert answer.choices[0].message.content == '{"a": "schema"}'
    assert server.requests[0]["response_format"] == SCHEMA_FORMAT


def test_streaming_is_refused(server: FakeOpenAI) -> None:
    server.enqueue("never streamed")
    with pytest.raises(openai.BadRequestError, match="stream"):
        ask(client_for(server), stream=True)


def test_empty_queue_answers_500_saying_so(server: FakeOpenAI) -> None:
    with pytest.raises(openai.InternalServerError) as caught:
        ask(client_for(server))
    assert "queue is empty" in str(caught.value)


def test_reply_default_answers_every_request_once_the_queue_is_empty() -> None:
    with FakeOpenAI(default=Reply("fallback")) as server:
        server.enqueue("queued")
        client = client_for(server)
        contents = [ask(client).choices[0].message.content for _ in range(3)]
    assert contents == ["queued", "fallback", "fallback"]


def test_callable_default_answers_per_request() -> None:
    def answer(body: dict) -> Reply | Status:
        prompt = body["messages"][-1]["content"]
        if "fail" in prompt:
            return Status(503)
        return Reply(f"echo {prompt}", prompt_tokens=len(prompt))

    with FakeOpenAI(default=answer) as server:
        client = client_for(server)
        first = ask(client, messages=[{"role": "user", "content": "ids a1 b2"}])
        with pytest.raises(openai.InternalServerError):
            ask(client, messages=[{"role": "user", "content": "please fail"}])
    assert first.choices[0].message.content == "echo ids a1 b2"
    assert first.usage is not None and first.usage.prompt_tokens == len("ids a1 b2")


def test_callable_default_that_raises_is_reported() -> None:
    def broken(body: dict) -> Reply:
        raise KeyError("no ids in prompt")

    with FakeOpenAI(default=broken) as server:
        with pytest.raises(openai.InternalServerError, match="KeyError"):
            ask(client_for(server))


def test_models_lists_the_fake_model(server: FakeOpenAI) -> None:
    assert [model.id for model in client_for(server).models.list()] == ["fake-model"]


def test_parallel_calls_are_served_concurrently_each_reply_once() -> None:
    with FakeOpenAI(latency=0.5) as server:
        server.enqueue(*(f"reply {i}" for i in range(5)))
        client = client_for(server)
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=5) as pool:
            results = list(pool.map(lambda _: ask(client), range(5)))
        elapsed = time.monotonic() - started
    assert 0.5 <= elapsed < 1.2, f"5 calls with latency 0.5 took {elapsed:.2f}s"
    contents = sorted(r.choices[0].message.content for r in results)
    assert contents == [f"reply {i}" for i in range(5)]


def test_enqueue_rejects_other_types(server: FakeOpenAI) -> None:
    with pytest.raises(TypeError):
        server.enqueue({"content": "a dict is not a Reply"})  # type: ignore[arg-type]


def test_stop_closes_the_port_wakes_sleepers_and_logs_nothing(
    capfd: pytest.CaptureFixture[str],
) -> None:
    threads_before = set(threading.enumerate())
    server = FakeOpenAI().start()
    client = client_for(server, timeout=0.3)
    server.enqueue("ok", Status(500), Delay(2.0), "late")
    ask(client)
    with pytest.raises(openai.InternalServerError):
        ask(client)
    with pytest.raises(openai.APITimeoutError):
        ask(client)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 1.0  # a sleeping Delay does not hold stop() up
    with pytest.raises(openai.APIConnectionError):
        ask(client)
    time.sleep(0.2)  # the woken Delay thread writes to its closed socket and ends
    assert set(threading.enumerate()) - threads_before == set()
    assert capfd.readouterr().err == ""


def test_base_url_before_start_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="not started"):
        _ = FakeOpenAI().base_url


def test_fake_openai_fixture_is_started(request: pytest.FixtureRequest) -> None:
    server = request.getfixturevalue("fake_openai")  # imported above, as a conftest would
    assert isinstance(server, FakeOpenAI)
    assert server.base_url.startswith("http://127.0.0.1:")
    server.enqueue("from the fixture")
    assert ask(client_for(server)).choices[0].message.content == "from the fixture"
