"""Whether a run's LLM judge is trusted, and so whether its metrics may fail a case.

A judge is trusted when it is calibrated and every rubric's kappa is at or above the gate policy's
`min_judge_kappa` (the rule the gate applies to block on judged metrics). An untrusted judge is
advisory everywhere: the CLI table and the HTML report show its metrics apart and greyed, they
never turn a case into FAIL, and one line says why and how to get a judge that counts.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from app.errors import TailorError
from evals.runner import JudgeInfo

FALLBACK_MIN_KAPPA = 0.4  # the policy's default, when ci/gate_policy.yaml cannot be read
JUDGE_METRICS = "judge_*"  # the judge scorer's rows: judged whatever the policy says
HOW_TO_TRUST = (
    "for a judge that counts, pass a stronger --judge-model and run "
    "`tailor judge calibrate --labels golden/judge/labels.jsonl --judge-model MODEL`"
)


class JudgeTrust(BaseModel):
    """The verdict on one run's judge: trusted or advisory, why, and which metrics it scored."""

    model_config = ConfigDict(frozen=True)

    model: str | None
    trusted: bool
    min_kappa: float
    reason: str  # why the judge is advisory; empty when trusted
    judged_metrics: tuple[str, ...]  # metric names or fnmatch patterns scored by the judge model

    def is_judged(self, metric: str) -> bool:
        return any(fnmatchcase(metric, pattern) for pattern in self.judged_metrics)

    def is_advisory(self, metric: str) -> bool:
        """True for a judged metric of an untrusted judge: shown apart, never failing a case."""
        return not self.trusted and self.is_judged(metric)

    @property
    def advisory_line(self) -> str:
        """One line for people: why the judge's metrics do not count, and how to make them count."""
        if self.trusted:
            return ""
        return f"judge metrics are advisory, they fail no case: {self.reason}; {HOW_TO_TRUST}"


def judge_trust(judge: JudgeInfo | None, policy_path: Path | None = None) -> JudgeTrust:
    """Judge the run's judge (run.json's `judge`: model, version, calibrated, n, rubrics, kappa)."""
    min_kappa, judged = _policy_rules(policy_path)
    reason = distrust_reason(judge, min_kappa)
    return JudgeTrust(
        model=judge.model if judge and judge.model else None,
        trusted=not reason,
        min_kappa=min_kappa,
        reason=reason,
        judged_metrics=judged,
    )


def distrust_reason(judge: JudgeInfo | None, min_kappa: float) -> str:
    """Why the judge is not trusted, or "" when it is (calibrated, every rubric's kappa >= min_kappa).
    The one rule: the gate (`judge_trusted`), the CLI table and the report all apply it."""
    if judge is None:
        return "the run records no judge"
    name = f"judge {judge.model}" if judge.model else "the judge"
    if not judge.calibrated:
        return f"{name} is uncalibrated"
    kappas = judge.kappa or {}
    if not kappas:
        return f"{name} is calibrated but no rubric has a kappa"
    undefined = sorted(rubric for rubric, kappa in kappas.items() if kappa is None)
    if undefined:
        return f"{name} has no kappa for {', '.join(undefined)}"
    rubric, worst = min(((r, float(k)) for r, k in kappas.items() if k is not None), key=lambda rk: rk[1])
    if worst < min_kappa:
        return f"{name} agrees with humans at kappa {worst:.2f} on {rubric}, below the policy's {min_kappa:g}"
    return ""


def _policy_rules(policy_path: Path | None) -> tuple[float, tuple[str, ...]]:
    """The gate policy's minimum kappa and its judged metrics; the defaults when it cannot be read."""
    from evals.gate import default_policy_path, load_policy  # lazily: evals.gate imports this package

    try:
        policy = load_policy(policy_path or default_policy_path())
    except TailorError:
        return FALLBACK_MIN_KAPPA, (JUDGE_METRICS, "ragas_*")
    judged = [name for name, rule in policy.metrics.items() if rule.judged]
    return policy.min_judge_kappa, tuple(dict.fromkeys([JUDGE_METRICS, *judged]))
