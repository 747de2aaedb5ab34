"""Cost per call: litellm's price map where it knows the model, the local table (0) otherwise.

Real litellm calls against the stub OpenAI-compatible endpoint in its own process; no model is run.
"""

from __future__ import annotations

import logging

import pytest

from app.models import ChatParams, ChatRequest, ModelClient
from tests.stub import stub_server


def _ask(client: ModelClient, model: str) -> float:
    request = ChatRequest(
        model=model,
        messages=({"role": "user", "content": "one two three four five six seven eight"},),
        params=ChatParams(max_tokens=8),
    )
    completion = client.complete(request, agent="cost")
    assert completion.record.input_tokens > 0 and completion.record.output_tokens > 0
    return completion.record.cost_usd


def test_known_models_are_priced_by_litellm_and_unknown_ones_at_zero_with_one_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with stub_server(latency_ms=1) as stub:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-stub")
        monkeypatch.setenv("OPENAI_API_BASE", stub.base_url)
        client = ModelClient(retries=1)
        assert _ask(client, "openai/gpt-4o-mini") > 0  # litellm's map prices it

        unknown = "openai/tailor-test-unpriced-model"
        with caplog.at_level(logging.WARNING, logger="tailor.models"):
            costs = [_ask(client, unknown) for _ in range(3)]
        assert costs == [0.0, 0.0, 0.0]
        warnings = [r for r in caplog.records if "no price known" in r.getMessage()]
        assert len(warnings) == 1 and unknown in warnings[0].getMessage()
        assert stub.requests() == 4
