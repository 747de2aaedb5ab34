"""Collects every call's tokens, cost and latency, and sums them per agent for the run's result."""

from __future__ import annotations

import threading
from typing import Any

from app.models._types import CallRecord


class UsageMeter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.records: list[CallRecord] = []

    def add(self, record: CallRecord) -> None:
        with self._lock:
            self.records.append(record)

    def summary(self) -> dict[str, Any]:
        """Totals and a per-agent breakdown, in the shape the pipeline's result carries."""
        with self._lock:
            records = list(self.records)
        per_agent: dict[str, dict[str, Any]] = {}
        for rec in records:
            agent = per_agent.setdefault(rec.agent, _empty())
            _accumulate(agent, rec)
        totals = _empty()
        for rec in records:
            _accumulate(totals, rec)
        return {**totals, "per_agent": per_agent}


def _empty() -> dict[str, Any]:
    return {
        "calls": 0,
        "input_tokens": 0,
        "output_tokens": 0,
        "cost_usd": 0.0,
        "latency_ms": 0.0,
        "model_latency_ms": 0.0,
        "cache_hits": 0,
        "cache_misses": 0,
    }


def _accumulate(into: dict[str, Any], rec: CallRecord) -> None:
    into["calls"] += 1
    into["input_tokens"] += rec.input_tokens
    into["output_tokens"] += rec.output_tokens
    into["cost_usd"] = round(into["cost_usd"] + rec.cost_usd, 8)
    into["latency_ms"] = round(into["latency_ms"] + rec.latency_ms, 3)
    into["model_latency_ms"] = round(into["model_latency_ms"] + rec.model_latency_ms, 3)
    into["cache_hits" if rec.cached else "cache_misses"] += 1
