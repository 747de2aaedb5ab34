"""The gate's vocabulary: what a verdict says, per metric and as a whole (pydantic, JSON on disk).

`verdict.json` is `Verdict.model_dump_json()`; the state store keeps it keyed by the five hashes in
`VerdictKey`, so a verdict only ever counts for exactly what it judged.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Decision = Literal["pass", "fail", "advisory", "undecided"]


class VerdictKey(BaseModel):
    """What a verdict is bound to: promotion needs a passing verdict with exactly these hashes."""

    candidate_hash: str
    baseline_hash: str
    dataset_hash: str
    policy_hash: str
    code_hash: str


class Flip(BaseModel):
    """A case whose pass/fail changed between baseline and candidate on one metric."""

    case_id: str
    metric: str
    baseline_passed: bool | None
    candidate_passed: bool | None
    reason: str = ""  # e.g. the candidate's offending spans, shortened


class MetricVerdict(BaseModel):
    metric: str
    blocking: bool  # as the policy says (an untrusted judge is advisory whatever the policy says)
    direction: Literal["higher", "lower"]
    test: str  # e.g. "zero-tolerance", "paired BCa bootstrap", "two-level bootstrap", "ratio of means"
    baseline: float | None  # the aggregate compared (mean, pass rate, p95...)
    candidate: float | None
    delta: float | None  # candidate - baseline, in the metric's own units
    ci_low: float | None = None  # interval of delta (or of the ratio, for relative rules)
    ci_high: float | None = None
    margin: float | None = None  # the non-inferiority margin the interval was held to
    alpha: float | None = None  # the level this metric was held to after Holm (and spending)
    p_value: float | None = None
    mde: float | None = None  # minimum detectable effect at alpha and the policy's power
    n_pairs: int = 0
    missing_candidate: int = 0  # cases where the candidate's value was missing or errored
    decision: Decision
    settled: bool = True  # sequential gate: True once more cases cannot change the decision
    reason: str  # one line a person can read
    warnings: list[str] = Field(default_factory=list)
    # Reported beside p_value: "mcnemar_exact" (pass/fail flips), "wilcoxon_noninferiority" (shifted
    # signed-rank), "holm_adjusted" (p_value adjusted over the blocking family).
    other_p_values: dict[str, float] = Field(default_factory=dict)
    flips_to_fail: int = 0  # cases passing under the baseline and failing under the candidate
    flips_to_pass: int = 0


class PairwiseSummary(BaseModel):
    wins: int = 0
    ties: int = 0
    losses: int = 0
    position_consistency: float | None = None


class Verdict(BaseModel):
    passed: bool
    key: VerdictKey
    candidate_label: str
    baseline_label: str
    dataset_ref: str
    cases_total: int  # cases in the dataset
    cases_used: int  # cases compared (fewer when a sequential gate stopped early)
    looks: int = 1
    sequential: bool = False
    family_alpha: float
    metrics: list[MetricVerdict]
    blocking_reasons: list[str] = Field(default_factory=list)  # one line each, blocking first
    flips: list[Flip] = Field(default_factory=list)
    pairwise: PairwiseSummary | None = None
    created_at: str = ""  # ISO 8601, UTC
    candidate_run: str = ""  # results folders, for the report's links
    baseline_run: str = ""
    mlflow_run_id: str | None = None
