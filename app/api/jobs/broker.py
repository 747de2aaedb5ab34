"""The Celery side of jobs that both the API and the workers need: the Celery app (Redis broker) and
the dispatcher that sends a job id to the workers' queue.

Only the job id travels through the broker; the job row in the state store stays the truth (status,
lease, attempts, inputs, result). So a message may be lost or delivered twice without harm:

- `task_acks_late` + `task_reject_on_worker_lost`: a message is acknowledged after the task ran, so a
  worker killed mid-job leaves it unacknowledged, and Redis hands it out again after the visibility
  timeout (`worker_visibility_s`); a second delivery of a job already claimed or finished is a no-op
  (the claim is a compare-and-set in the store).
- Every worker also sweeps the store (`sweep_stranded`): a queued job no message was sent for (the
  API died between storing and sending it, or Redis restarted: it keeps nothing on disk) and a
  running job whose lease expired (its worker died) are sent again at once, deduplicated by a
  marker per job version in Redis, so several sweeping workers send each one once.

Celery is imported only when a dispatcher or worker is built (`tailor --help` never imports it).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from app.settings import TailorSettings
from app.state import StateStore

if TYPE_CHECKING:
    from celery import Celery

log = logging.getLogger("tailor.api.jobs")

TASK_NAME = "tailor.run_job"
MARKER_PREFIX = "tailor:dispatched:"


def make_celery(settings: TailorSettings) -> Celery:
    """The Celery app on the Redis broker, configured for at-least-once delivery."""
    from celery import Celery

    if not settings.redis_url:
        from app.errors import ConfigError

        raise ConfigError("Celery workers need REDIS_URL (the broker), e.g. redis://127.0.0.1:6379/0")
    app = Celery("tailor", broker=settings.redis_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,  # acknowledge after the task ran: a killed worker's job is delivered again
        task_reject_on_worker_lost=True,  # a pool child that died: requeue its message, do not ack it
        task_acks_on_failure_or_timeout=True,  # a task that raised is done; the store keeps the failure
        task_ignore_result=True,  # results live in the state store
        task_default_queue=settings.worker_queue,
        task_serializer="json",
        accept_content=["json"],
        worker_prefetch_multiplier=1,  # a worker holds one message at a time beyond what it runs
        worker_hijack_root_logger=False,  # keep Tailor's JSON log lines
        worker_redirect_stdouts=False,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": settings.worker_visibility_s,
            # Look for messages whose worker died every few seconds (kombu's default: every 100 s).
            "unacked_restore_interval": max(1, min(10, int(settings.worker_visibility_s / 4))),
            "unacked_restore_throttle": 1,
        },
        enable_utc=True,
    )
    return app


class Dispatcher:
    """Sends job ids to the workers' queue, at most once per job version (within the marker's life)."""

    def __init__(self, settings: TailorSettings, celery: Celery | None = None) -> None:
        import redis

        self.queue = settings.worker_queue
        self.marker_ttl_s = max(1, int(settings.worker_visibility_s))
        self.celery = celery or make_celery(settings)
        self.redis: Any = redis.Redis.from_url(str(settings.redis_url))

    def dispatch(
        self, job_id: str, *, version: float | None = None, countdown_s: float = 0.0, force: bool = False
    ) -> bool:
        """Send the job unless this version of it (its `updated_at`) was sent already; `force` sends
        anyway (a replay). True when a message was sent."""
        marker = f"{MARKER_PREFIX}{job_id}:{version!r}"
        if force:
            self.redis.set(marker, "1", ex=self.marker_ttl_s)
        elif not self.redis.set(marker, "1", nx=True, ex=self.marker_ttl_s):
            return False
        try:
            self.celery.send_task(TASK_NAME, args=[job_id], queue=self.queue, countdown=countdown_s or None)
        except Exception:
            self.redis.delete(marker)  # not sent: the next sweep may try again
            raise
        return True

    def depth(self) -> dict[str, int]:
        """Messages waiting in the queue, and delivered but not yet acknowledged (being run)."""
        return {"ready": int(self.redis.llen(self.queue)), "unacked": int(self.redis.hlen("unacked"))}

    def ping(self) -> bool:
        try:
            return bool(self.redis.ping())
        except Exception:
            return False

    def close(self) -> None:
        self.redis.close()


def sweep_stranded(store: StateStore, dispatcher: Dispatcher, *, queued_for_s: float) -> int:
    """Send again every queued job untouched for `queued_for_s` seconds and every running job whose
    lease expired, once per job version; returns how many were sent."""
    sent = 0
    for job in store.stranded_jobs(queued_for_s=queued_for_s):
        if dispatcher.dispatch(job.id, version=job.updated_at):
            sent += 1
            log.info(
                "re-sent %s job %s (attempts %d)",
                job.status,
                job.id,
                job.attempts,
                extra={"event": "job.redispatch", "job_id": job.id, "status": job.status},
            )
    return sent
