"""The shipped regressions (ci/regressions/) on the real local model: each is blocked naming the
metric a user would mind; the benign rewording and a version against itself pass.

Slow: every candidate runs the real pipeline on golden:smoke. The tests share one data folder, so
production's run is evaluated once and each candidate reuses the cached calls it shares with it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.settings import PROJECT_ROOT, reset_settings
from evals.gate import GateOutcome, GateRequest, run_gate

pytestmark = pytest.mark.slow
REGRESSIONS = PROJECT_ROOT / "ci" / "regressions"

# candidate file -> the blocking metrics, any of which is a right reason to block it
BLOCKED = {
    "loose-checks": {"fabrication", "narrative", "length_and_style"},
    "leaky-shots": {"fabrication", "narrative"},
    "broken-format": {"rewrite_acceptance"},
    "hot-loose": {"fabrication", "narrative", "length_and_style"},
    "lossy-analyst": {"jd_coverage"},
    "token-hungry": {"cost_per_case"},
}


@pytest.fixture(scope="module")
def shared_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("gate-data")


@pytest.fixture
def shared(shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("TAILOR_DATA_DIR", str(shared_data))
    reset_settings()
    yield shared_data
    reset_settings()


def _gate(candidate: str) -> GateOutcome:
    request = GateRequest(candidate=candidate, baseline="production", dataset="golden:smoke", track=False)
    return asyncio.run(run_gate(request))


def _failed(outcome: GateOutcome) -> set[str]:
    return {m.metric for m in outcome.verdict.metrics if m.blocking and m.decision == "fail"}


def test_a_version_against_itself_passes(shared: Path) -> None:
    outcome = _gate("production")
    assert outcome.verdict.passed, outcome.verdict.blocking_reasons
    assert outcome.verdict.key.candidate_hash == outcome.verdict.key.baseline_hash


@pytest.mark.parametrize("name", sorted(BLOCKED))
def test_a_shipped_regression_is_blocked_naming_its_metric(shared: Path, name: str) -> None:
    outcome = _gate(str(REGRESSIONS / f"{name}.yaml"))
    assert not outcome.verdict.passed, f"{name} passed the gate"
    assert _failed(outcome) & BLOCKED[name], (name, outcome.verdict.blocking_reasons)
    assert any(
        reason.split(":")[0].strip() in BLOCKED[name] for reason in outcome.verdict.blocking_reasons
    ), outcome.verdict.blocking_reasons


def test_the_benign_rewording_passes(shared: Path) -> None:
    outcome = _gate(str(REGRESSIONS / "reworded.yaml"))
    assert outcome.verdict.passed, outcome.verdict.blocking_reasons
    assert outcome.reports.markdown.read_text(encoding="utf-8").lstrip().startswith("## ✅ PASS")


def test_promote_takes_the_gates_own_verdict_and_rollback_restores(shared: Path) -> None:
    """After the benign rewording's passing verdict (the test above), production moves to it;
    a regression whose verdict failed cannot follow; rollback brings v7-strict back."""
    from app.errors import PromotionRefused
    from app.registry import open_registry
    from evals.gate import promote, rollback

    with pytest.raises(PromotionRefused, match="failed"):
        promote(str(REGRESSIONS / "loose-checks.yaml"), dataset="golden:smoke")
    move = promote(str(REGRESSIONS / "reworded.yaml"), dataset="golden:smoke")
    assert move.label == "reworded" and move.kind == "promote" and move.verdict_id
    assert open_registry().resolve("production").label == "reworded"
    rollback("production")
    assert open_registry().resolve("production").label == "v7-strict"
