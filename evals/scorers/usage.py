"""`usage`: tokens, cost and latency per case, from the pipeline's own metadata (no judgement)."""

from __future__ import annotations

from evals.scorers._base import Sample, Score, scorer


@scorer("usage", kind="usage", default=True)
def usage(sample: Sample) -> Score:
    """Tokens, cost and latency of the pipeline run (reported, never pass/fail)."""
    u = sample.usage or {}
    if not u:
        return Score.missing("usage", "the output carries no usage metadata")
    details = {
        "input_tokens": int(u.get("input_tokens", 0)),
        "output_tokens": int(u.get("output_tokens", 0)),
        "cost_usd": float(u.get("cost_usd", 0.0)),
        "calls": int(u.get("calls", 0)),
        "cache_hits": int(u.get("cache_hits", 0)),
        "latency_ms": float(sample.latency_ms or 0.0),
        "model_latency_ms": float(u.get("model_latency_ms", 0.0)),
    }
    return Score(  # a measurement, not a quality score: no value, no pass flag
        "usage",
        None,
        passed=None,
        explanation=(
            f"{details['input_tokens']}+{details['output_tokens']} tokens, {details['calls']} calls, "
            f"${details['cost_usd']:.4f}, {details['latency_ms']:.0f} ms"
        ),
        details=details,
    )
