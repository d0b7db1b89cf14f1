"""benchmarks/serve_embeddings.py: the OpenAI-compatible embeddings server the README's
cross-language figures were measured with, here serving a stand-in model (the real ones
live in a venv of their own), talked to by the real openai client and by brief's."""

from __future__ import annotations

import json
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import serve_embeddings  # noqa: E402

from briefing.digest.llm import Endpoint, LLMClient  # noqa: E402
from briefing.errors import LLMModelError  # noqa: E402

NAME = "stand-in"


def _encoder():
    return lambda texts: [[float(len(t)), 1.0, 0.5] for t in texts]


@pytest.fixture
def base_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setitem(serve_embeddings.MODELS, NAME, _encoder)
    server, _ = serve_embeddings.make_server(NAME, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("form", ["float", "base64"])
def test_the_openai_client_gets_one_vector_per_text_in_order(base_url: str, form: str):
    client = openai.OpenAI(base_url=base_url, api_key="none", max_retries=0)
    found = client.embeddings.create(model=NAME, input=["a", "abc", "ab"], encoding_format=form)
    assert [d.index for d in found.data] == [0, 1, 2]
    vectors = [d.embedding for d in found.data]
    if form == "base64":  # the client leaves a base64 string as it came when asked for it
        import base64
        import struct

        vectors = [list(struct.unpack("<3f", base64.b64decode(v))) for v in vectors]
    assert vectors == [[1.0, 1.0, 0.5], [3.0, 1.0, 0.5], [2.0, 1.0, 0.5]]
    assert [m.id for m in client.models.list().data] == [NAME]


def test_brief_embeds_through_it(base_url: str):
    client = LLMClient(Endpoint(model="chat", base_url=base_url))
    assert client.embed(["x", "yy"], NAME, batch=1) == [[1.0, 1.0, 0.5], [2.0, 1.0, 0.5]]
    with pytest.raises(LLMModelError):  # an unknown model: 404, not retried
        client.embed(["x"], "another-model")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"model": NAME, "input": []}, 400),
        ({"model": NAME, "input": [[1, 2, 3]]}, 400),  # token ids
        ({"model": NAME, "input": ["a", ""]}, 400),
        ({"model": NAME, "input": "a", "encoding_format": "int8"}, 400),
        ({"model": "other", "input": "a"}, 404),
        (["not", "an", "object"], 400),
    ],
)
def test_a_bad_request_gets_an_openai_style_error(base_url: str, body: object, status: int):
    request = urllib.request.Request(
        base_url + "/embeddings",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=10)
    assert raised.value.code == status
    assert json.loads(raised.value.read())["error"]["message"]
