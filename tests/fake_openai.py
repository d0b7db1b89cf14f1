"""A fake OpenAI-compatible server for tests: a real HTTP server on 127.0.0.1.

The real ``openai.OpenAI`` client talks to it over a socket, so tests exercise the
client's own request building, response parsing, error classes and timeouts, and
never reach the internet::

    with FakeOpenAI() as server:
        server.enqueue("first answer", Status(429, {"Retry-After": "0.2"}), "second")
        client = openai.OpenAI(base_url=server.base_url, api_key="test", max_retries=0)
        ...
        assert server.requests[0]["model"] == "gpt-test"

``POST /v1/chat/completions`` answers from a FIFO queue of ``Reply``/``Status``/``Delay``
items (a ``str`` is shorthand for ``Reply(content=...)``). When the queue is empty the
``default`` answers (a ``Reply``, or a callable given the request body); with no
default the server answers 500 saying the queue is empty, so a test that enqueues
too few replies fails loudly. ``GET /v1/models`` lists one model, ``fake-model``.

``POST /v1/embeddings`` answers one vector per input, in order: ``embedder(text)`` when
given, else a deterministic one made from the text's SHA-256 (``hashed_vector``). Items
queued with ``enqueue_embeddings`` (``Status``/``Delay``/``Raw``) answer the next
embeddings requests first, so a test can make the endpoint fail.

Every POST body is recorded in ``requests`` (parsed JSON, plus ``"_path"`` and
``"_headers"`` with lower-cased header names), in arrival order.
"""

from __future__ import annotations

import itertools
import json
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

MODEL = "fake-model"
CHAT_PATH = "/v1/chat/completions"
MODELS_PATH = "/v1/models"
EMBEDDINGS_PATH = "/v1/embeddings"
EMBEDDING_SIZE = 16


def hashed_vector(text: str, size: int = EMBEDDING_SIZE) -> list[float]:
    """A deterministic vector for ``text``: its SHA-256 bytes scaled to [-1, 1]."""
    import hashlib

    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return [digest[k % len(digest)] / 127.5 - 1.0 for k in range(size)]


# OpenAI's error `type` and `code` for the statuses tests use; others get "api_error".
_ERROR_KINDS: dict[int, tuple[str, str | None]] = {
    400: ("invalid_request_error", None),
    401: ("authentication_error", "invalid_api_key"),
    403: ("permission_error", None),
    404: ("not_found_error", None),
    408: ("timeout_error", None),
    409: ("conflict_error", None),
    422: ("invalid_request_error", None),
    429: ("rate_limit_error", "rate_limit_exceeded"),
    500: ("server_error", None),
    502: ("server_error", None),
    503: ("server_error", "overloaded"),
}


@dataclass(frozen=True, slots=True)
class Status:
    """An HTTP error reply: ``code``, extra ``headers`` (e.g. ``Retry-After``), JSON ``body``.

    Without a ``body`` the reply is OpenAI-style ``{"error": {"message", "type", "code"}}``.
    """

    code: int
    headers: dict[str, str] = field(default_factory=dict)
    body: dict | None = None


@dataclass(frozen=True, slots=True)
class Delay:
    """Sleep ``seconds`` before answering with the next queued item.

    The request that meets a ``Delay`` takes it *and* the item after it off the queue at
    once (consecutive delays add up), so a client that times out and retries while the
    server sleeps gets the item after that, deterministically.
    """

    seconds: float


@dataclass(frozen=True, slots=True)
class Reply:
    """A chat completion whose assistant message is ``content``."""

    content: str
    prompt_tokens: int = 10
    completion_tokens: int = 20
    model: str | None = None  # None: echo the requested model
    finish_reason: str = "stop"


@dataclass(frozen=True, slots=True)
class Raw:
    """A reply sent exactly as given: ``body`` bytes with ``status`` (200 by default) and
    ``content_type``, e.g. an HTML error page or a JSON body of the wrong shape served with
    200. ``truncate`` announces a Content-Length longer than the body and hangs up after
    sending it, as a proxy that drops the connection mid-answer does."""

    body: bytes
    status: int = 200
    content_type: str = "application/json"
    truncate: bool = False


Item = Reply | Status | Delay | Raw
Answer = Reply | Status | Raw
Default = Reply | Callable[[dict], Reply | Status | str] | None


def error_body(code: int, message: str, *, param: str | None = None) -> dict:
    """An OpenAI-style error body for HTTP status ``code``."""
    kind, error_code = _ERROR_KINDS.get(code, ("api_error", None))
    return {"error": {"message": message, "type": kind, "param": param, "code": error_code}}


class FakeOpenAI:
    """A local OpenAI-compatible chat-completions server. See the module docstring.

    ``json_schema=False`` makes it reject ``response_format`` of type ``json_schema`` with
    a 400, as vLLM, llama.cpp and older servers do (``json_object`` is accepted).
    ``latency`` is slept before every chat-completion answer, in the request's own thread.
    """

    def __init__(
        self,
        *,
        json_schema: bool = True,
        latency: float = 0.0,
        default: Default = None,
        model_info: dict | None = None,
        embedder: Callable[[str], list[float]] | None = None,
    ) -> None:
        self.embedder = embedder or hashed_vector
        self._embedding_queue: deque[Item] = deque()
        self.json_schema = json_schema
        self.model_info = model_info or {}  # extra fields of the model in GET /models
        self.latency = latency
        self.default = default
        self.requests: list[dict] = []
        self._queue: deque[Item] = deque()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._stopping = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> FakeOpenAI:
        if self._httpd is not None:
            raise RuntimeError("FakeOpenAI is already started")
        self._stopping.clear()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.fake = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="fake-openai",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; wake any request sleeping in a ``Delay`` or ``latency``."""
        if self._httpd is None:
            return
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()
        self._httpd = None
        self._thread = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1``, for ``openai.OpenAI(base_url=...)``."""
        if self._httpd is None:
            raise RuntimeError("FakeOpenAI is not started: call start() or use it in `with`")
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    # -- the queue -------------------------------------------------------------------

    def enqueue(self, *items: Reply | Status | Delay | Raw | str) -> None:
        """Queue answers for the next chat-completion requests, first in first out."""
        coerced: list[Item] = []
        for item in items:
            if isinstance(item, str):
                item = Reply(content=item)
            if not isinstance(item, Reply | Status | Delay | Raw):
                raise TypeError(f"enqueue() takes Reply, Status, Delay or str, not {item!r}")
            coerced.append(item)
        with self._lock:
            self._queue.extend(coerced)

    def enqueue_embeddings(self, *items: Status | Delay | Raw) -> None:
        """Queue failures (or delays) for the next embeddings requests."""
        for item in items:
            if not isinstance(item, Status | Delay | Raw):
                raise TypeError(f"enqueue_embeddings() takes Status, Delay or Raw, not {item!r}")
        with self._lock:
            self._embedding_queue.extend(items)

    @property
    def pending(self) -> int:
        """How many queued items have not been served yet."""
        with self._lock:
            return len(self._queue)

    def _take(self) -> tuple[float, Answer | None]:
        """Pop the next answer and the delay before it (``None``: queue empty)."""
        delay = 0.0
        with self._lock:
            while self._queue:
                item = self._queue.popleft()
                if isinstance(item, Delay):
                    delay += item.seconds
                    continue
                return delay, item
        return delay, None

    def _record(self, body: dict) -> None:
        with self._lock:
            self.requests.append(body)

    def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._stopping.wait(seconds)

    # -- answering -------------------------------------------------------------------

    def _answer_chat(self, body: dict) -> tuple[int, dict | Raw, dict[str, str]]:
        """The (status, JSON body, extra headers) for one chat-completion request."""
        self._sleep(self.latency)
        rejection = self._rejection(body)
        if rejection is not None:
            param, message = rejection
            return 400, error_body(400, message, param=param), {}
        delay, answer = self._take()
        self._sleep(delay)
        if answer is None:
            answer = self._default_answer(body)
        if isinstance(answer, Raw):
            return answer.status, answer, {}
        if isinstance(answer, Status):
            message = f"Fake error {answer.code} (queued Status)"
            payload = answer.body if answer.body is not None else error_body(answer.code, message)
            return answer.code, payload, dict(answer.headers)
        return 200, self._completion(answer, body), {}

    def _answer_embeddings(self, body: dict) -> tuple[int, dict | Raw, dict[str, str]]:
        """The (status, JSON body, extra headers) for one embeddings request."""
        delay, answer = 0.0, None
        with self._lock:
            while self._embedding_queue:
                item = self._embedding_queue.popleft()
                if isinstance(item, Delay):
                    delay += item.seconds
                    continue
                answer = item
                break
        self._sleep(delay)
        if isinstance(answer, Raw):
            return answer.status, answer, {}
        if isinstance(answer, Status):
            message = f"Fake error {answer.code} (queued Status)"
            payload = answer.body if answer.body is not None else error_body(answer.code, message)
            return answer.code, payload, dict(answer.headers)
        texts = body.get("input")
        if isinstance(texts, str):
            texts = [texts]
        if not isinstance(body.get("model"), str):
            return 400, error_body(400, "you must provide a model parameter", param="model"), {}
        if not isinstance(texts, list) or not all(isinstance(t, str) and t for t in texts):
            message = "'input' must be a non-empty string or a list of non-empty strings"
            return 400, error_body(400, message, param="input"), {}
        data = [
            {"object": "embedding", "index": k, "embedding": self.embedder(text)}
            for k, text in enumerate(texts)
        ]
        tokens = sum(len(t.split()) for t in texts)
        usage = {"prompt_tokens": tokens, "total_tokens": tokens}
        return 200, {"object": "list", "data": data, "model": body["model"], "usage": usage}, {}

    def _rejection(self, body: dict) -> tuple[str, str] | None:
        """The (param, message) of the 400 a real server would answer, or None."""
        if not isinstance(body.get("model"), str):
            return "model", "you must provide a model parameter"
        if not isinstance(body.get("messages"), list) or not body["messages"]:
            return "messages", "'messages' must be a non-empty array"
        if body.get("stream"):
            return "stream", "stream=true is not supported by this fake server: use plain calls"
        response_format = body.get("response_format")
        if response_format is not None:
            kind = response_format.get("type") if isinstance(response_format, dict) else None
            if kind not in {"text", "json_object", "json_schema"}:
                return "response_format", f"Invalid response_format type {kind!r}"
            if kind == "json_schema" and not self.json_schema:
                return "response_format", (
                    "response_format type 'json_schema' is not supported by this server "
                    "(no structured-output support); use {'type': 'json_object'} instead"
                )
        return None

    def _default_answer(self, body: dict) -> Answer:
        default = self.default
        if default is None:
            return Status(
                500,
                body=error_body(
                    500,
                    "FakeOpenAI queue is empty: the test enqueued fewer replies than the code "
                    f"under test asked for (request #{len(self.requests)}), and no default is set",
                ),
            )
        if callable(default):
            try:
                answer = default(body)
            except Exception as exc:  # the test's callable failed: say so in the reply
                message = f"FakeOpenAI default callable raised {type(exc).__name__}: {exc}"
                return Status(500, body=error_body(500, message))
        else:
            answer = default
        if isinstance(answer, str):
            answer = Reply(content=answer)
        if not isinstance(answer, Reply | Status | Raw):
            message = f"FakeOpenAI default must give a Reply, Status, Raw or str, not {answer!r}"
            return Status(500, body=error_body(500, message))
        return answer

    def _completion(self, reply: Reply, body: dict) -> dict:
        return {
            "id": f"chatcmpl-fake-{next(self._ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": reply.model or body.get("model") or MODEL,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": reply.content},
                    "logprobs": None,
                    "finish_reason": reply.finish_reason,
                }
            ],
            "usage": {
                "prompt_tokens": reply.prompt_tokens,
                "completion_tokens": reply.completion_tokens,
                "total_tokens": reply.prompt_tokens + reply.completion_tokens,
            },
        }


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a request still sleeping in a Delay never blocks stop()
    request_queue_size = 64
    fake: FakeOpenAI

    def handle_error(self, request: Any, client_address: Any) -> None:
        # The client hung up (it timed out during a Delay): expected, stay quiet.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"  # one request per connection: no idle keep-alive threads

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: no access log on stderr

    def do_GET(self) -> None:
        if self.path.rstrip("/") == MODELS_PATH:
            model = {"id": MODEL, "object": "model", "created": 0, "owned_by": "fake-openai"}
            model.update(self.server.fake.model_info)
            self._send(200, {"object": "list", "data": [model]})
        else:
            self._send(404, error_body(404, f"Unknown path: GET {self.path}"))

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            body = json.loads(raw)
            if not isinstance(body, dict):
                raise ValueError("not a JSON object")
        except ValueError as exc:
            text = raw.decode("utf-8", "replace")
            self.server.fake._record({"_path": self.path, "_headers": headers, "_raw": text})
            self._send(400, error_body(400, f"Request body is not a JSON object: {exc}"))
            return
        self.server.fake._record(
            {**body, "_path": self.path, "_headers": headers, "_at": time.monotonic()}
        )
        path = self.path.rstrip("/")
        if path not in (CHAT_PATH, EMBEDDINGS_PATH):
            self._send(404, error_body(404, f"Unknown path: POST {self.path}"))
            return
        fake = self.server.fake
        try:
            if path == EMBEDDINGS_PATH:
                status, payload, extra = fake._answer_embeddings(body)
            else:
                status, payload, extra = fake._answer_chat(body)
        except Exception as exc:  # a bug in the fake: answer loudly rather than hang up
            status, payload, extra = 500, error_body(500, f"FakeOpenAI bug: {exc!r}"), {}
        self._send(status, payload, extra)

    def _send(
        self, status: int, payload: dict | Raw, headers: dict[str, str] | None = None
    ) -> None:
        if isinstance(payload, Raw):
            self.send_response(status)
            self.send_header("Content-Type", payload.content_type)
            self.send_header("Content-Length", str(len(payload.body) + 100 * payload.truncate))
            self.end_headers()
            self.wfile.write(payload.body)
            if payload.truncate:
                self.wfile.flush()
                self.close_connection = True
            return
        data = json.dumps(payload).encode("utf-8")
        extra = headers or {}
        self.send_response(status)
        if not any(name.lower() == "content-type" for name in extra):
            self.send_header("Content-Type", "application/json")
        for name, value in extra.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A started ``FakeOpenAI`` with default settings, stopped after the test."""
    with FakeOpenAI() as server:
        yield server
