"""Per-case metric values read from two runs' CaseRecords, paired by case id.

Only cases present in both runs are compared. A value the candidate lacks (an errored case, a
missing score, no judged rewrite where the baseline had some) counts against the candidate: its
worst value (0 for a pass flag or a score, -1 for a lift, the largest observed cost or latency). The
baseline is treated the same way, so a case the baseline failed to produce is not a free pass
for it either. A case where both runs lack the value (jd_coverage on a case with no evidenced
requirement, no rewrite in either run) is not applicable and skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field

from evals.gate._models import Flip, PairwiseSummary
from evals.gate._policy import MetricRule
from evals.runner import CaseRecord

TRAP_DETAIL = "trap requirement"  # fabrication's detail for a trap requirement claimed (kind "skill")
_SPAN_CHARS = 60


class PairedValues(BaseModel):
    """One metric's paired per-case values, in the metric's own units (not oriented)."""

    metric: str
    unit: str  # "pass rate", "score", "lift", "acceptance", "USD", "tokens", "ms"
    case_ids: list[str] = Field(default_factory=list)
    baseline: list[float] = Field(default_factory=list)
    candidate: list[float] = Field(default_factory=list)
    # Judge metrics with several samples per case: each case's samples on the value scale.
    baseline_samples: list[list[float]] | None = None
    candidate_samples: list[list[float]] | None = None
    missing_candidate: int = 0
    missing_baseline: int = 0
    missing_candidate_ids: list[str] = Field(default_factory=list)
    in_baseline: bool = False  # measured in at least one baseline case
    in_candidate: bool = False
    note: str = ""  # e.g. the switch from cost to tokens


class HardOffense(BaseModel):
    case_id: str
    kind: str
    span: str


def by_case(records: Iterable[CaseRecord]) -> dict[str, CaseRecord]:
    return {r.case_id: r for r in records}


def common_case_ids(baseline: Mapping[str, CaseRecord], candidate: Mapping[str, CaseRecord]) -> list[str]:
    return sorted(set(baseline) & set(candidate))


def _score(record: CaseRecord, name: str) -> dict[str, Any] | None:
    if record.status != "ok":
        return None
    score = record.scores.get(name)
    return score if isinstance(score, dict) else None


def passed_flag(record: CaseRecord, name: str) -> bool | None:
    score = _score(record, name)
    flag = score.get("passed") if score else None
    return flag if isinstance(flag, bool) else None


def _rewrite_acceptance(record: CaseRecord) -> float | None:
    """The share of the writer's outputs the fact-checker kept: accepted, or returned unchanged.

    A reverted output is a wasted call at best and a blocked invention at worst; a prompt whose
    every output is reverted (a broken format) scores 0. Counting "unchanged" as kept makes the
    value move with what the user gets, and not swing on the one or two lines a case accepts.
    """
    if record.status != "ok":
        return None
    statuses = [str(c.get("status")) for c in record.changes]
    kept = statuses.count("accepted") + statuses.count("unchanged")
    return kept / len(statuses) if statuses else None


def _cost(record: CaseRecord, tokens: bool) -> float | None:
    if record.status != "ok" or not record.usage:
        return None
    if tokens:
        return float(record.usage.get("input_tokens", 0) or 0) + float(
            record.usage.get("output_tokens", 0) or 0
        )
    return float(record.usage.get("cost_usd", 0.0) or 0.0)


def _value(record: CaseRecord, metric: str, rule: MetricRule, tokens: bool) -> float | None:
    if rule.measure == "rewrite_acceptance":
        return _rewrite_acceptance(record)
    if rule.measure == "cost":
        return _cost(record, tokens)
    if rule.measure == "latency":
        return float(record.latency_ms) if record.status == "ok" and record.latency_ms is not None else None
    score = _score(record, metric)
    if score is None or score.get("value") is None:
        return None
    if rule.compare == "pass_rate":
        flag = score.get("passed")
        return None if flag is None else float(bool(flag))
    if rule.measure == "lift":
        lift = (score.get("details") or {}).get("lift")
        return float(lift) if isinstance(lift, int | float) else None
    return float(score["value"])


def _pair(
    base: CaseRecord, cand: CaseRecord, metric: str, rule: MetricRule, tokens: bool
) -> tuple[float | None, float | None]:
    b, c = _value(base, metric, rule, tokens), _value(cand, metric, rule, tokens)
    if rule.measure == "rewrite_acceptance" and (b is None) != (c is None):
        # A run that judged no rewrite where the other did accepted none (an errored run stays missing).
        b = 0.0 if b is None and base.status == "ok" else b
        c = 0.0 if c is None and cand.status == "ok" else c
    return b, c


def _samples(record: CaseRecord, metric: str) -> list[float] | None:
    """A judge score's samples on the value scale, (s - 1) / 4 for s on 1..5."""
    score = _score(record, metric)
    raw = (
        ((score or {}).get("details") or {}).get("scores")
        if score and score.get("value") is not None
        else None
    )
    if not isinstance(raw, list) or not raw or not all(isinstance(s, int | float) for s in raw):
        return None
    return [(float(s) - 1) / 4 for s in raw]


def _worst(rule: MetricRule, observed: Sequence[float]) -> float:
    if rule.measure in ("cost", "latency"):
        return max(observed, default=0.0)
    if rule.measure == "lift":
        return -1.0
    return 0.0 if rule.direction == "higher" else 1.0


def priced_at_zero(records: Iterable[CaseRecord]) -> bool:
    return all(_cost(r, tokens=False) in (None, 0.0) for r in records)


def served_from_cache(records: Iterable[CaseRecord]) -> bool:
    return any(int(r.usage.get("cache_hits", 0) or 0) > 0 for r in records)


def measured_in(records: Iterable[CaseRecord], metric: str, rule: MetricRule) -> bool:
    if rule.measure in ("rewrite_acceptance", "cost", "latency"):
        return any(r.status == "ok" for r in records)
    return any(_score(r, metric) is not None for r in records)


def paired_values(
    metric: str,
    rule: MetricRule,
    baseline: Mapping[str, CaseRecord],
    candidate: Mapping[str, CaseRecord],
    case_ids: Sequence[str],
) -> PairedValues:
    base_records = [baseline[c] for c in case_ids]
    cand_records = [candidate[c] for c in case_ids]
    tokens = rule.measure == "cost" and priced_at_zero([*base_records, *cand_records])
    unit = {
        "score": "pass rate" if rule.compare == "pass_rate" else "score",
        "lift": "lift",
        "rewrite_acceptance": "acceptance",
        "cost": "tokens" if tokens else "USD",
        "latency": "latency (ms)",
    }[rule.measure]
    raw = [_pair(baseline[c], candidate[c], metric, rule, tokens) for c in case_ids]
    worst = _worst(rule, [v for pair in raw for v in pair if v is not None])
    judged_samples = rule.judged and rule.compare == "mean"
    out = PairedValues(
        metric=metric,
        unit=unit,
        in_baseline=measured_in(base_records, metric, rule),
        in_candidate=measured_in(cand_records, metric, rule),
        note="priced at $0 in both runs: compared tokens per case (input+output)" if tokens else "",
    )
    base_samples: list[list[float]] = []
    cand_samples: list[list[float]] = []
    for case_id, (b, c) in zip(case_ids, raw, strict=True):
        if b is None and c is None:
            continue
        out.case_ids.append(case_id)
        if c is None:
            out.missing_candidate += 1
            out.missing_candidate_ids.append(case_id)
        out.missing_baseline += b is None
        out.baseline.append(worst if b is None else b)
        out.candidate.append(worst if c is None else c)
        if judged_samples:
            base_samples.append(_samples(baseline[case_id], metric) or [out.baseline[-1]])
            cand_samples.append(_samples(candidate[case_id], metric) or [out.candidate[-1]])
    if judged_samples and any(len(s) > 1 for s in [*base_samples, *cand_samples]):
        out.baseline_samples, out.candidate_samples = base_samples, cand_samples
    return out


def offense_kinds(offense: Mapping[str, Any]) -> set[str]:
    """An offense's kind, plus "trap" for a trap requirement claimed (reported as kind "skill")."""
    kinds = {str(offense.get("kind", ""))}
    if str(offense.get("detail", "")).startswith(TRAP_DETAIL):
        kinds.add("trap")
    return kinds


def hard_offenses(
    candidate: Mapping[str, CaseRecord], case_ids: Sequence[str], metric: str, kinds: Sequence[str]
) -> list[HardOffense]:
    wanted = set(kinds)
    found = []
    for case_id in case_ids:
        score = _score(candidate[case_id], metric) or {}
        for offense in score.get("offenses") or []:
            hit = sorted(offense_kinds(offense) & wanted)
            if hit:
                found.append(
                    HardOffense(case_id=case_id, kind=hit[0], span=_short(str(offense.get("span", ""))))
                )
    return found


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SPAN_CHARS else text[: _SPAN_CHARS - 1] + "…"


def _flip_reason(record: CaseRecord, name: str) -> str:
    if record.status != "ok":
        return f"candidate errored: {_short(record.error or 'no reason given')}"
    score = _score(record, name)
    if score is None:
        return "missing from the candidate"
    if score.get("value") is None and score.get("missing_reason"):
        return f"missing: {_short(str(score['missing_reason']))}"
    spans = [f"{o.get('kind')} {_short(str(o.get('span', '')))!r}" for o in (score.get("offenses") or [])[:3]]
    return "; ".join(spans) or _short(str(score.get("explanation", "")))


def pass_flag_metrics(records: Iterable[CaseRecord]) -> list[str]:
    return sorted(
        {name for r in records for name, s in r.scores.items() if isinstance(s.get("passed"), bool)}
    )


def flips(
    baseline: Mapping[str, CaseRecord], candidate: Mapping[str, CaseRecord], case_ids: Sequence[str]
) -> list[Flip]:
    """Every (case, metric with a pass flag) whose pass/fail differs; a missing flag counts as a fail
    (an errored candidate case flips every metric the baseline passed)."""
    names = pass_flag_metrics([*baseline.values(), *candidate.values()])
    out = []
    for case_id in case_ids:
        for name in names:
            b, c = passed_flag(baseline[case_id], name), passed_flag(candidate[case_id], name)
            if (b is None and c is None) or (b is True) == (c is True):
                continue
            reason = _flip_reason(candidate[case_id], name) if b is True else "passes under the candidate"
            out.append(
                Flip(case_id=case_id, metric=name, baseline_passed=b, candidate_passed=c, reason=reason)
            )
    return out


Side = Literal["a", "b"]


def pairwise_summary(winners: Sequence[str | None], position_bias: Sequence[bool]) -> PairwiseSummary | None:
    """Wins/ties/losses for the candidate; winners are "candidate", "baseline", "tie" or None (unjudged)."""
    judged = [(w, bias) for w, bias in zip(winners, position_bias, strict=True) if w is not None]
    if not judged:
        return None
    return PairwiseSummary(
        wins=sum(w == "candidate" for w, _ in judged),
        ties=sum(w == "tie" for w, _ in judged),
        losses=sum(w == "baseline" for w, _ in judged),
        position_consistency=1 - sum(b for _, b in judged) / len(judged),
    )


def pairwise_from_records(
    candidate: Mapping[str, CaseRecord], case_ids: Sequence[str]
) -> PairwiseSummary | None:
    """From a "pairwise" score on the candidate's records: details {"winner": "candidate" | "baseline"
    | "tie", "position_bias": bool} (evals.judge.PairwiseResult mapped to the two runs)."""
    winners: list[str | None] = []
    bias: list[bool] = []
    for case_id in case_ids:
        details = (_score(candidate[case_id], "pairwise") or {}).get("details") or {}
        if details.get("winner") in ("candidate", "baseline", "tie"):
            winners.append(str(details["winner"]))
            bias.append(bool(details.get("position_bias", False)))
    return pairwise_summary(winners, bias)


def pairwise_from_results(results: Iterable[Any], candidate_side: Side = "a") -> PairwiseSummary | None:
    """From evals.judge.PairwiseResult objects (compare_runs(...).results), the candidate being `a` or `b`."""
    mapping = {candidate_side: "candidate", ("b" if candidate_side == "a" else "a"): "baseline", "tie": "tie"}
    items = list(results)
    return pairwise_summary(
        [mapping.get(r.winner) if r.winner is not None else None for r in items],
        [bool(r.position_bias) for r in items],
    )
