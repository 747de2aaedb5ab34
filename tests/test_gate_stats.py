"""The gate's decision on synthetic runs: every rule fires on a bad candidate and stays quiet on an
equal one; Holm, spending and the bootstraps give the numbers they should."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from scipy import stats

from evals.gate import (
    GatePolicy,
    MetricVerdict,
    Verdict,
    VerdictKey,
    bootstrap_mean_difference,
    bootstrap_ratio,
    decide,
    holm_adjusted,
    holm_levels,
    is_settled,
    load_policy,
    look_schedule,
    nominal_levels,
    offense_kinds,
    pairwise_from_results,
    spending_alpha,
    two_level_bootstrap,
)
from evals.judge import PairwiseResult
from evals.runner import CaseRecord

N = 30
KEY = VerdictKey(candidate_hash="c", baseline_hash="b", dataset_hash="d", policy_hash="p", code_hash="x")
Tweak = Callable[[int], Any] | Any


def _score(
    value: float | None, passed: bool | None, offenses: list[dict[str, str]] = (), **details: Any
) -> dict:
    return {
        "value": value,
        "passed": passed,
        "offenses": list(offenses),
        "details": details,
        "explanation": "",
    }


def record(i: int, **tweaks: Tweak) -> CaseRecord:
    """Case i of a healthy run; each tweak is a value or a function of i. Cases differ from each
    other (as real cases do) but the same i gives the same record."""
    t = {k: (v(i) if callable(v) else v) for k, v in tweaks.items()}
    spread = ((i * 7) % 5 - 2) / 2  # -1 .. 1, a fixed case-to-case difference
    scores = {
        "fabrication": _score(1.0, t.get("fabrication", True), t.get("fabrication_offenses", [])),
        "narrative": _score(1.0, t.get("narrative", True)),
        "structure": _score(1.0, t.get("structure", True), t.get("structure_offenses", [])),
        "jd_coverage": _score(0.7, True, lift=t.get("lift", 0.25 + 0.1 * spread)),
        "semantic_similarity": _score(t.get("similarity", 0.85 + 0.03 * spread), True),
    }
    if "judge" in t:
        samples = t["judge"]
        scores["judge_relevance"] = _score((np.mean(samples) - 1) / 4, np.mean(samples) >= 3, scores=samples)
    for name in t.get("drop", ()):
        scores.pop(name, None)
    accepted, reverted = t.get("accepted", 2), t.get("reverted", 1)
    tokens = t.get("tokens", 1200 + 40 * spread)
    return CaseRecord(
        case_id=f"case-{i:02d}",
        status=t.get("status", "ok"),
        error=t.get("error"),
        scores=scores if t.get("status", "ok") == "ok" else {},
        usage={
            "input_tokens": int(tokens * 0.8),
            "output_tokens": int(tokens * 0.2),
            "cost_usd": t.get("cost", 0.0),
            "calls": 4,
            "cache_hits": t.get("cache_hits", 0),
        },
        latency_ms=t.get("latency", 1000.0 + 100 * spread),
        changes=[{"status": "accepted"}] * accepted + [{"status": "reverted"}] * reverted,
    )


def run(n: int = N, **tweaks: Tweak) -> list[CaseRecord]:
    return [record(i, **tweaks) for i in range(n)]


def gate(
    baseline: list[CaseRecord],
    candidate: list[CaseRecord],
    policy: GatePolicy | None = None,
    *,
    judge_trusted: bool = False,
    look: int = 1,
    max_looks: int = 1,
) -> Verdict:
    return decide(
        baseline,
        candidate,
        policy or load_policy(),
        key=KEY,
        candidate_label="candidate",
        baseline_label="production",
        dataset_ref="golden:core",
        cases_total=N,
        judge_trusted=judge_trusted,
        look=look,
        max_looks=max_looks,
    )


def metric(verdict: Verdict, name: str) -> MetricVerdict:
    return next(m for m in verdict.metrics if m.metric == name)


def failed(verdict: Verdict) -> set[str]:
    return {m.metric for m in verdict.metrics if m.blocking and m.decision == "fail"}


# -- equal candidates pass --------------------------------------------------------------------------
def test_a_version_against_itself_passes() -> None:
    verdict = gate(run(), run())
    assert verdict.passed, verdict.blocking_reasons
    assert verdict.blocking_reasons == [] and verdict.flips == [] and verdict.cases_used == N
    statistical = [m for m in verdict.metrics if m.blocking and m.alpha is not None]
    assert {m.metric for m in statistical} >= {"narrative", "jd_coverage", "cost_per_case", "latency_p95"}
    assert all(m.decision == "pass" and m.ci_low == m.ci_high for m in statistical)  # no spread: the point


def test_an_equal_candidate_with_run_to_run_noise_passes() -> None:
    rng = np.random.default_rng(3)
    noise = rng.normal(size=(4, N))
    candidate = run(
        lift=lambda i: 0.25 + 0.1 * (((i * 7) % 5 - 2) / 2) + 0.01 * noise[0, i],
        similarity=lambda i: 0.85 + 0.03 * (((i * 7) % 5 - 2) / 2) + 0.005 * noise[1, i],
        tokens=lambda i: (1200 + 40 * (((i * 7) % 5 - 2) / 2)) * (1 + 0.02 * noise[2, i]),
        latency=lambda i: (1000.0 + 100 * (((i * 7) % 5 - 2) / 2)) * (1 + 0.03 * noise[3, i]),
    )
    verdict = gate(run(), candidate)
    assert verdict.passed, verdict.blocking_reasons
    jd = metric(verdict, "jd_coverage")
    assert jd.ci_low is not None and jd.ci_high is not None and jd.ci_low < jd.delta < jd.ci_high  # type: ignore[operator]
    assert jd.test == "paired BCa bootstrap" and "wilcoxon_noninferiority" in jd.other_p_values


# -- each rule fires ----------------------------------------------------------------------------------
def test_a_fabrication_flip_fails_naming_the_case_whatever_the_p_value() -> None:
    offense = {"kind": "metric", "span": "40%", "detail": "no such number in the source", "path": "work[0]"}
    candidate = run(fabrication=lambda i: i != 3, fabrication_offenses=lambda i: [offense] if i == 3 else [])
    verdict = gate(run(), candidate)
    fab = metric(verdict, "fabrication")
    assert not verdict.passed and fab.decision == "fail" and fab.flips_to_fail == 1
    assert fab.other_p_values["mcnemar_exact"] == pytest.approx(0.5)  # one flip proves nothing, yet it blocks
    assert verdict.blocking_reasons == [
        "fabrication: 1 case that passed under production fails under candidate (case-03)"
    ]
    flip = next(f for f in verdict.flips if f.metric == "fabrication")
    assert (flip.case_id, flip.baseline_passed, flip.candidate_passed) == ("case-03", True, False)
    assert "40%" in flip.reason


@pytest.mark.parametrize(
    ("offense", "kind"),
    [
        ({"kind": "employer", "span": "Acme Corp", "detail": "work[0].name: was 'Initech'"}, "employer"),
        ({"kind": "skill", "span": "ACLS", "detail": "trap requirement 'ACLS' claimed"}, "trap"),
    ],
)
def test_a_hard_offense_fails_even_where_the_baseline_failed_too(offense: dict[str, str], kind: str) -> None:
    weak = {"kind": "metric", "span": "12", "detail": "no such number in the source"}
    baseline = run(fabrication=lambda i: i != 5, fabrication_offenses=lambda i: [weak] if i == 5 else [])
    candidate = run(fabrication=lambda i: i != 5, fabrication_offenses=lambda i: [offense] if i == 5 else [])
    verdict = gate(baseline, candidate)
    assert kind in offense_kinds(offense)
    assert metric(verdict, "fabrication").flips_to_fail == 0
    assert failed(verdict) == {"fabrication"}
    assert f"hard offense in 1 candidate case (case-05: {kind}" in verdict.blocking_reasons[0]
    assert gate(baseline, baseline).passed  # the same weak offense under both runs is no regression


def test_a_changed_contact_block_is_a_hard_structure_failure() -> None:
    contact = {"kind": "contact", "span": "x@example.com", "detail": "basics.email differs from the source"}
    candidate = run(structure=lambda i: i != 0, structure_offenses=lambda i: [contact] if i == 0 else [])
    verdict = gate(run(), candidate)
    assert failed(verdict) == {"structure"}
    assert "contact" in metric(verdict, "structure").reason


@pytest.mark.parametrize(("name", "failing"), [("narrative", 12), ("structure", 6)])
def test_a_pass_rate_drop_beyond_the_margin_fails(name: str, failing: int) -> None:
    verdict = gate(run(), run(**{name: lambda i: i >= failing}))
    verdict_metric = metric(verdict, name)
    assert failed(verdict) == {name}
    assert verdict_metric.delta == pytest.approx(-failing / N) and verdict_metric.flips_to_fail == failing
    assert verdict_metric.other_p_values["mcnemar_exact"] == pytest.approx(0.5**failing)
    assert "lower bound" in verdict_metric.reason and verdict_metric.ci_low < -verdict_metric.margin  # type: ignore[operator]


def test_narrative_tolerates_a_drop_inside_its_margin_on_enough_cases() -> None:
    n = 400  # 4% of cases lose narrative: well inside the 0.20 margin once the interval is narrow
    verdict = gate(run(n), run(n, narrative=lambda i: i % 25 != 0))
    assert metric(verdict, "narrative").decision == "pass"


def test_a_coverage_lift_drop_fails() -> None:
    verdict = gate(run(), run(lift=lambda i: 0.25 + 0.1 * (((i * 7) % 5 - 2) / 2) - 0.15))
    assert failed(verdict) == {"jd_coverage"}
    assert metric(verdict, "jd_coverage").delta == pytest.approx(-0.15)


def test_a_similarity_drop_fails() -> None:
    verdict = gate(run(), run(similarity=lambda i: 0.75))
    assert failed(verdict) == {"semantic_similarity"}


def test_every_rewrite_reverted_is_a_regression_though_every_fact_holds() -> None:
    verdict = gate(run(), run(accepted=0, reverted=3))
    assert failed(verdict) == {"rewrite_acceptance"}
    acceptance = metric(verdict, "rewrite_acceptance")
    assert acceptance.baseline == pytest.approx(2 / 3) and acceptance.candidate == 0.0
    assert metric(verdict, "fabrication").decision == "pass"


def test_cases_with_no_judged_rewrite_in_either_run_are_skipped() -> None:
    verdict = gate(run(accepted=0, reverted=0), run(accepted=0, reverted=0))
    assert metric(verdict, "rewrite_acceptance").n_pairs == 0 and verdict.passed


def test_doubled_tokens_fail_the_cost_rule_in_tokens_when_priced_at_zero() -> None:
    verdict = gate(run(), run(tokens=2400))
    cost = metric(verdict, "cost_per_case")
    assert failed(verdict) == {"cost_per_case"}
    assert "tokens" in cost.reason and cost.ci_low > 1.1  # type: ignore[operator]


def test_a_priced_model_is_compared_in_dollars() -> None:
    verdict = gate(run(cost=0.01), run(cost=0.02))
    cost = metric(verdict, "cost_per_case")
    assert cost.decision == "fail" and "USD per case" in cost.reason and "tokens" not in cost.reason
    assert gate(run(cost=0.01), run(cost=0.0105)).passed  # +5%: within the 10% allowance


def test_latency_up_by_half_fails_unless_a_run_was_served_from_the_cache() -> None:
    slower = run(latency=lambda i: 1.5 * (1000.0 + 100 * (((i * 7) % 5 - 2) / 2)))
    verdict = gate(run(), slower)
    assert failed(verdict) == {"latency_p95"}
    cached = gate(run(cache_hits=lambda i: int(i == 0)), slower)
    latency = metric(cached, "latency_p95")
    assert cached.passed and latency.decision == "advisory" and not latency.blocking
    assert "cache" in latency.reason and "would fail" in latency.reason


def test_a_metric_absent_from_the_candidate_fails_and_a_missing_case_counts_as_worst() -> None:
    absent = gate(run(), run(drop=["semantic_similarity"]))
    assert failed(absent) == {"semantic_similarity"}
    assert "absent from the candidate run" in metric(absent, "semantic_similarity").reason

    partly = gate(run(), run(drop=lambda i: ["jd_coverage"] if i < 5 else []))
    jd = metric(partly, "jd_coverage")
    assert jd.missing_candidate == 5 and jd.decision == "fail"
    assert "5 cases missing or errored under the candidate" in jd.reason


def test_a_metric_neither_run_measured_is_reported_not_gated() -> None:
    verdict = gate(run(drop=["semantic_similarity"]), run(drop=["semantic_similarity"]))
    similarity = metric(verdict, "semantic_similarity")
    assert verdict.passed and similarity.decision == "advisory" and not similarity.blocking


def test_an_errored_candidate_case_counts_against_it_on_every_metric() -> None:
    candidate = run(status=lambda i: "error" if i == 7 else "ok", error="model failed after retries")
    verdict = gate(run(), candidate)
    assert "fabrication" in failed(verdict)
    for name in (
        "fabrication",
        "narrative",
        "structure",
        "jd_coverage",
        "semantic_similarity",
        "cost_per_case",
    ):
        assert metric(verdict, name).missing_candidate == 1, name
    flips = {f.metric for f in verdict.flips if f.case_id == "case-07"}
    assert flips == {"fabrication", "narrative", "structure", "jd_coverage", "semantic_similarity"}
    assert all("candidate errored: model failed" in f.reason for f in verdict.flips)


def test_an_untrusted_judge_drop_is_advisory_and_a_trusted_one_blocks() -> None:
    baseline, candidate = run(judge=[4, 4, 5]), run(judge=[2, 3, 2])
    untrusted = gate(baseline, candidate, judge_trusted=False)
    judge = metric(untrusted, "judge_relevance")
    assert untrusted.passed and judge.decision == "advisory" and not judge.blocking
    assert "would fail" in judge.reason and "not trusted" in judge.reason

    trusted = gate(baseline, candidate, judge_trusted=True)
    judge = metric(trusted, "judge_relevance")
    assert failed(trusted) == {"judge_relevance"} and judge.test.startswith("two-level bootstrap")
    assert gate(baseline, baseline, judge_trusted=True).passed


def test_a_judge_policy_that_does_not_block_stays_advisory_when_trusted() -> None:
    policy = load_policy()
    rules = {**policy.metrics, "judge_*": policy.metrics["judge_*"].model_copy(update={"blocking": False})}
    verdict = gate(
        run(judge=[4, 4, 5]),
        run(judge=[2, 3, 2]),
        policy.model_copy(update={"metrics": rules}),
        judge_trusted=True,
    )
    assert verdict.passed and metric(verdict, "judge_relevance").decision == "advisory"


def test_a_floor_fails_a_candidate_whose_aggregate_is_below_it() -> None:
    policy = load_policy()
    rules = {
        **policy.metrics,
        "semantic_similarity": policy.metrics["semantic_similarity"].model_copy(update={"floor": 0.9}),
    }
    verdict = gate(run(), run(), policy.model_copy(update={"metrics": rules}))
    assert failed(verdict) == {"semantic_similarity"} and "below the floor 0.9" in verdict.blocking_reasons[0]


def test_a_small_dataset_warns_that_it_cannot_resolve_the_margin() -> None:
    noisy = run(8, lift=lambda i: 0.25 + (0.3 if i % 2 else -0.3))
    verdict = gate(run(8), noisy)
    jd = metric(verdict, "jd_coverage")
    assert jd.mde is not None and jd.mde > 0.05
    assert any("dataset too small for the margin" in w for w in jd.warnings)


# -- the statistics -----------------------------------------------------------------------------------
def test_holm_levels_match_the_hand_computed_step_down() -> None:
    p = {"a": 0.001, "b": 0.04, "c": 0.01, "d": 0.5}
    # sorted a, c, b, d; m = 4: a at .05/4 (rejected), c at .05/3 (rejected), b at .05/2 = .025: not
    # rejected, so the step-down stops and d is held to .025 too.
    assert holm_levels(p, 0.05) == pytest.approx({"a": 0.0125, "c": 0.05 / 3, "b": 0.025, "d": 0.025})
    assert holm_adjusted(p) == pytest.approx({"a": 0.004, "c": 0.03, "b": 0.08, "d": 0.5})
    assert holm_levels({"x": 0.2}, 0.05) == {"x": 0.05}


def test_holm_levels_reach_the_blocking_metrics_of_a_verdict() -> None:
    verdict = gate(run(), run())
    levels = sorted(m.alpha for m in verdict.metrics if m.blocking and m.alpha is not None)
    m = len(levels)
    assert levels == pytest.approx(sorted(0.05 / (m - i) for i in range(m)))


def test_obrien_fleming_spending_matches_published_boundaries() -> None:
    assert spending_alpha(0.05, 0.0) == 0.0 and spending_alpha(0.05, 1.0) == pytest.approx(0.05)
    assert spending_alpha(0.05, 0.25) < spending_alpha(0.05, 0.5) < spending_alpha(0.05, 0.75)
    # One-sided 0.025, four equal looks: z = 4.333, 2.963, 2.359, 2.014 (Jennison & Turnbull, table 2.3 style)
    levels = nominal_levels(0.025, (0.25, 0.5, 0.75, 1.0))
    assert [stats.norm.isf(p) for p in levels] == pytest.approx([4.333, 2.963, 2.359, 2.014], abs=0.01)


def test_look_schedule_is_cumulative_and_ends_with_every_case() -> None:
    assert look_schedule(32, 10, 3) == [10, 20, 32]
    assert look_schedule(20, 8, 4) == [8, 16, 20]
    assert look_schedule(5, 10, 3) == [5]
    assert look_schedule(0, 10, 3) == []


def test_a_sequential_look_settles_a_flip_at_once_and_a_pass_only_at_the_last_look() -> None:
    clean = gate(run(10), run(10), look=1, max_looks=3)
    fab = metric(clean, "fabrication")
    assert fab.decision == "undecided" and not fab.settled and not clean.passed and not is_settled(clean)
    flipped = gate(run(10), run(10, fabrication=lambda i: i != 2), look=1, max_looks=3)
    assert metric(flipped, "fabrication").settled and is_settled(flipped) and not flipped.passed
    last = gate(run(), run(), look=3, max_looks=3)
    assert last.passed and is_settled(last) and all(m.settled for m in last.metrics)


def test_a_clear_regression_settles_as_a_fail_before_the_last_look() -> None:
    worse = run(20, lift=lambda i: -0.5 + 0.02 * (i % 3))
    verdict = gate(run(20), worse, look=2, max_looks=3)
    jd = metric(verdict, "jd_coverage")
    assert jd.decision == "fail" and jd.settled and is_settled(verdict)
    assert jd.alpha is not None and jd.alpha < 0.05  # held to the alpha spent so far


def test_a_degenerate_difference_gives_the_point_as_its_interval() -> None:
    resampled = bootstrap_mean_difference([0.1] * 12, 999, 1)
    assert resampled.interval(0.01)[:2] == (pytest.approx(0.1), pytest.approx(0.1))
    assert resampled.p_below(-0.05) == 0.0 and resampled.p_below(0.2) == 1.0
    assert bootstrap_ratio([3.0] * 5, [3.0] * 5, "p95", 999, 1).observed == 1.0


def test_the_bca_interval_covers_the_mean_and_narrows_with_the_level() -> None:
    d = np.random.default_rng(0).normal(0.2, 0.1, 40)
    resampled = bootstrap_mean_difference(d, 2000, 1)
    wide, narrow = resampled.interval(0.005), resampled.interval(0.05)
    assert wide[0] < narrow[0] < d.mean() < narrow[1] < wide[1]
    ratio = bootstrap_ratio(2 * np.arange(1, 31.0), np.arange(1, 31.0), "mean", 999, 1)
    assert ratio.observed == pytest.approx(2.0) and ratio.interval(0.05)[:2] == pytest.approx((2.0, 2.0))


def test_the_two_level_bootstrap_carries_the_judges_own_noise() -> None:
    rng = np.random.default_rng(1)
    base = [list(rng.choice([0.25, 0.5, 0.75], size=5)) for _ in range(20)]
    cand = [list(rng.choice([0.25, 0.5, 0.75], size=5)) for _ in range(20)]
    two_level = two_level_bootstrap(base, cand, 1.0, 4000, 2)
    case_means = np.mean(cand, axis=1) - np.mean(base, axis=1)
    assert two_level.observed == pytest.approx(case_means.mean())
    one_level = bootstrap_mean_difference(case_means, 4000, 2)
    # resampling within cases adds the samples' spread: the interval is wider, not narrower
    assert two_level.standard_error > one_level.standard_error
    low, high, _ = two_level.interval(0.025)
    assert low < two_level.observed < high


def test_pairwise_results_summarise_for_the_candidate() -> None:
    results = [
        PairwiseResult(case_id="a", winner="a", score=1.0),
        PairwiseResult(case_id="b", winner="tie", score=0.5, position_bias=True),
        PairwiseResult(case_id="c", winner="b", score=0.0),
        PairwiseResult(case_id="d", winner=None, score=None, missing_reason="unparsable"),
    ]
    summary = pairwise_from_results(results, candidate_side="b")
    assert summary is not None
    assert (summary.wins, summary.ties, summary.losses) == (1, 1, 1)
    assert summary.position_consistency == pytest.approx(2 / 3)
