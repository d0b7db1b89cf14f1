"""A third-party judge of the retry policy: llmock injects 429s (with Retry-After) and
503s on a real socket, and its verdict names any retry that came too early, any
non-retryable error retried, any retry storm or any retryable error given up on."""

from __future__ import annotations

from llmock.chaos import ChaosSettings
from llmock.testing import LLMockServer
from llmock.verdict import judge

from briefing.digest.llm import Endpoint, LLMClient


def test_llmock_finds_no_fault_in_the_retry_policy() -> None:
    chaos = ChaosSettings(error_rate_429=0.3, error_rate_503=0.2)
    with LLMockServer(chaos=chaos) as server:
        endpoint = Endpoint(
            model="gpt-4o-mini",
            base_url=server.base_url("openai"),
            api_key="test",
            max_attempts=8,
            backoff_initial=0.05,
            backoff_max=0.5,
            timeout=10,
        )
        client = LLMClient(endpoint)
        for i in range(8):
            done = client.complete([{"role": "user", "content": f"call {i}"}])
            assert done.text
        verdict = judge(list(server.state.journal.records()))
    assert len(verdict.calls) == 8
    assert sum(len(call.attempts) for call in verdict.calls) > 8  # faults were injected
    assert verdict.findings == (), [f.to_dict() for f in verdict.findings]
