"""What one app holds for its whole life: settings, the state store, the served pipeline, the job
service, metrics, the rate limiter. Opened once per process (no connection per request)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from app.api.jobs import JobRunner, JobService
from app.api.metrics import ApiMetrics
from app.api.ratelimit import TokenBuckets
from app.api.serving import ServedPipeline
from app.registry import Registry
from app.settings import TailorSettings
from app.state import StateStore


@dataclass
class ApiContext:
    settings: TailorSettings
    registry: Registry
    store: StateStore
    served: ServedPipeline
    metrics: ApiMetrics
    limiter: TokenBuckets
    runner: JobRunner
    jobs: JobService
    api_keys: dict[str, str] = field(default_factory=dict)  # key -> client id (a hash, never the key)


def client_ids(raw_keys: str) -> dict[str, str]:
    """`key1,key2` -> {key: "key-<sha256 prefix>"}: logs and the store name a client, never its key."""
    keys = [k.strip() for k in raw_keys.split(",") if k.strip()]
    return {key: "key-" + hashlib.sha256(key.encode()).hexdigest()[:12] for key in keys}
