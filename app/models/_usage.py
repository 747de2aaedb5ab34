"""Collects every call's tokens, cost and latency, and sums them per agent for the run's result.

Latency, per call: `latency_ms` is the time the call took now (the model call on a cache miss, the
cache look-up on a hit). The summary's `model_latency_ms` sums only calls that reached a model now,
so a cached run never reports more model time than it ran; what its cache hits took when they did
reach a model is `cache_saved_ms`.
"""

from __future__ import annotations

import threading
from typing import Any

from pydantic import BaseModel

from app.models._types import CallRecord


class UsageTotals(BaseModel):
    """The sums over a set of calls: a run's totals, or one agent's share of them."""

    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    latency_ms: float = 0.0
    model_latency_ms: float = 0.0
    cache_hits: int = 0
    cache_misses: int = 0
    cache_saved_ms: float = 0.0
    fallback_calls: int = 0  # calls the fallback model answered in place of an unavailable one

    def add(self, rec: CallRecord) -> None:
        self.calls += 1
        self.input_tokens += rec.input_tokens
        self.output_tokens += rec.output_tokens
        self.cost_usd = round(self.cost_usd + rec.cost_usd, 8)
        self.latency_ms = round(self.latency_ms + rec.latency_ms, 3)
        self.fallback_calls += rec.fallback_from is not None
        if rec.cached:
            self.cache_hits += 1
            self.cache_saved_ms = round(self.cache_saved_ms + rec.model_latency_ms, 3)
        else:
            self.cache_misses += 1
            self.model_latency_ms = round(self.model_latency_ms + rec.latency_ms, 3)


class UsageSummary(UsageTotals):
    per_agent: dict[str, UsageTotals] = {}
    fallback_used: bool = False  # a fallback model answered at least one call of the run


def summarize(records: list[CallRecord]) -> UsageSummary:
    summary = UsageSummary()
    for rec in records:
        summary.add(rec)
        summary.per_agent.setdefault(rec.agent, UsageTotals()).add(rec)
    summary.fallback_used = summary.fallback_calls > 0
    return summary


class UsageMeter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.records: list[CallRecord] = []

    def add(self, record: CallRecord) -> None:
        with self._lock:
            self.records.append(record)

    def mark(self) -> int:
        """A position in the record list; `summary(since=mark)` then covers only later calls."""
        with self._lock:
            return len(self.records)

    def summary(self, *, since: int = 0) -> dict[str, Any]:
        """Totals and a per-agent breakdown, in the shape the pipeline's result carries."""
        with self._lock:
            records = self.records[since:]
        return summarize(records).model_dump()
