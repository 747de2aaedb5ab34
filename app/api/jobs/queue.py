"""Where the API's jobs go: the in-process runner (the default) or Celery workers (`tailor worker`).

`make_job_queue` picks by the setting `api_job_backend`: `auto` means Celery when `REDIS_URL` is
set, else in process; `local` and `celery` force one. Both keep every job in the state store first,
so the choice never changes what a client sees, only which process runs the job.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from app.api.jobs.attempt import Execute, OnFinished
from app.api.jobs.broker import Dispatcher
from app.api.jobs.progress import ProgressTracker
from app.api.jobs.runner import JobRunner, wait_for_final
from app.api.metrics import ApiMetrics
from app.settings import TailorSettings
from app.state import JobEntry, StateStore

log = logging.getLogger("tailor.api.jobs")


class JobQueue(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    def enqueue(self, job_id: str, version: float | None = None) -> None: ...
    def live(self, job_id: str) -> ProgressTracker | None: ...
    def running_here(self, job_id: str) -> bool: ...
    def cancel(self, job_id: str) -> None: ...
    async def wait(self, job_id: str, timeout_s: float) -> JobEntry | None: ...
    def broker_depth(self) -> dict[str, int] | None: ...


def uses_celery(settings: TailorSettings) -> bool:
    if settings.api_job_backend == "auto":
        return bool(settings.redis_url)
    return settings.api_job_backend == "celery"


def make_job_queue(
    store: StateStore,
    settings: TailorSettings,
    metrics: ApiMetrics,
    execute: Execute,
    on_finished: OnFinished | None = None,
) -> JobQueue:
    queue: JobQueue
    if uses_celery(settings):
        queue = CeleryJobQueue(store, Dispatcher(settings))
    else:
        queue = JobRunner(store, settings, metrics, execute, on_finished)
    metrics.watch_broker(queue.broker_depth)
    return queue


class CeleryJobQueue:
    """The API's side of Celery: store first, then send the id; workers run, complete and notify.
    Progress and results are read from the store (no job runs in this process)."""

    def __init__(self, store: StateStore, dispatcher: Dispatcher) -> None:
        self.store = store
        self.dispatcher = dispatcher

    async def start(self) -> None:
        if not await asyncio.to_thread(self.dispatcher.ping):
            log.warning(
                "the Celery broker does not answer; jobs are stored and will be sent by a worker's sweep"
            )

    async def stop(self) -> None:
        self.dispatcher.close()

    def enqueue(self, job_id: str, version: float | None = None) -> None:
        try:
            self.dispatcher.dispatch(job_id, version=version)
        except Exception as exc:  # stored already: a worker's sweep sends it once the broker is back
            log.warning(
                "could not send job %s to the broker (%s); a worker's sweep will", job_id, type(exc).__name__
            )

    def live(self, job_id: str) -> ProgressTracker | None:
        return None

    def running_here(self, job_id: str) -> bool:
        return False

    def cancel(self, job_id: str) -> None:
        """Nothing to do here: the worker's next lease renewal finds the job erased and stops."""

    async def wait(self, job_id: str, timeout_s: float) -> JobEntry | None:
        return await wait_for_final(self.store, job_id, timeout_s)

    def broker_depth(self) -> dict[str, int] | None:
        try:
            return self.dispatcher.depth()
        except Exception:
            return None
