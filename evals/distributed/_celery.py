"""The Celery app distributed evaluations use: the broker is CELERY_BROKER_URL (RabbitMQ or Redis)
or else REDIS_URL. Only `(run key, case id, epoch)` travels through it; the state store holds the
inputs and the records, so a message may be delivered twice, or go stale, without harm:

- `task_acks_late` + `task_reject_on_worker_lost`: a message is acknowledged after the case is
  recorded; a worker killed mid-case leaves it unacknowledged, and the broker hands it to another
  worker (RabbitMQ at once, when the dead worker's connection drops; Redis after the visibility
  timeout, `TAILOR_WORKER_VISIBILITY_S`).
- The record is a compare-and-set in the store, so a case run twice is recorded once.
- A message whose epoch is not the run's current one (the submitter was cancelled, or a newer
  submission of the same run took over) is dropped unrun.

Celery is imported only here, when a submitter or a worker builds the app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.errors import ConfigError
from app.settings import TailorSettings

if TYPE_CHECKING:
    from celery import Celery

EVAL_TASK = "tailor.eval_case"
EVAL_PREFETCH = 4  # messages a worker holds per slot beyond the ones it runs: a case is short


def broker_url(settings: TailorSettings) -> str:
    url = settings.celery_broker_url or settings.redis_url
    if not url:
        raise ConfigError(
            "the celery backend needs a broker: set CELERY_BROKER_URL (e.g. amqp://guest:guest@127.0.0.1:5672//) "
            "or REDIS_URL (e.g. redis://127.0.0.1:6379/0)"
        )
    return url


def make_eval_celery(settings: TailorSettings) -> Celery:
    from celery import Celery

    app = Celery("tailor-eval", broker=broker_url(settings), set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        task_ignore_result=True,  # records live in the state store
        task_default_queue=settings.eval_queue,
        task_serializer="json",
        accept_content=["json"],
        worker_prefetch_multiplier=EVAL_PREFETCH,
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": settings.worker_visibility_s,
            "unacked_restore_interval": max(1, min(10, int(settings.worker_visibility_s / 4))),
            "unacked_restore_throttle": 1,
        },
        enable_utc=True,
    )
    return app


def masked(url: str) -> str:
    """The broker URL with any password replaced by ***."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url
