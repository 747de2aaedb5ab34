"""The gate and the report decide the same way whether a judge counts (the rule is written in both)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from evals.gate import default_policy_path, load_policy
from evals.gate._gate import judge_trusted
from evals.report import judge_trust
from evals.runner import JudgeInfo

JUDGES: list[dict[str, Any] | None] = [
    None,
    {"model": "m", "calibrated": False},
    {"model": "m", "calibrated": True},
    {"model": "m", "calibrated": True, "kappa": {"relevance": 0.55, "faithfulness": 0.41}},
    {"model": "m", "calibrated": True, "kappa": {"relevance": 0.55, "faithfulness": 0.12}},
    {"model": "m", "calibrated": True, "kappa": {"relevance": None}},
]
INFOS = [None if judge is None else JudgeInfo.model_validate(judge) for judge in JUDGES]


@pytest.mark.parametrize("judge", INFOS)
def test_gate_and_report_agree_on_a_trusted_judge(judge: JudgeInfo | None) -> None:
    policy = load_policy(default_policy_path())
    plan: Any = SimpleNamespace(judge=judge)
    assert judge_trusted(plan, policy) == judge_trust(judge).trusted


def test_only_a_calibrated_judge_above_the_minimum_is_trusted() -> None:
    assert [judge_trust(j).trusted for j in INFOS] == [False, False, False, True, False, False]
