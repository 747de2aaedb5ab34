"""Aggregates over case records: per metric mean, pass rate and missing count; latency; usage."""

from __future__ import annotations

from collections import Counter
from typing import Any

from evals.runner._records import CaseRecord
from evals.runner._run_files import (
    CaseCounts,
    CaseError,
    JudgeUsage,
    LatencyPercentiles,
    MetricAggregate,
    RewriteTally,
    RunMeta,
    RunSummary,
    UsageTotals,
)


def per_case_table(records: list[CaseRecord]) -> Any:
    """One row per case, one column per metric value and pass flag (pandas)."""
    import pandas as pd

    rows = []
    for r in records:
        row: dict[str, Any] = {
            "case_id": r.case_id,
            "status": r.status,
            "latency_ms": r.latency_ms,
            "input_hash": r.input_hash[:16],
            "output_hash": r.output_hash[:16],
            "tags": ",".join(r.tags),
            "error": r.error or "",
        }
        for name, score in r.scores.items():
            row[f"{name}"] = score.get("value")
            row[f"{name}_passed"] = score.get("passed")
            row[f"{name}_offenses"] = len(score.get("offenses") or [])
        for key in ("input_tokens", "output_tokens", "cost_usd", "calls", "cache_hits"):
            row[key] = r.usage.get(key)
        rows.append(row)
    return pd.DataFrame(rows)


def summarise(records: list[CaseRecord], run: RunMeta) -> RunSummary:
    """The aggregates over `records` (ok cases only, except the error count and list)."""
    ok = [r for r in records if r.status == "ok"]
    latencies = sorted(r.latency_ms for r in ok if r.latency_ms is not None)
    return RunSummary(
        run=run,
        cases=CaseCounts(total=len(records), ok=len(ok), errors=len(records) - len(ok)),
        metrics=_metrics(ok),
        latency_ms=LatencyPercentiles(p50=_percentile(latencies, 50), p95=_percentile(latencies, 95)),
        usage=_usage(ok),
        errors=[CaseError(case_id=r.case_id, error=r.error) for r in records if r.status != "ok"][:20],
        rewrites=_rewrites(ok),
    )


def _metrics(ok: list[CaseRecord]) -> dict[str, MetricAggregate]:
    metrics: dict[str, MetricAggregate] = {}
    for name in sorted({n for r in ok for n in r.scores}):
        scores = [r.scores[name] for r in ok if name in r.scores]
        values = [s["value"] for s in scores if s.get("value") is not None]
        passes = [s["passed"] for s in scores if s.get("passed") is not None]
        reasons = Counter(
            s["missing_reason"] for s in scores if s.get("value") is None and s.get("missing_reason")
        )
        if not values and not reasons:
            continue  # a measurement such as usage: summarised in `_usage`
        lifts = [s["details"]["lift"] for s in scores if "lift" in (s.get("details") or {})]
        metrics[name] = MetricAggregate(
            mean=round(sum(values) / len(values), 4) if values else None,
            pass_rate=round(sum(passes) / len(passes), 4) if passes else None,
            n=len(values),
            missing=len(scores) - len(values),
            missing_reasons=dict(reasons),
            mean_lift=round(sum(lifts) / len(lifts), 4) if lifts else None,
        )
    return metrics


def _usage(ok: list[CaseRecord]) -> UsageTotals:
    """Tailoring's tokens, calls and cost; the judge's own calls apart, when a judge scored."""
    counts = {
        k: sum(r.usage.get(k, 0) or 0 for r in ok)
        for k in ("input_tokens", "output_tokens", "calls", "cache_hits", "cache_misses")
    }
    judged = [r.usage["judge"] for r in ok if isinstance(r.usage.get("judge"), dict)]
    judge = None
    if judged:  # the judge's own calls: what scoring cost, beside what tailoring cost
        judge = JudgeUsage(
            **{
                k: round(sum(float(j.get(k, 0) or 0) for j in judged), 6)
                for k in ("calls", "input_tokens", "output_tokens", "cost_usd", "cache_hits")
            }
        )
    return UsageTotals(
        **counts,
        cost_usd=round(sum(float(r.usage.get("cost_usd", 0.0) or 0.0) for r in ok), 6),
        judge=judge,
    )


def _rewrites(ok: list[CaseRecord]) -> RewriteTally | None:
    """What the fact-checker did with the model's rewrites: how many it kept or reverted, and which
    checks reverted them (a change counts once per check). None for a solver that reports no changes."""
    changes = [c for r in ok for c in r.changes]
    if not changes:
        return None
    statuses = Counter(str(c.get("status")) for c in changes)
    checks = Counter(
        check
        for c in changes
        if c.get("status") == "reverted"
        for check in {str(reason).partition(":")[0].strip() for reason in c.get("reasons") or []}
    )
    return RewriteTally(
        accepted=statuses.get("accepted", 0),
        reverted=statuses.get("reverted", 0),
        unchanged=statuses.get("unchanged", 0),
        reverted_by=dict(sorted(checks.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    import numpy as np

    return round(float(np.percentile(values, q)), 3)
