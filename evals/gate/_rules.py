"""One metric's rule applied to its paired values: the deterministic checks, the resampling, and,
once Holm has given it a level, its decision and the line a person reads."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np

from evals.gate._metrics import HardOffense, PairedValues
from evals.gate._models import Decision, MetricVerdict
from evals.gate._policy import GatePolicy, MetricRule
from evals.gate._stats import (
    RatioStatistic,
    Resampled,
    bootstrap_mean_difference,
    bootstrap_ratio,
    mcnemar_exact,
    mean_standard_error,
    minimum_detectable_effect,
    two_level_bootstrap,
    wilcoxon_noninferiority,
)

_IDS_SHOWN = 5


@dataclass
class Labels:
    baseline: str
    candidate: str


@dataclass
class Assessment:
    """Everything about one metric that does not depend on its level."""

    metric: str
    rule: MetricRule
    paired: PairedValues
    advisory_because: str = ""  # why a blocking rule is only advisory here
    failures: list[str] = field(default_factory=list)  # deterministic: absent, flips, hard offenses
    resampled: Resampled | None = None
    p_value: float | None = None
    test: str = "reported only"
    other_p: dict[str, float] = field(default_factory=dict)
    flips_to_fail: int = 0
    flips_to_pass: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def blocking(self) -> bool:
        return self.rule.blocking and not self.advisory_because

    @property
    def statistical(self) -> bool:
        return self.rule.kind in ("margin", "ratio") and self.resampled is not None

    @property
    def sign(self) -> float:
        return 1.0 if self.rule.direction == "higher" else -1.0


def _ids(case_ids: list[str]) -> str:
    shown = ", ".join(case_ids[:_IDS_SHOWN])
    return shown + (f" and {len(case_ids) - _IDS_SHOWN} more" if len(case_ids) > _IDS_SHOWN else "")


def _cases(count: int, noun: str = "case") -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _seed(policy: GatePolicy, metric: str) -> int:
    return policy.seed + zlib.crc32(metric.encode("utf-8"))


def assess(
    metric: str,
    rule: MetricRule,
    paired: PairedValues,
    hard: list[HardOffense],
    policy: GatePolicy,
    labels: Labels,
    advisory_because: str = "",
) -> Assessment:
    a = Assessment(metric, rule, paired, advisory_because=advisory_because)
    if paired.in_baseline and not paired.in_candidate:
        a.failures.append(f"absent from the candidate run (measured under {labels.baseline})")
    if hard:
        shown = "; ".join(f"{h.case_id}: {h.kind} {h.span!r}" for h in hard[:3])
        cases = sorted({h.case_id for h in hard})
        a.failures.append(f"hard offense in {_cases(len(cases), 'candidate case')} ({shown})")
    if not paired.case_ids:
        return a
    base, cand = np.asarray(paired.baseline), np.asarray(paired.candidate)
    if rule.compare == "pass_rate":
        to_fail = [c for c, b, v in zip(paired.case_ids, base, cand, strict=True) if b == 1 and v == 0]
        a.flips_to_fail = len(to_fail)
        a.flips_to_pass = int(np.sum((base == 0) & (cand == 1)))
        a.other_p["mcnemar_exact"] = mcnemar_exact(a.flips_to_fail, a.flips_to_pass)
        if rule.zero_tolerance:
            a.test, a.p_value = "zero-tolerance (McNemar exact reported)", a.other_p["mcnemar_exact"]
            if to_fail:
                a.failures.append(
                    f"{_cases(len(to_fail))} that passed under {labels.baseline} "
                    f"{'fails' if len(to_fail) == 1 else 'fail'} under {labels.candidate} ({_ids(to_fail)})"
                )
            return a
    seed = _seed(policy, metric)
    if rule.kind == "ratio":
        kind: RatioStatistic = "mean" if rule.compare == "mean_ratio" else "p95"
        a.resampled = bootstrap_ratio(cand, base, kind, policy.bootstrap_resamples, seed)
        a.test = f"paired bootstrap of the {'ratio of means' if kind == 'mean' else 'ratio of p95'}"
        a.p_value = a.resampled.p_above(1 + (rule.relative_margin or 0.0))
    elif rule.kind == "margin":
        margin = rule.margin or 0.0
        if paired.baseline_samples is not None and paired.candidate_samples is not None:
            a.resampled = two_level_bootstrap(
                paired.baseline_samples, paired.candidate_samples, a.sign, policy.bootstrap_resamples, seed
            )
            a.test = "two-level bootstrap (cases, then judge samples)"
        else:
            a.resampled = bootstrap_mean_difference(a.sign * (cand - base), policy.bootstrap_resamples, seed)
            a.test = "paired BCa bootstrap" + (
                " of pass-rate differences" if rule.compare == "pass_rate" else ""
            )
        a.p_value = a.resampled.p_below(-margin)
        if rule.compare == "mean":
            wilcoxon = wilcoxon_noninferiority(a.sign * (cand - base), margin)
            if wilcoxon is not None:
                a.other_p["wilcoxon_noninferiority"] = wilcoxon
    return a


def _aggregate(values: list[float], rule: MetricRule) -> float | None:
    if not values:
        return None
    return float(np.percentile(values, 95)) if rule.compare == "p95_ratio" else float(np.mean(values))


def _bounds_ok(rule: MetricRule, candidate: float | None) -> str:
    if candidate is None:
        return ""
    if rule.floor is not None and candidate < rule.floor:
        return f"candidate {candidate:.4g} below the floor {rule.floor:g}"
    if rule.ceiling is not None and candidate > rule.ceiling:
        return f"candidate {candidate:.4g} above the ceiling {rule.ceiling:g}"
    return ""


def conclude(
    a: Assessment, level: float | None, *, last_look: bool, power: float, labels: Labels
) -> MetricVerdict:
    """The decision at `level` (None outside the Holm family: deterministic or reported only)."""
    rule, paired = a.rule, a.paired
    base, cand = _aggregate(paired.baseline, rule), _aggregate(paired.candidate, rule)
    delta = None if base is None or cand is None else cand - base
    out = MetricVerdict(
        metric=a.metric,
        blocking=a.blocking,
        direction=rule.direction,
        test=a.test,
        baseline=base,
        candidate=cand,
        delta=delta,
        margin=rule.relative_margin if rule.kind == "ratio" else rule.margin,
        alpha=level,
        p_value=a.p_value,
        n_pairs=len(paired.case_ids),
        missing_candidate=paired.missing_candidate,
        decision="advisory",
        reason="",
        warnings=list(a.warnings),
        other_p_values=dict(a.other_p),
        flips_to_fail=a.flips_to_fail,
        flips_to_pass=a.flips_to_pass,
    )
    decision, settled, reason = _decide_one(a, out, level, last_look, power, labels)
    notes = [paired.note] if paired.note else []
    if paired.missing_candidate:
        notes.append(
            f"{_cases(paired.missing_candidate)} missing or errored under the candidate, counted as its "
            f"worst value ({_ids(paired.missing_candidate_ids)})"
        )
    if paired.missing_baseline:
        out.warnings.append(
            f"{_cases(paired.missing_baseline)} missing under the baseline, counted as its worst value"
        )
    if not a.blocking and rule.kind != "report":
        reason = f"would {decision if decision != 'undecided' else 'be undecided'}: {reason}"
        reason += f"; advisory: {a.advisory_because or 'the policy does not block on it'}"
        decision, settled = "advisory", True
    out.decision, out.settled = decision, settled
    out.blocking = out.blocking and decision != "advisory"  # not measured, or reported only
    out.reason = "; ".join([reason, *notes])
    return out


def _decide_one(
    a: Assessment, out: MetricVerdict, level: float | None, last_look: bool, power: float, labels: Labels
) -> tuple[Decision, bool, str]:
    rule = a.rule
    if a.failures:
        return "fail", True, "; ".join(a.failures)
    if not a.paired.case_ids:
        out.warnings.append("not measured in either run: not gated")
        return "advisory", True, "not measured in either run"
    if rule.kind == "report":
        return "advisory", True, "reported only: the policy sets no rule for it"
    if rule.kind == "zero-tolerance":
        fixed = f", {a.flips_to_pass} fixed" if a.flips_to_pass else ""
        reason = f"no case that passed under {labels.baseline} fails under {labels.candidate} ({out.n_pairs} cases{fixed})"
        return ("pass", True, reason) if last_look else ("undecided", False, reason + " so far")
    assert a.resampled is not None
    level = level if level is not None else 0.05
    low, high, method = a.resampled.interval(level)
    mde_se = (
        a.resampled.standard_error if rule.kind == "ratio" or a.resampled.method.startswith("two") else None
    )
    if mde_se is None:
        mde_se = mean_standard_error(
            a.sign * (np.asarray(a.paired.candidate) - np.asarray(a.paired.baseline))
        )
    out.mde = minimum_detectable_effect(mde_se, level, power)
    out.test = (
        a.test if method in ("BCa", "exact") or method.startswith("two") else f"{a.test} ({method} interval)"
    )
    bound_problem = _bounds_ok(rule, out.candidate)
    if rule.kind == "ratio":
        allowed = 1 + (rule.relative_margin or 0.0)
        out.ci_low, out.ci_high = low, high
        good, bad = high <= allowed, low > allowed
        what = f"p95 {a.paired.unit}" if rule.compare == "p95_ratio" else f"{a.paired.unit} per case"
        text = (
            f"{what} {_fmt(out.candidate)} vs {_fmt(out.baseline)}: ratio {a.resampled.observed:.3f}, "
            f"upper bound {high:.3f} {'<=' if good else '>'} {allowed:.2f} allowed"
        )
        too_small = out.mde is not None and out.mde > (rule.relative_margin or 0.0)
    else:
        margin = rule.margin or 0.0
        out.ci_low, out.ci_high = (low, high) if a.sign > 0 else (-high, -low)
        good, bad = low > -margin, high < -margin
        text = (
            f"{a.paired.unit} {_fmt(out.candidate)} vs {_fmt(out.baseline)}: delta {_fmt(out.delta, signed=True)}, "
            f"lower bound {low:+.3f} {'>' if good else '<='} -{margin:g} margin"
        )
        too_small = out.mde is not None and out.mde > margin
    text += f" ({out.n_pairs} cases, one-sided level {level:.2g})"
    if too_small:
        out.warnings.append(
            f"dataset too small for the margin: minimum detectable effect {out.mde:.3g} at level {level:.2g} "
            f"and power {power:g} on {out.n_pairs} cases"
        )
    if bound_problem:
        if last_look:
            return "fail", True, f"{bound_problem}; {text}"
        return "undecided", False, f"{bound_problem} so far; {text}"
    if last_look:
        return ("pass", True, text) if good else ("fail", True, f"not shown within the margin: {text}")
    if good:
        return "pass", True, text
    if bad:
        return "fail", True, f"shown beyond the margin: {text}"
    return "undecided", False, text


def _fmt(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value:+.4g}" if signed else f"{value:.4g}"
