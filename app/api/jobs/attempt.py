"""One attempt at one job, wherever it runs (the API process's runner, or a Celery worker).

- Claim the job in the store (compare-and-set: queued, or running under an expired lease). Another
  worker holding it means there is nothing to do (`skipped`): duplicate deliveries are harmless.
- Renew the lease while it runs, storing per-agent progress with it. A renewal that finds the job
  no longer ours (erased, or taken over after a stall) stops the attempt (`lost`).
- Complete only while still the owner (`succeeded`; `superseded` when another worker got there).
- Input, registry and configuration errors fail the job at once; other failures are retried until
  `api_job_attempts` tries (`retry`), then the job ends `failed` in the dead letter with its reason.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from app.api.jobs.progress import ProgressTracker
from app.api.metrics import ApiMetrics
from app.api.observability import job_id_var, job_span, log_event, request_id_var
from app.errors import ConfigError, InputError, NotFoundError, RegistryError, TailorError
from app.settings import TailorSettings
from app.state import JobEntry, StateStore

log = logging.getLogger("tailor.api.jobs")

Execute = Callable[[JobEntry, ProgressTracker], Awaitable[dict[str, Any]]]
OnFinished = Callable[[JobEntry], Awaitable[None]]
OnStart = Callable[[JobEntry, ProgressTracker], None]
Outcome = Literal["succeeded", "superseded", "retry", "failed", "skipped", "lost"]

PERMANENT_ERRORS = (InputError, NotFoundError, ConfigError, RegistryError)
PROGRESS_WRITE_S = 0.5


class JobAttempts:
    def __init__(
        self,
        store: StateStore,
        settings: TailorSettings,
        metrics: ApiMetrics,
        execute: Execute,
        on_finished: OnFinished | None = None,
        *,
        owner: str,
    ) -> None:
        self.store = store
        self.metrics = metrics
        self.execute = execute
        self.on_finished = on_finished
        self.owner = owner
        self.lease_s = settings.api_job_lease_s
        self.max_attempts = settings.api_job_attempts

    async def run(self, job_id: str, on_start: OnStart | None = None) -> Outcome:
        """Claim and run the job once. A cancellation from outside (shutdown, erasure) gives the job
        back to the queue and propagates."""
        job = await asyncio.to_thread(self.store.claim_job, job_id, owner=self.owner, lease_s=self.lease_s)
        if job is None:
            log_event(log, "job.skipped", job_id=job_id)  # another worker has it, or it ended
            return "skipped"
        tracker = ProgressTracker()
        if on_start is not None:
            on_start(job, tracker)
        request_token, job_token = request_id_var.set(job.request_id), job_id_var.set(job.id)
        try:
            with job_span(job.id, job.pipeline_hash, job.attempts):
                return await self._attempt(job, tracker)
        finally:
            request_id_var.reset(request_token)
            job_id_var.reset(job_token)

    async def _attempt(self, job: JobEntry, tracker: ProgressTracker) -> Outcome:
        task = asyncio.current_task()
        assert task is not None
        loop = asyncio.get_running_loop()
        lost = threading.Event()

        def on_lost() -> None:
            lost.set()
            loop.call_soon_threadsafe(task.cancel)

        heartbeat = Heartbeat(self.store, job.id, self.owner, self.lease_s, tracker, on_lost)
        heartbeat.start()
        started = time.perf_counter()
        log_event(log, "job.start", attempt=job.attempts, pipeline=job.pipeline_hash[:12], owner=self.owner)
        try:
            try:
                result = await self.execute(job, tracker)
            except Exception as exc:
                heartbeat.stop()
                return await self._failed(job, tracker, exc)
            heartbeat.stop()
            return await self._succeeded(job, tracker, result, started)
        except asyncio.CancelledError:
            if lost.is_set() and task.uncancel() == 0:  # our heartbeat stopped it: the job is not ours
                log_event(log, "job.lost", level=logging.WARNING, attempt=job.attempts)
                return "lost"
            heartbeat.stop()
            self.store.release_job(job.id, owner=self.owner)  # shutdown or erasure: back to the queue
            raise
        finally:
            heartbeat.stop()
            self.metrics.job_seconds.observe(time.perf_counter() - started)
            tracker.close()

    async def _succeeded(
        self, job: JobEntry, tracker: ProgressTracker, result: dict[str, Any], started: float
    ) -> Outcome:
        done = await asyncio.to_thread(
            self.store.finish_job, job.id, owner=self.owner, result=result, progress=tracker.snapshot()
        )
        usage: dict[str, Any] = result.get("usage") or {}
        self.metrics.jobs_finished.labels("succeeded" if done else "superseded").inc()
        self.metrics.observe_usage(usage)
        log_event(
            log, "job.succeeded" if done else "job.superseded",
            attempt=job.attempts, ms=round((time.perf_counter() - started) * 1000, 1),
            pipeline=job.pipeline_hash[:12], tokens=_tokens(usage), cost_usd=usage.get("cost_usd", 0.0),
            llm_calls=usage.get("calls", 0), cache_hits=usage.get("cache_hits", 0),
            fallback_used=bool(usage.get("fallback_used")),
        )  # fmt: skip
        if done:
            await self._notify(job.id)
        return "succeeded" if done else "superseded"

    async def _failed(self, job: JobEntry, tracker: ProgressTracker, exc: Exception) -> Outcome:
        permanent = isinstance(exc, PERMANENT_ERRORS)
        final = permanent or job.attempts >= self.max_attempts
        reason = exc.message if isinstance(exc, TailorError) else f"internal error ({type(exc).__name__})"
        if not isinstance(exc, TailorError):
            log.error("job failed with a bug", exc_info=exc)
        if final:
            kind: Literal["permanent", "exhausted"] = "permanent" if permanent else "exhausted"
            owned = await asyncio.to_thread(
                self.store.dead_letter_job, job.id, owner=self.owner, error=reason,
                error_type=type(exc).__name__, kind=kind, progress=tracker.snapshot(),
            )  # fmt: skip
        else:
            owned = await asyncio.to_thread(
                self.store.fail_job,
                job.id,
                owner=self.owner,
                error=reason,
                progress=tracker.snapshot(),
                retry=True,
            )
        if not owned:
            return "lost"
        self.metrics.jobs_finished.labels("failed" if final else "retried").inc()
        log_event(
            log,
            "job.failed" if final else "job.retry",
            level=logging.WARNING,
            attempt=job.attempts,
            error_type=type(exc).__name__,
            reason=reason,
            dead_letter=final or None,
        )
        if final:
            await self._notify(job.id)
        return "failed" if final else "retry"

    async def _notify(self, job_id: str) -> None:
        if self.on_finished is None:
            return
        job = await asyncio.to_thread(self.store.get_job, job_id)
        if job is not None:
            try:
                await self.on_finished(job)
            except Exception as exc:
                log.warning("job %s: completion hook failed: %s", job_id, exc)


class Heartbeat(threading.Thread):
    """Renews the job's lease from a thread of its own, storing progress with it: on a change (at most
    every PROGRESS_WRITE_S) and at least every third of the lease. A thread, so a job whose event
    loop is busy for a while (a heavy import, CPU-bound scoring) keeps its lease. A renewal that finds
    the job no longer ours (erased, or taken over) calls `on_lost` and stops."""

    def __init__(
        self, store: StateStore, job_id: str, owner: str, lease_s: float, tracker: ProgressTracker,
        on_lost: Callable[[], None],
    ) -> None:  # fmt: skip
        super().__init__(name=f"tailor-lease-{job_id[:8]}", daemon=True)
        self.store, self.job_id, self.owner, self.lease_s = store, job_id, owner, lease_s
        self.tracker, self.on_lost = tracker, on_lost
        self._stopped = threading.Event()

    def stop(self) -> None:
        self._stopped.set()

    def run(self) -> None:
        seen, renewed_at = -1, 0.0
        while not self._stopped.is_set():
            version = self.tracker.version
            if version != seen or time.monotonic() - renewed_at >= self.lease_s / 3:
                try:
                    owned = self.store.renew_lease(
                        self.job_id, owner=self.owner, lease_s=self.lease_s, progress=self.tracker.snapshot()
                    )
                except Exception as exc:  # the database hiccupped: try again at the next beat
                    log.warning("lease renewal failed: %s", type(exc).__name__)
                    owned = True
                else:
                    seen, renewed_at = version, time.monotonic()
                if not owned and not self._stopped.is_set():
                    self.on_lost()
                    return
            self._stopped.wait(min(PROGRESS_WRITE_S, self.lease_s / 6))


def _tokens(usage: dict[str, Any]) -> int:
    return int(usage.get("input_tokens", 0)) + int(usage.get("output_tokens", 0))
