"""The worker side of `tailor eval --backend celery`, in this process (no broker): a case is run from
its stored inputs and recorded once, exactly as the local runner records it; stale and foreign
messages do nothing; a worker on other code records an error that says so. And the submitter's
clear one-line errors when there is no broker or no worker."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest

from app.settings import get_settings, reset_settings
from evals.distributed import EvalWorker, RunSpec
from evals.harness import EvalRequest, plan_evaluation
from evals.runner import EvalPlan, RunIndex, evaluate_one, make_solver, prepare_run_dir
from tests.fakes import ScriptedLLM

SCORERS = ["structure", "fabrication", "jd_coverage", "length_and_style"]


def _submitted(plan: EvalPlan, *, spec: RunSpec | None = None) -> tuple[Any, str, int]:
    """What the submitter leaves in the store before sending: the run, its cases and its spec."""
    settings = get_settings()
    folder, _ = prepare_run_dir(plan, settings)
    index = RunIndex(plan, settings, folder)
    index.started(0, backend="celery")
    key = plan.config_hash()
    index.store.seed_run_cases(key, [(c.id, c.model_dump_json()) for c in plan.dataset.cases])
    spec = spec or RunSpec.from_plan(plan)
    epoch = index.store.set_run_spec(key, backend="celery", spec=spec.model_dump_json())
    return index.store, key, epoch


@pytest.fixture
def plan(fake_llm: ScriptedLLM) -> EvalPlan:
    return plan_evaluation(
        EvalRequest(dataset="golden:smoke", model="fake/model", scorers=SCORERS, track=False)
    )


def test_a_worker_records_a_case_once_as_the_local_runner_would(plan: EvalPlan) -> None:
    store, key, epoch = _submitted(plan)
    worker = EvalWorker(get_settings())
    case = plan.dataset.cases[0]
    assert worker.run_case(key, case.id, epoch) == "recorded"
    assert worker.run_case(key, case.id, epoch) == "done"  # a second delivery runs nothing
    stored = json.loads(store.run_records(key)[0])
    local = asyncio.run(
        evaluate_one(case, solver=make_solver("tailoring", plan.pipeline, get_settings()), scorers=SCORERS,
                     scorer_kwargs={}, cache=None, settings=get_settings())
    )  # fmt: skip
    assert stored["status"] == "ok"
    assert stored["scores"] == json.loads(local.model_dump_json())["scores"]
    assert stored["output"] == json.loads(local.model_dump_json())["output"]
    assert "daniel.osei@example.com" not in store.run_records(key)[0]  # pseudonymised, as locally


def test_a_stale_message_does_nothing(plan: EvalPlan) -> None:
    store, key, epoch = _submitted(plan)
    worker = EvalWorker(get_settings())
    case = plan.dataset.cases[1]
    store.bump_epoch(key)  # the submitter was cancelled
    assert worker.run_case(key, case.id, epoch) == "stale"
    assert store.pending_case_ids(key)[0] == plan.dataset.cases[0].id
    assert case.id in store.pending_case_ids(key)


def test_a_worker_on_other_code_records_an_error_naming_it(plan: EvalPlan) -> None:
    spec = RunSpec.from_plan(plan).model_copy(update={"code_hash": "0" * 64})
    store, key, epoch = _submitted(plan, spec=spec)
    worker = EvalWorker(get_settings())
    case = plan.dataset.cases[0]
    assert worker.run_case(key, case.id, epoch) == "recorded"
    record = json.loads(store.run_records(key)[0])
    assert record["status"] == "error"
    assert "deploy the same commit to every worker" in record["error"]


@pytest.fixture
def no_broker(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        monkeypatch.delenv(name, raising=False)
    reset_settings()
    yield


def test_without_a_broker_the_celery_backend_is_one_line(cli: Any, no_broker: None, fake_llm: ScriptedLLM) -> None:
    result = cli("eval", "--dataset", "golden:smoke", "--model", "fake/model", "--scorers", "structure",
                 "--no-track", "--backend", "celery")  # fmt: skip
    assert result.code != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [lines[0]] and lines[0].startswith("error: the celery backend needs a broker")
    assert "Traceback" not in result.stderr


def test_an_unknown_backend_is_one_line(cli: Any, fake_llm: ScriptedLLM) -> None:
    result = cli("eval", "--dataset", "golden:smoke", "--model", "fake/model", "--backend", "spark", "--no-track")
    assert result.code != 0
    assert "unknown backend 'spark'" in result.stderr


def test_with_no_worker_on_the_queue_the_submitter_says_so(
    cli: Any, monkeypatch: pytest.MonkeyPatch, fake_llm: ScriptedLLM
) -> None:
    import redis

    url = "redis://127.0.0.1:6379/13"
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis unreachable at 127.0.0.1:6379: {exc}")
    monkeypatch.setenv("REDIS_URL", url)
    monkeypatch.setenv("TAILOR_EVAL_QUEUE", "eval-nobody-here")
    monkeypatch.setenv("TAILOR_EVAL_WORKER_WAIT_S", "0")
    reset_settings()
    result = cli("eval", "--dataset", "golden:smoke", "--model", "fake/model", "--scorers", "structure",
                 "--no-track", "--backend", "celery")  # fmt: skip
    assert result.code != 0
    assert "error: no worker consumes queue 'eval-nobody-here'" in result.stderr
    assert "tailor worker --queues eval-nobody-here" in result.stderr
