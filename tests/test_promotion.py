"""Promotion is bound to a passing verdict for exactly this move; rollback and history; no race wins twice.

Verdicts are written into the state store directly here (the gate that writes them is tested in
test_gate_run.py and, on the local model, test_gate_regressions.py), so these tests are fast.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from app.errors import ConflictError, PromotionRefused
from app.hashing import code_hash
from app.registry import open_registry
from app.settings import get_settings
from app.state import VerdictEntry, open_state
from evals.datasets import open_dataset
from evals.gate import default_policy_path, load_policy, promote, rollback
from evals.gate import history as alias_history

DATASET = "golden:smoke"


def _key(candidate: str, baseline: str = "production", **override: str) -> dict[str, str]:
    settings = get_settings()
    registry = open_registry()
    key = {
        "candidate_hash": registry.resolve(candidate).hash,
        "baseline_hash": registry.resolve(baseline).hash,
        "dataset_hash": open_dataset(DATASET, settings.datasets).content_hash,
        "policy_hash": load_policy(default_policy_path()).hash(),
        "code_hash": code_hash(settings.home),
    }
    key.update(override)
    return key


def _verdict(passed: bool, reasons: list[str] | None = None, **key: str) -> VerdictEntry:
    body = {"passed": passed, "blocking_reasons": reasons or []}
    entry = VerdictEntry(passed=passed, verdict_json=_verdict_json(body, key), folder="/tmp/gate", **key)
    return open_state(get_settings().state).record_verdict(entry)


def _verdict_json(body: dict[str, Any], key: dict[str, str]) -> str:
    from evals.gate import Verdict, VerdictKey

    return Verdict(
        passed=body["passed"],
        key=VerdictKey(**key),
        candidate_label="c",
        baseline_label="b",
        dataset_ref=DATASET,
        cases_total=6,
        cases_used=6,
        family_alpha=0.05,
        metrics=[],
        blocking_reasons=body["blocking_reasons"],
    ).model_dump_json()


def _production() -> str:
    move = open_registry().alias("production")
    assert move is not None
    return move.label


def test_promote_refuses_without_a_verdict(cli: Any) -> None:
    result = cli("promote", "v6-strict", "--to", "production", "--dataset", DATASET)
    assert result.code == 1
    assert "no gate verdict for v6-strict" in result.stderr and "tailor gate --candidate" in result.stderr
    assert _production() == "v7-strict"


def test_promote_succeeds_on_a_passing_verdict_and_rollback_restores(cli: Any) -> None:
    entry = _verdict(True, **_key("v6-strict"))
    result = cli("promote", "v6-strict", "--to", "production", "--dataset", DATASET)
    assert result.code == 0, result.stderr
    assert _production() == "v6-strict"
    rows = alias_history("production")
    assert [r.kind for r in rows] == ["bootstrap", "promote"]
    assert rows[-1].verdict_id == entry.id and rows[-1].verdict_passed is True and not rows[-1].forced

    result = cli("rollback", "production")
    assert result.code == 0, result.stderr
    assert _production() == "v7-strict"
    assert [r.kind for r in alias_history("production")][-1] == "rollback"
    again = cli("rollback", "production")
    assert again.code != 0 and "no earlier version" in again.stderr
    shown = cli("history", "production")
    assert shown.code == 0 and "promote" in shown.stdout and "rollback" in shown.stdout


def test_a_failing_verdict_refuses_naming_its_reason() -> None:
    _verdict(False, ["fabrication: 2 cases that passed under production fail"], **_key("v6-strict"))
    with pytest.raises(PromotionRefused, match="fabrication: 2 cases"):
        promote("v6-strict", dataset=DATASET)
    assert _production() == "v7-strict"


@pytest.mark.parametrize("field", ["candidate_hash", "baseline_hash", "dataset_hash", "policy_hash", "code_hash"])
def test_a_verdict_for_anything_else_does_not_count(field: str) -> None:
    _verdict(True, **_key("v6-strict", **{field: "0" * 64}))
    with pytest.raises(PromotionRefused, match="no gate verdict"):
        promote("v6-strict", dataset=DATASET)
    assert _production() == "v7-strict"


def test_a_verdict_on_another_dataset_does_not_count() -> None:
    _verdict(True, **_key("v6-strict"))  # on golden:smoke
    with pytest.raises(PromotionRefused):
        promote("v6-strict", dataset="golden:core")


def test_force_needs_a_reason_and_is_marked_forced(cli: Any) -> None:
    assert cli("promote", "v6-strict", "--force").code == 2
    result = cli("promote", "v6-strict", "--force", "--reason", "hotfix, gate rerun later")
    assert result.code == 0, result.stderr
    row = alias_history("production")[-1]
    assert row.forced and row.verdict_id is None and "hotfix" in row.why
    audit = open_state(get_settings().state).audit_log()
    assert any(a.subject == "production" and a.details.get("forced") for a in audit)


def test_prompts_alias_cannot_move_production(cli: Any) -> None:
    result = cli("prompts", "alias", "production", "v6-strict", "--why", "just because")
    assert result.code != 0 and "tailor promote" in result.stderr
    assert _production() == "v7-strict"
    assert cli("prompts", "alias", "staging", "v6-strict", "--why", "try it").code == 0


def test_two_concurrent_promotions_cannot_both_win() -> None:
    _production()  # adopt the bootstrap before the race
    for candidate in ("v5-strict", "v6-strict"):
        _verdict(True, **_key(candidate))
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def attempt(candidate: str) -> None:
        barrier.wait()
        try:
            promote(candidate, dataset=DATASET)
            results[candidate] = "won"
        except (ConflictError, PromotionRefused) as exc:
            results[candidate] = type(exc).__name__

    threads = [threading.Thread(target=attempt, args=(c,)) for c in ("v5-strict", "v6-strict")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [c for c, r in results.items() if r == "won"]
    assert len(winners) == 1, results
    assert _production() == winners[0]
    assert [r.kind for r in alias_history("production")].count("promote") == 1


def test_every_move_is_mirrored_to_mlflow_prompt_aliases_at_once() -> None:
    from evals.tracking import mlflow_client

    client = mlflow_client(get_settings().tracking)
    _verdict(True, **_key("v2-strict"))
    promote("v2-strict", dataset=DATASET)
    writer = client.get_prompt_version_by_alias("tailor.writer", "production")
    assert writer.tags["tailor.version"] == open_registry().resolve("v2-strict").agents["writer"].prompt_ref.split("@")[1]
    rollback("production")
    writer = client.get_prompt_version_by_alias("tailor.writer", "production")
    assert writer.tags["tailor.version"] == open_registry().resolve("v7-strict").agents["writer"].prompt_ref.split("@")[1]
