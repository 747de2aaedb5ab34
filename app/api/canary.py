"""The canary's metrics: the configured share, and new jobs by the alias (and version) that serves them.

They live in the app's own Prometheus registry (`ApiMetrics.registry`), so /metrics shows them.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge


class CanaryMetrics:
    def __init__(self, registry: CollectorRegistry, *, canary_alias: str, share: float) -> None:
        self.share = Gauge(
            "tailor_canary_share", "Share of new jobs sent to the canary alias", ["alias"], registry=registry
        )
        self.share.labels(canary_alias).set(share)
        self.submitted = Counter(
            "tailor_jobs_submitted",
            "New jobs by the alias and pipeline serving them (canary: served by the canary alias)",
            ["alias", "label", "canary"],
            registry=registry,
        )

    def job_submitted(self, alias: str, label: str, *, canary: bool) -> None:
        self.submitted.labels(alias, label, "true" if canary else "false").inc()
