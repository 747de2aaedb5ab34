"""The gate's error rates by simulation: 200 seeded A/A comparisons and 200 comparisons with a real
regression, with the fixed gate and with the sequential one.

The simulated pipeline has 30 cases. Each case has its own level on every metric (cases differ a
lot), and each run adds a little noise of its own (a hosted model is not deterministic):

  jd_coverage lift   case ~ N(0.20, 0.15), run noise sd 0.03      margin 0.05
  similarity         case ~ N(0.85, 0.05), run noise sd 0.01      margin 0.03
  narrative          85% of cases always pass, 10% never, 5% pass half the time   margin 0.20
  rewrites           1-5 judged per case, each run may accept one fewer or more (10%)   margin 0.20
  tokens             case ~ lognormal(1200, 0.3), run noise 3%     +10% allowed
  latency            case ~ lognormal(1000 ms, 0.3), run noise 5%  p95 +20% allowed
  fabrication, structure: stable (a fact scorer on the same output gives the same answer)

The regression lowers every case's lift by 0.15, three times the margin. A candidate exactly at
the margin (lift -0.05) is the one non-inferiority must not pass more often than alpha.
"""

from __future__ import annotations

import numpy as np

from evals.gate import GatePolicy, Verdict, VerdictKey, decide, is_settled, load_policy, look_schedule
from evals.runner import CaseRecord

SIMULATIONS = 200
CASES = 30
KEY = VerdictKey(candidate_hash="c", baseline_hash="b", dataset_hash="d", policy_hash="p", code_hash="x")
ALPHA = 0.05
SLACK = 2 * np.sqrt(ALPHA * (1 - ALPHA) / SIMULATIONS)  # two binomial standard errors over 200 runs


def _policy() -> GatePolicy:
    policy = load_policy()
    return policy.model_copy(update={"bootstrap_resamples": 999})


class Cases:
    """One simulated dataset: each case's own level on every metric."""

    wobble = 0.1  # chance that a run accepts one rewrite more or fewer in a case

    def __init__(self, rng: np.random.Generator) -> None:
        self.lift = rng.normal(0.20, 0.15, CASES)
        self.similarity = np.clip(rng.normal(0.85, 0.05, CASES), 0, 0.99)
        self.narrative = rng.choice([1.0, 0.0, 0.5], p=[0.85, 0.10, 0.05], size=CASES)
        self.judged = rng.integers(1, 6, CASES)
        self.accepted = rng.binomial(self.judged, 0.5)
        self.tokens = 1200 * np.exp(rng.normal(0, 0.3, CASES))
        self.latency = 1000 * np.exp(rng.normal(0, 0.3, CASES))

    def run(self, rng: np.random.Generator, lift_shift: float = 0.0) -> list[CaseRecord]:
        lift = self.lift + lift_shift + rng.normal(0, 0.03, CASES)
        similarity = np.clip(self.similarity + rng.normal(0, 0.01, CASES), 0, 1)
        narrative = rng.random(CASES) < self.narrative
        wobble = np.where(rng.random(CASES) < self.wobble, rng.choice([-1, 1], CASES), 0)
        accepted = np.clip(self.accepted + wobble, 0, self.judged)
        tokens = self.tokens * np.exp(rng.normal(0, 0.03, CASES))
        latency = self.latency * np.exp(rng.normal(0, 0.05, CASES))
        return [
            CaseRecord(
                case_id=f"case-{i:02d}",
                status="ok",
                scores={
                    "fabrication": {"value": 1.0, "passed": True, "offenses": []},
                    "structure": {"value": 1.0, "passed": True, "offenses": []},
                    "narrative": {"value": 1.0 if narrative[i] else 0.8, "passed": bool(narrative[i])},
                    "jd_coverage": {"value": 0.6, "passed": True, "details": {"lift": float(lift[i])}},
                    "semantic_similarity": {"value": float(similarity[i]), "passed": True},
                },
                usage={
                    "input_tokens": int(tokens[i] * 0.8),
                    "output_tokens": int(tokens[i] * 0.2),
                    "cost_usd": 0.0,
                },
                latency_ms=float(latency[i]),
                changes=[{"status": "accepted"}] * int(accepted[i])
                + [{"status": "reverted"}] * int(self.judged[i] - accepted[i]),
            )
            for i in range(CASES)
        ]


def _decide(
    baseline: list[CaseRecord], candidate: list[CaseRecord], policy: GatePolicy, look: int, looks: int
) -> Verdict:
    return decide(
        baseline,
        candidate,
        policy,
        key=KEY,
        candidate_label="candidate",
        baseline_label="production",
        dataset_ref="simulated",
        cases_total=CASES,
        judge_trusted=False,
        look=look,
        max_looks=looks,
    )


def _sequential(
    baseline: list[CaseRecord], candidate: list[CaseRecord], policy: GatePolicy
) -> tuple[bool, int]:
    """(passed, cases used): looks at growing prefixes, stopping once the verdict is settled."""
    schedule = look_schedule(CASES, policy.sequential.batch_size, policy.sequential.max_looks)
    for look, upto in enumerate(schedule, start=1):
        verdict = _decide(baseline[:upto], candidate[:upto], policy, look, len(schedule))
        if look == len(schedule) or is_settled(verdict):
            return verdict.passed, upto
    raise AssertionError("the last look always settles")


def _simulate(lift_shift: float, sequential: bool, metric: str | None = None) -> tuple[float, float]:
    """(block rate, mean cases used) over the seeded simulations; with `metric`, the rate at which
    that metric alone fails."""
    policy = _policy()
    blocked, used = 0, 0
    for seed in range(SIMULATIONS):
        rng = np.random.default_rng(seed)
        cases = Cases(rng)
        baseline, candidate = cases.run(rng), cases.run(rng, lift_shift)
        if sequential:
            passed, upto = _sequential(baseline, candidate, policy)
        else:
            verdict = _decide(baseline, candidate, policy, 1, 1)
            passed, upto = verdict.passed, CASES
            if metric is not None:
                passed = next(m for m in verdict.metrics if m.metric == metric).decision == "pass"
        blocked += not passed
        used += upto
    return blocked / SIMULATIONS, used / SIMULATIONS


def test_the_fixed_gate_holds_its_level_and_blocks_a_real_regression() -> None:
    false_block, _ = _simulate(0.0, sequential=False)
    assert false_block <= ALPHA + SLACK, false_block
    caught, _ = _simulate(-0.15, sequential=False)
    assert caught >= 0.80, caught


def test_a_candidate_exactly_at_the_margin_passes_no_more_often_than_alpha() -> None:
    blocked, _ = _simulate(-0.05, sequential=False, metric="jd_coverage")
    assert 1 - blocked <= ALPHA + SLACK, 1 - blocked


def test_the_sequential_gate_holds_its_level_and_stops_early_on_a_regression() -> None:
    false_block, aa_cases = _simulate(0.0, sequential=True)
    assert false_block <= ALPHA + SLACK, false_block
    caught, regression_cases = _simulate(-0.15, sequential=True)
    assert 1 - caught <= 0.20, caught  # misses no more often than the policy's power (0.8) allows
    assert regression_cases < 0.75 * CASES, regression_cases  # the fixed gate always uses all 30
    assert aa_cases <= CASES
