"""Provider faults: jittered retries on 5xx, 429 (with Retry-After) and timeouts, the circuit breaker
per model, and the fallback model, recorded as `fallback_used` in the usage, the result and the job.

Real litellm calls against the stub OpenAI-compatible server in its own process, which answers with
scripted faults per model (POST /faults); `openai/stub` is the primary model, `openai/backup` the
fallback, both served by the same stub.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from app.errors import CircuitOpenError, ProviderUnavailableError
from app.models import BREAKERS, ChatParams, ChatRequest, CircuitBreakers, ModelClient, UsageMeter
from tests.stub import Stub, stub_server
from tests.test_api_support import JD, RESUME, api_client, wait_for_job

PRIMARY, FALLBACK = "openai/stub", "openai/backup"
BODY = {"resume": RESUME, "jd": JD}


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stub]:
    with stub_server(latency_ms=1) as server:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-stub")
        monkeypatch.setenv("OPENAI_API_BASE", server.base_url)
        BREAKERS.reset()
        yield server
        BREAKERS.reset()


def fault(stub: Stub, **spec: Any) -> None:
    """Script the stub: e.g. fault(stub, model="stub", status=500, count=2)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{stub.port}/faults", data=json.dumps(spec).encode(), method="POST",
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200


def served(stub: Stub) -> dict[str, int]:
    with urllib.request.urlopen(f"http://127.0.0.1:{stub.port}/stats", timeout=5) as response:
        per_model: dict[str, int] = json.loads(response.read())["per_model"]
    return per_model


def ask(client: ModelClient, model: str = PRIMARY, text: str = "rewrite this line") -> Any:
    request = ChatRequest(
        model=model, messages=({"role": "user", "content": text},), params=ChatParams(max_tokens=8)
    )
    return client.complete(request, agent="writer")


def test_5xx_answers_are_retried_until_one_succeeds(stub: Stub) -> None:
    fault(stub, model="stub", status=500, count=2)
    completion = ask(ModelClient(retries=3, backoff_max_s=0.2))
    assert completion.text == "rewrite this line"
    assert served(stub) == {"stub": 3}
    assert completion.record.fallback_from is None


def test_a_429_waits_at_least_its_retry_after(stub: Stub) -> None:
    fault(stub, model="stub", status=429, count=1, retry_after_s=1)
    started = time.perf_counter()
    ask(ModelClient(retries=2, backoff_max_s=5))
    assert time.perf_counter() - started >= 1.0  # the jittered wait alone would be at most 0.25 s
    assert served(stub) == {"stub": 2}


def test_a_timeout_is_retried(stub: Stub) -> None:
    fault(stub, model="stub", delay_ms=3000, count=1)
    started = time.perf_counter()
    completion = ask(ModelClient(retries=2, timeout_s=0.5, backoff_max_s=0.2))
    assert completion.text == "rewrite this line"
    assert time.perf_counter() - started < 2.5  # not the 3 s the slow answer would have taken
    assert served(stub) == {"stub": 2}


def test_without_a_fallback_spent_retries_raise_provider_unavailable(stub: Stub) -> None:
    fault(stub, model="stub", status=503, count=-1)
    with pytest.raises(ProviderUnavailableError, match="after 2 attempt"):
        ask(ModelClient(retries=2, backoff_max_s=0.1))
    assert served(stub) == {"stub": 2}


def test_a_client_error_is_not_retried_and_no_fallback_answers_it(stub: Stub) -> None:
    fault(stub, model="stub", status=400, count=1)
    with pytest.raises(Exception) as raised:
        ask(ModelClient(retries=3, backoff_max_s=0.1, fallback_model=FALLBACK))
    assert not isinstance(raised.value, ProviderUnavailableError)
    assert served(stub) == {"stub": 1}


def test_the_fallback_answers_when_retries_are_spent_and_the_usage_says_so(stub: Stub) -> None:
    fault(stub, model="stub", status=500, count=-1)
    meter = UsageMeter()
    client = ModelClient(retries=2, backoff_max_s=0.1, fallback_model=FALLBACK, meter=meter)
    completion = ask(client)
    assert completion.record.model == FALLBACK and completion.record.fallback_from == PRIMARY
    assert served(stub) == {"stub": 2, "backup": 1}
    summary = meter.summary()
    assert summary["fallback_used"] is True and summary["fallback_calls"] == 1
    assert summary["per_agent"]["writer"]["fallback_calls"] == 1


def test_the_circuit_opens_after_k_faults_fails_fast_then_a_probe_closes_it(stub: Stub) -> None:
    breakers = CircuitBreakers(failure_threshold=3, open_s=1.0)
    client = ModelClient(retries=5, backoff_max_s=0.05, breakers=breakers, fallback_model=FALLBACK)
    fault(stub, model="stub", status=502, count=-1)
    first = ask(client, text="first")
    assert first.record.fallback_from == PRIMARY
    assert served(stub) == {"stub": 3, "backup": 1}  # 3 faults opened it: retries stopped there, not at 5
    assert breakers.state(PRIMARY) == "open"

    second = ask(client, text="second")  # open: the primary is not even called
    assert second.record.fallback_from == PRIMARY and served(stub)["stub"] == 3
    with pytest.raises(CircuitOpenError):
        ask(ModelClient(breakers=breakers), text="third")  # no fallback: fails fast, one line
    assert served(stub)["stub"] == 3

    fault(stub, clear=True)
    time.sleep(1.1)  # open_s passed: one probe goes through and closes the circuit
    assert breakers.state(PRIMARY) == "half_open"
    probe = ask(client, text="fourth")
    assert probe.record.fallback_from is None and probe.record.model == PRIMARY
    assert breakers.state(PRIMARY) == "closed" and served(stub)["stub"] == 4


def test_a_failed_probe_opens_the_circuit_again() -> None:
    breakers = CircuitBreakers(failure_threshold=2, open_s=0.05)
    assert breakers.failure("m") is False and breakers.failure("m") is True
    assert not breakers.allow("m")
    time.sleep(0.06)
    assert breakers.allow("m") and not breakers.allow("m")  # one probe at a time
    assert breakers.failure("m") is True and breakers.state("m") == "open"


def test_a_job_records_fallback_used_in_its_result_and_metrics(
    stub: Stub, monkeypatch: pytest.MonkeyPatch
) -> None:
    fault(stub, model="stub", status=500, count=-1)
    for name, value in {
        "TAILOR_FALLBACK_MODEL": FALLBACK,
        "TAILOR_MAX_RETRIES": "2",
        "TAILOR_CIRCUIT_FAILURES": "2",
        "TAILOR_CACHE_ENABLED": "false",
    }.items():
        monkeypatch.setenv(name, value)
    with api_client(monkeypatch, model=PRIMARY) as client:
        job_id = client.post("/v1/jobs", json=BODY).json()["job_id"]
        job = wait_for_job(client, job_id)
        metrics = client.get("/metrics").text
    assert job["status"] == "succeeded", job
    assert job["result"]["fallback_used"] is True
    usage = job["result"]["usage"]
    assert usage["fallback_used"] is True and usage["fallback_calls"] == usage["calls"] > 0
    calls = served(stub)
    assert calls["backup"] == usage["fallback_calls"]  # every answer came from the fallback (no cache)
    # Two faults opened the circuit: later calls failed fast, without reaching the primary at all.
    assert 2 <= calls["stub"] < 2 * usage["calls"]
    assert f"tailor_llm_fallback_calls_total {float(usage['fallback_calls'])}" in metrics
    assert f'tailor_model_circuit_open{{model="{PRIMARY}"}} 1.0' in metrics
