"""Per-agent latency in a run's usage: the time its model calls took now, and a cached run's is its
look-ups, never more than the run's wall time."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.models import ModelClient, ResponseCache
from app.pipeline import TailorResult, tailor
from app.registry import open_registry
from app.settings import get_settings
from tests.conftest import FIXTURES, SAMPLES
from tests.fakes import ScriptedLLM, echo_last_user

MODEL_CALL_S = 0.05


def _slow_echo(messages: list[dict[str, str]], params: dict[str, Any]) -> str:
    time.sleep(MODEL_CALL_S)
    return echo_last_user(messages, params)


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[ResponseCache]:
    with ResponseCache(tmp_path / "responses.sqlite") as opened:
        yield opened


def _run(cache: ResponseCache) -> TailorResult:
    pipeline = open_registry().resolve("production").with_model("fake/model")
    resume = json.loads((FIXTURES / "jsonresume" / "senior-engineer.resume.json").read_text())
    jd = (SAMPLES / "job.txt").read_text()
    prompts = get_settings().registry / "prompts"
    return asyncio.run(tailor(resume, jd, pipeline, client=ModelClient(cache=cache), prompts_root=prompts))


def test_a_fresh_run_reports_each_calling_agents_model_time(fake_llm: ScriptedLLM, cache: ResponseCache) -> None:
    fake_llm.responder = _slow_echo
    usage = _run(cache).usage
    agents = usage["per_agent"]
    assert agents and all(a["cache_misses"] == a["calls"] > 0 for a in agents.values())
    for name, agent in agents.items():
        floor_ms = agent["calls"] * MODEL_CALL_S * 1000
        assert agent["latency_ms"] >= floor_ms, name
        assert agent["model_latency_ms"] == agent["latency_ms"], name
    assert usage["latency_ms"] == pytest.approx(sum(a["latency_ms"] for a in agents.values()))


def test_a_cached_run_reports_its_lookups_not_the_original_calls(
    fake_llm: ScriptedLLM, cache: ResponseCache
) -> None:
    fake_llm.responder = _slow_echo
    fresh = _run(cache)
    sent = len(fake_llm.calls)
    cached = _run(cache)

    assert len(fake_llm.calls) == sent, "the second run must be served from the cache"
    assert cached.markdown == fresh.markdown
    first, second = fresh.usage["per_agent"], cached.usage["per_agent"]
    assert second.keys() == first.keys()
    for name, agent in second.items():
        assert agent["cache_hits"] == agent["calls"] and agent["cache_misses"] == 0, name
        assert 0 < agent["latency_ms"] < first[name]["latency_ms"] / 10, name  # a look-up is timed
        assert agent["model_latency_ms"] == 0.0, name
        assert agent["cache_saved_ms"] == first[name]["model_latency_ms"], name
    assert sum(a["latency_ms"] for a in second.values()) <= cached.latency_ms
    assert cached.usage["model_latency_ms"] <= cached.latency_ms
