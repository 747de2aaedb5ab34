"""What one worker process holds for its life: settings, the state store, metrics, the model layer's
per-process state (cache, circuit breakers), an event loop, and the job attempts run on it.

Built lazily in the process that runs tasks (a prefork child builds its own after the fork), and
rebuilt if the process id changed. One job runs at a time per process; concurrency comes from
processes (`tailor worker --concurrency N` forks N children).
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import threading

from app.api.jobs import Dispatcher, JobAttempts, Outcome, TailorJob, WebhookSender, sweep_stranded, worker_id
from app.api.metrics import ApiMetrics
from app.settings import TailorSettings, get_settings
from app.state import open_state

log = logging.getLogger("tailor.worker")

QUEUED_GRACE_S = 3.0  # a queued job untouched this long with no message sent for it is sent again
RETRY_BACKOFF_MAX_S = 30.0


class WorkerRuntime:
    def __init__(self, settings: TailorSettings) -> None:
        self.pid = os.getpid()
        self.settings = settings
        self.store = open_state(settings.state)
        self.metrics = ApiMetrics()
        self.owner = worker_id()
        self.dispatcher = Dispatcher(settings)
        self.metrics.watch_broker(self.dispatcher.depth)
        self.attempts = JobAttempts(
            self.store, settings, self.metrics, TailorJob(settings),
            WebhookSender(settings.api_webhook_secret),
            owner=self.owner,
        )  # fmt: skip
        self.loop = asyncio.new_event_loop()
        self._lock = threading.Lock()

    def run(self, job_id: str) -> Outcome:
        """One delivery of a job: claim and run it (a no-op if another worker has it or it is done);
        a retryable failure is sent again after a jittered backoff."""
        with self._lock:
            self.metrics.running_here.set(1)
            try:
                outcome = self.loop.run_until_complete(self.attempts.run(job_id))
            finally:
                self.metrics.running_here.set(0)
        if outcome == "retry":
            self._send_again(job_id)
        return outcome

    def _send_again(self, job_id: str) -> None:
        job = self.store.get_job(job_id)
        if job is None or job.status != "queued":
            return
        delay_s = min(RETRY_BACKOFF_MAX_S, 2.0**job.attempts) * random.uniform(0.5, 1.0)
        try:
            self.dispatcher.dispatch(job_id, version=job.updated_at, countdown_s=delay_s)
        except Exception as exc:  # queued in the store: the sweep sends it
            log.warning("could not send job %s again: %s", job_id, type(exc).__name__)

    def sweep(self) -> int:
        return sweep_stranded(self.store, self.dispatcher, queued_for_s=QUEUED_GRACE_S)

    def close(self) -> None:
        self.loop.close()
        self.dispatcher.close()


_runtime: WorkerRuntime | None = None
_runtime_lock = threading.Lock()


def current_runtime(settings: TailorSettings | None = None) -> WorkerRuntime:
    """This process's runtime (built on first use; again after a fork)."""
    global _runtime
    with _runtime_lock:
        if _runtime is None or _runtime.pid != os.getpid():
            _runtime = WorkerRuntime(settings or get_settings())
        return _runtime
