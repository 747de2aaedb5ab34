"""Prometheus metrics of one app, in its own registry (two apps in one process never collide).

Requests by route template and status, latency histograms, jobs by outcome and by state, LLM calls,
tokens and cost, the cache hit ratio (and its two counters), fallback calls, each model's circuit, the
broker's queue (with Celery workers), and the pipeline being served. A Celery worker keeps its own
`ApiMetrics` (its jobs' tokens, cost and outcomes) and serves it with `tailor worker --metrics-port`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST as CONTENT_TYPE
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

__all__ = ["CONTENT_TYPE", "ApiMetrics"]

disable_created_metrics()  # no `_created` twin of every counter (process-wide)

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)


class ApiMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "tailor_http_requests",
            "HTTP requests by route and status",
            ["method", "route", "status"],
            registry=r,
        )
        self.latency = Histogram(
            "tailor_http_request_seconds",
            "HTTP latency by route",
            ["method", "route"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.jobs_finished = Counter(
            "tailor_jobs_finished", "Jobs ended, by outcome", ["outcome"], registry=r
        )
        self.job_seconds = Histogram(
            "tailor_job_seconds", "Job run time (one attempt)", buckets=_LATENCY_BUCKETS, registry=r
        )
        self.jobs_by_state = Gauge("tailor_jobs", "Jobs in the store, by state", ["state"], registry=r)
        self.queue_depth = Gauge("tailor_queue_depth", "Jobs waiting to run", registry=r)
        self.running_here = Gauge("tailor_jobs_running_here", "Jobs this process is running", registry=r)
        self.llm_calls = Counter("tailor_llm_calls", "Model calls by cache outcome", ["cache"], registry=r)
        self.llm_tokens = Counter("tailor_llm_tokens", "Model tokens", ["direction"], registry=r)
        self.llm_cost = Counter("tailor_llm_cost_usd", "Model cost in USD", registry=r)
        self.llm_fallbacks = Counter(
            "tailor_llm_fallback_calls", "Calls a fallback model answered for an unavailable one", registry=r
        )
        self.served = Gauge(
            "tailor_served_pipeline",
            "1 for the pipeline version being served",
            ["alias", "label", "hash"],
            registry=r,
        )
        self._served_labels: tuple[str, str, str] | None = None
        self.cache_outcomes = (0, 0)  # (hits, misses) so far, for the ratio
        self._derived = _DerivedCollector(self)
        r.register(self._derived)

    def watch_broker(self, depth: Callable[[], dict[str, int] | None]) -> None:
        """Read the broker's queue at every scrape (Celery workers; None: no broker)."""
        self._derived.broker_depth = depth

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def observe_usage(self, usage: dict[str, Any]) -> None:
        calls, hits = int(usage.get("calls", 0)), int(usage.get("cache_hits", 0))
        self.llm_calls.labels("hit").inc(hits)
        self.llm_calls.labels("miss").inc(max(0, calls - hits))
        self.cache_outcomes = (self.cache_outcomes[0] + hits, self.cache_outcomes[1] + max(0, calls - hits))
        self.llm_tokens.labels("input").inc(int(usage.get("input_tokens", 0)))
        self.llm_tokens.labels("output").inc(int(usage.get("output_tokens", 0)))
        self.llm_cost.inc(float(usage.get("cost_usd", 0.0) or 0.0))
        self.llm_fallbacks.inc(int(usage.get("fallback_calls", 0)))

    def set_served(self, alias: str, label: str, pipeline_hash: str) -> None:
        labels = (alias, label, pipeline_hash)
        if labels == self._served_labels:
            return
        if self._served_labels is not None:
            self.served.remove(*self._served_labels)
        self.served.labels(*labels).set(1)
        self._served_labels = labels

    def set_job_counts(self, counts: dict[str, int]) -> None:
        for state, n in counts.items():
            self.jobs_by_state.labels(state).set(n)
        self.queue_depth.set(counts.get("queued", 0))

    def render(self) -> bytes:
        return bytes(generate_latest(self.registry))


class _DerivedCollector(Collector):
    """Gauges computed at scrape time: the cache hit ratio, each model's circuit (this process's),
    and the broker's queue depth."""

    def __init__(self, metrics: ApiMetrics) -> None:
        self.metrics = metrics
        self.broker_depth: Callable[[], dict[str, int] | None] = lambda: None

    def collect(self) -> Iterator[Metric]:
        hits, misses = self.metrics.cache_outcomes
        ratio = GaugeMetricFamily("tailor_llm_cache_hit_ratio", "Model calls answered by the cache (share)")
        ratio.add_metric([], hits / (hits + misses) if hits + misses else 0.0)
        yield ratio
        from app.models import BREAKERS

        state = GaugeMetricFamily(
            "tailor_model_circuit_open", "1 while a model's circuit is open (0.5 half-open)", labels=["model"]
        )
        opened = GaugeMetricFamily(
            "tailor_model_circuit_opened", "Times a model's circuit opened in this process", labels=["model"]
        )
        for view in BREAKERS.views():
            state.add_metric([view.model], {"closed": 0.0, "half_open": 0.5, "open": 1.0}[view.state])
            opened.add_metric([view.model], float(view.opened_total))
        yield state
        yield opened
        depth = self.broker_depth()
        if depth is not None:
            broker = GaugeMetricFamily(
                "tailor_broker_messages",
                "Job messages in the broker: ready (queued) or unacked (running)",
                labels=["state"],
            )
            for name, value in depth.items():
                broker.add_metric([name], float(value))
            yield broker
