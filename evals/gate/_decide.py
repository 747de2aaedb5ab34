"""The gate's decision: a candidate's records against the baseline's, under a policy, as a Verdict.

Order of work: pair cases by id; per metric, read paired values and apply the deterministic rules
(absent metric, zero-tolerance flips, hard offenses); resample every statistical metric once;
order the blocking statistical metrics by their one-sided p-values and give each its Holm level
within the alpha available at this look; read each interval at its level and decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from evals.gate._metrics import (
    by_case,
    common_case_ids,
    flips,
    hard_offenses,
    paired_values,
    pairwise_from_records,
    served_from_cache,
)
from evals.gate._models import MetricVerdict, PairwiseSummary, Verdict, VerdictKey
from evals.gate._policy import GatePolicy, MetricRule
from evals.gate._rules import Assessment, Labels, assess, conclude
from evals.gate._sequential import is_last_look, look_alpha
from evals.gate._stats import holm_adjusted, holm_levels
from evals.runner import CaseRecord


def gated_metrics(policy: GatePolicy, records: Sequence[CaseRecord]) -> list[tuple[str, MetricRule]]:
    """Metrics the policy names, then any score in the runs that one of its patterns matches."""
    named = policy.named_metrics()
    seen = sorted({name for r in records for name in r.scores} - set(named))
    chosen = [(name, policy.metrics[name]) for name in named]
    for name in seen:
        rule = policy.rule_for(name)
        if rule is not None:
            chosen.append((name, rule))
    return chosen


def _advisory_because(
    rule: MetricRule, policy: GatePolicy, judge_trusted: bool, cached: bool, labels: Labels
) -> str:
    if not rule.blocking:
        return "the policy does not block on it"
    if rule.judged and not judge_trusted:
        return f"the judge is not trusted (uncalibrated, or kappa below {policy.min_judge_kappa:g})"
    if rule.measure == "latency" and cached:
        return (
            f"{labels.baseline} or {labels.candidate} was served from the LLM cache "
            "(cache hits > 0), so latency is not comparable"
        )
    return ""


def decide(
    baseline: Sequence[CaseRecord],
    candidate: Sequence[CaseRecord],
    policy: GatePolicy,
    *,
    key: VerdictKey,
    candidate_label: str,
    baseline_label: str,
    dataset_ref: str,
    cases_total: int,
    judge_trusted: bool,
    look: int = 1,
    max_looks: int = 1,
    pairwise: PairwiseSummary | None = None,
) -> Verdict:
    """Verdict.passed is True only when every blocking metric passes (at an intermediate look of a
    sequential gate: has settled as a pass)."""
    base_by_id, cand_by_id = by_case(baseline), by_case(candidate)
    case_ids = common_case_ids(base_by_id, cand_by_id)
    labels = Labels(baseline=baseline_label, candidate=candidate_label)
    compared = [*(base_by_id[c] for c in case_ids), *(cand_by_id[c] for c in case_ids)]
    cached = served_from_cache(compared)
    assessments: list[Assessment] = []
    for metric, rule in gated_metrics(policy, [*baseline, *candidate]):
        paired = paired_values(metric, rule, base_by_id, cand_by_id, case_ids)
        hard = hard_offenses(cand_by_id, case_ids, metric, rule.hard_offense_kinds)
        because = _advisory_because(rule, policy, judge_trusted, cached, labels)
        assessments.append(assess(metric, rule, paired, hard, policy, labels, because))

    sequential = max_looks > 1
    total = max(cases_total, len(case_ids), 1)
    batch = policy.sequential.batch_size
    available = look_alpha(policy.alpha, total, batch, max_looks, look) if sequential else policy.alpha
    last = not sequential or is_last_look(total, batch, max_looks, look)
    family = {a.metric: a.p_value or 0.0 for a in assessments if a.blocking and a.statistical}
    levels = holm_levels(family, available)
    adjusted = holm_adjusted(family)
    verdicts: list[MetricVerdict] = []
    for a in assessments:
        if a.metric in adjusted:
            a.other_p["holm_adjusted"] = adjusted[a.metric]
        level = levels.get(a.metric, available if a.statistical else None)
        verdicts.append(conclude(a, level, last_look=last, power=policy.power, labels=labels))

    blocking = [v for v in verdicts if v.blocking]
    passed = all(v.decision == "pass" for v in blocking)
    reasons = [f"{v.metric}: {v.reason}" for v in blocking if v.decision == "fail"]
    return Verdict(
        passed=passed,
        key=key,
        candidate_label=candidate_label,
        baseline_label=baseline_label,
        dataset_ref=dataset_ref,
        cases_total=cases_total,
        cases_used=len(case_ids),
        looks=look,
        sequential=sequential,
        family_alpha=policy.alpha,
        metrics=verdicts,
        blocking_reasons=reasons,
        flips=flips(base_by_id, cand_by_id, case_ids),
        pairwise=pairwise or pairwise_from_records(cand_by_id, case_ids),
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
