"""What one app holds for its whole life: settings, the state store, the served pipeline, the job
service, metrics, the key ring and the rate limiter. Opened once per process (no connection per
request)."""

from __future__ import annotations

from dataclasses import dataclass

from app.api.auth import KeyRing
from app.api.canary import CanaryMetrics
from app.api.jobs import JobQueue, JobService
from app.api.metrics import ApiMetrics
from app.api.ratelimit import RateLimiter
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
    limiter: RateLimiter
    runner: JobQueue  # the in-process JobRunner, or CeleryJobQueue with Celery workers
    jobs: JobService
    keys: KeyRing
    canary: CanaryMetrics
