"""`tailor gate` end to end on the scripted fake model: verdicts, exit codes, reuse, sequential looks,
the stored verdict and the MLflow tags. (The real local model: test_gate_regressions.py.)"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.settings import PROJECT_ROOT, get_settings
from app.state import open_state
from evals.gate import GateRequest, run_gate
from tests.fakes import ScriptedLLM

LOOSE = str(PROJECT_ROOT / "ci" / "regressions" / "loose-checks.yaml")
FAST = ("--model", "fake/model", "--dataset", "golden:smoke", "--no-similarity")


def _inventing(messages: list[dict[str, str]], params: dict[str, Any]) -> str:
    """Every rewrite claims a tool and an employer the resume never names (no number, so the
    loose fact-checker, which checks numbers, lets it through)."""
    if params.get("response_format"):
        return '{"skills": [], "adds_fact": false}'
    return "Spearheaded the Kubernetes platform at Google for " + messages[-1]["content"]


def _request(candidate: str, **extra: Any) -> GateRequest:
    return GateRequest(
        candidate=candidate, dataset="golden:smoke", model="fake/model", similarity=False, **extra
    )


def test_a_version_against_itself_passes_and_the_verdict_is_bound_and_stored(
    fake_llm: ScriptedLLM, cli: Any
) -> None:
    result = cli("gate", "--candidate", "production", *FAST)
    assert result.code == 0, result.stderr + result.stdout
    assert "PASS" in result.stdout and "reports:" in result.stdout and "mlflow run:" in result.stdout
    outcome = asyncio.run(run_gate(_request("production")))  # the same gate again: all reused
    assert outcome.verdict.passed
    assert outcome.baseline.reused and outcome.candidate.reused
    assert outcome.model_calls == {"baseline": 0, "candidate": 0}
    key = outcome.verdict.key
    stored = open_state(get_settings().state).find_verdict(**key.model_dump())
    assert stored is not None and stored.passed and stored.id == outcome.verdict_id
    for path in (outcome.reports.verdict, outcome.reports.markdown, outcome.reports.html):
        assert path.is_file() and path.stat().st_size > 0
    from evals.tracking import mlflow_client

    assert outcome.verdict.mlflow_run_id
    run = mlflow_client(get_settings().tracking).get_run(outcome.verdict.mlflow_run_id)
    assert run.data.tags["tailor.gate.verdict"] == "pass"
    assert run.data.tags["tailor.gate.policy_hash"] == key.policy_hash


def test_an_inventing_candidate_is_blocked_on_fabrication(cli: Any) -> None:
    from app.models import register_provider, unregister_provider

    fake = ScriptedLLM(_inventing)
    register_provider("fake", fake.handler())
    try:
        result = cli("gate", "--candidate", LOOSE, *FAST, "--no-track")
    finally:
        unregister_provider("fake")
    assert result.code == 1, result.stderr + result.stdout
    assert "FAIL" in result.stdout and "fabrication" in result.stdout
    folder = Path(result.stdout.split("reports: ")[1].split()[0])
    report = (folder / "report.md").read_text(encoding="utf-8")
    assert report.index("Blocking reasons") < report.index("| metric")
    assert "fabrication" in report.split("| metric")[0]


def test_the_sequential_gate_stops_at_the_first_look_on_a_clear_regression(tmp_path: Path) -> None:
    from app.models import register_provider, unregister_provider

    policy = yaml.safe_load((PROJECT_ROOT / "ci" / "gate_policy.yaml").read_text(encoding="utf-8"))
    policy["sequential"] = {**policy["sequential"], "batch_size": 2, "max_looks": 3}
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(policy), encoding="utf-8")
    register_provider("fake", ScriptedLLM(_inventing).handler())
    try:
        outcome = asyncio.run(run_gate(_request(LOOSE, policy=path, sequential=True, track=False)))
    finally:
        unregister_provider("fake")
    verdict = outcome.verdict
    assert not verdict.passed and verdict.sequential
    assert verdict.looks == 1 and verdict.cases_used == 2 < verdict.cases_total == 6
    assert any(r.startswith("fabrication") for r in verdict.blocking_reasons)
    assert len(outcome.case_ids) == 2


@pytest.mark.parametrize(
    "args",
    [
        ("--candidate", "no-such-pipeline"),
        ("--candidate", "production", "--dataset", "golden:nope"),
        ("--candidate", "production", "--policy", "/nonexistent/policy.yaml"),
    ],
)
def test_errors_exit_2_with_one_line(cli: Any, args: tuple[str, ...]) -> None:
    result = cli("gate", *args, "--no-track")
    assert result.code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ")


def _judging(messages: list[dict[str, str]], params: dict[str, Any]) -> str:
    """Echo rewrites; answer judge rubrics with a 4 and pairwise comparisons with a tie."""
    system = messages[0]["content"].lower()
    if "winner" in system:
        return '{"winner": "tie", "reason": "same content"}'
    if "score" in system and "reason" in system:
        return '{"score": 4, "reason": "reads well"}'
    if params.get("response_format"):
        return '{"skills": [], "adds_fact": false}'
    return messages[-1]["content"]


def test_with_a_judge_the_pairwise_result_is_reported_and_an_uncalibrated_judge_only_advises(
    fake_llm: ScriptedLLM,
) -> None:
    fake_llm.responder = _judging
    outcome = asyncio.run(run_gate(_request("production", judge_model="fake/model", track=False)))
    verdict = outcome.verdict
    judged = [m for m in verdict.metrics if m.metric.startswith("judge_")]
    assert judged and all(not m.blocking or m.decision == "advisory" for m in judged)
    assert verdict.pairwise is not None
    assert verdict.pairwise.wins + verdict.pairwise.ties + verdict.pairwise.losses == 6
    assert verdict.passed
