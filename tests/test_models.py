"""The model layer: cache, usage, retries, model validation. All on the scripted fake."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from app.errors import ConfigError, ModelError, NotFoundError
from app.models import (
    ChatParams,
    ChatRequest,
    ModelClient,
    ResponseCache,
    register_provider,
    unregister_provider,
    validate_model,
)
from tests.fakes import ScriptedLLM


def _request(text: str = "hello", **params: object) -> ChatRequest:
    return ChatRequest(
        model="fake/model",
        messages=({"role": "user", "content": text},),
        params=ChatParams(**params),  # type: ignore[arg-type]
    )


def test_cache_returns_the_same_completion_without_calling_the_model(
    fake_llm: ScriptedLLM, tmp_path: Path
) -> None:
    cache = ResponseCache(tmp_path / "cache.db")
    first = ModelClient(cache=cache).complete(_request(), agent="writer")
    assert len(fake_llm.calls) == 1 and not first.record.cached

    second_client = ModelClient(cache=ResponseCache(tmp_path / "cache.db"))  # a new process, same file
    second = second_client.complete(_request(), agent="writer")
    assert len(fake_llm.calls) == 1, "a cache hit must not reach the model"
    assert second.text == first.text
    assert second.record.cached and second.record.cost_usd == 0.0
    assert second.record.input_tokens == first.record.input_tokens
    assert second_client.cache is not None and second_client.cache.hits == 1


def test_cache_key_covers_model_messages_and_parameters(fake_llm: ScriptedLLM, tmp_path: Path) -> None:
    client = ModelClient(cache=ResponseCache(tmp_path / "c.db"))
    client.complete(_request(), agent="a")
    client.complete(_request(max_tokens=12), agent="a")
    client.complete(_request("other"), agent="a")
    client.complete(_request(), agent="a")
    assert len(fake_llm.calls) == 3
    assert client.cache is not None and (client.cache.hits, client.cache.misses) == (1, 3)


def test_no_cache_always_calls(fake_llm: ScriptedLLM) -> None:
    client = ModelClient(cache=None)
    client.complete(_request(), agent="a")
    client.complete(_request(), agent="a")
    assert len(fake_llm.calls) == 2


def test_parameters_reach_the_provider(fake_llm: ScriptedLLM) -> None:
    ModelClient().complete(_request(max_tokens=33, repeat_penalty=1.3, stop=("\n",), seed=11), agent="a")
    sent = fake_llm.params[-1]
    assert (sent["max_tokens"], sent["repeat_penalty"], sent["stop"], sent["seed"]) == (33, 1.3, ["\n"], 11)


def test_usage_is_recorded_per_agent(fake_llm: ScriptedLLM) -> None:
    client = ModelClient()
    client.complete(_request("one two three"), agent="writer")
    asyncio.run(client.acomplete(_request("four"), agent="judge"))
    summary = client.meter.summary()
    assert summary["calls"] == 2
    assert summary["per_agent"]["writer"]["input_tokens"] == 3
    assert summary["per_agent"]["judge"]["output_tokens"] == 1
    assert summary["cost_usd"] == 0.0
    assert summary["latency_ms"] > 0


def test_transient_failure_is_retried_then_reported_as_one_line() -> None:
    failing = ScriptedLLM(fail_with=RuntimeError)  # a provider crash reaches litellm as a connection error
    register_provider("flaky", failing.handler())
    try:
        client = ModelClient(retries=3, backoff_max_s=0.01)
        request = _request().model_copy(update={"model": "flaky/model"})
        with pytest.raises(ModelError) as info:
            client.complete(request, agent="writer")
        assert len(failing.calls) == 3
        assert "after 3 attempt" in str(info.value) and "\n" not in str(info.value)
    finally:
        unregister_provider("flaky")


def test_validate_model_rejects_unknown_models_and_missing_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    validate_model("local/smollm2")
    with pytest.raises(NotFoundError):
        validate_model("local/gpt-99")
    with pytest.raises(NotFoundError):
        validate_model("nonsense")
    with pytest.raises(NotFoundError):
        validate_model("nosuchprovider/model-x")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(ConfigError):
        validate_model("openai/gpt-4o-mini")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    validate_model("openai/gpt-4o-mini")
