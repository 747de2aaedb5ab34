"""The in-process job worker: runs queued jobs on the app's event loop, at most `api_max_running_jobs`
at once, and never loses one.

- A job is claimed in the store (compare-and-set) before it runs, under a lease the runner renews
  while it runs (storing progress with it). Only the owner may complete it.
- A sweeper re-reads the store every few seconds and claims queued jobs and jobs whose lease ran
  out (their process died): at startup this resumes whatever a previous process left queued or
  running, and with several server processes each job runs in one of them.
- A clean shutdown gives its running jobs back to the queue; the next process resumes them at once.
- Input, registry and config errors fail a job at once; anything else is retried until
  `api_job_attempts` tries, then the job ends `failed` with its reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from app.api.jobs.progress import ProgressTracker
from app.api.metrics import ApiMetrics
from app.api.observability import job_id_var, log_event, request_id_var
from app.errors import ConfigError, InputError, NotFoundError, RegistryError, TailorError
from app.settings import TailorSettings
from app.state import JobEntry, StateStore

log = logging.getLogger("tailor.api.jobs")

Execute = Callable[[JobEntry, ProgressTracker], Awaitable[dict[str, Any]]]
OnFinished = Callable[[JobEntry], Awaitable[None]]
_PERMANENT = (InputError, NotFoundError, ConfigError, RegistryError)
PROGRESS_WRITE_S = 0.5


class JobRunner:
    def __init__(
        self,
        store: StateStore,
        settings: TailorSettings,
        metrics: ApiMetrics,
        execute: Execute,
        on_finished: OnFinished | None = None,
    ) -> None:
        self.store = store
        self.metrics = metrics
        self.execute = execute
        self.on_finished = on_finished
        self.enabled = settings.api_worker
        self.lease_s = settings.api_job_lease_s
        self.max_attempts = settings.api_job_attempts
        self.sweep_s = min(2.0, self.lease_s / 3)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._slots = asyncio.Semaphore(settings.api_max_running_jobs)
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._live: dict[str, ProgressTracker] = {}
        self._ended: dict[str, asyncio.Event] = {}
        self._sweeper: asyncio.Task[None] | None = None

    # -- lifecycle ----------------------------------------------------------------------------
    async def start(self) -> None:
        if self.enabled:
            self._sweeper = asyncio.create_task(self._sweep_forever(), name="tailor-job-sweeper")

    async def stop(self) -> None:
        """Stop sweeping; cancel running jobs, which go back to the queue for the next process."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # -- what the routes use ------------------------------------------------------------------
    def enqueue(self, job_id: str) -> None:
        """Run the job here if this process runs jobs and is not running it already."""
        if self.enabled and job_id not in self._tasks:
            ended = self._ended.setdefault(job_id, asyncio.Event())  # before the task runs: waiters see it
            self._tasks[job_id] = asyncio.create_task(self._run(job_id, ended), name=f"tailor-job-{job_id}")

    def live(self, job_id: str) -> ProgressTracker | None:
        return self._live.get(job_id)

    def running_here(self, job_id: str) -> bool:
        return job_id in self._tasks

    def cancel(self, job_id: str) -> None:
        task = self._tasks.get(job_id)
        if task is not None:
            task.cancel()

    async def wait(self, job_id: str, timeout_s: float) -> JobEntry | None:
        """The job once it is final, or None at the deadline (it keeps running)."""
        deadline = time.monotonic() + timeout_s
        while True:
            job = await asyncio.to_thread(self.store.get_job, job_id)
            if job is None or job.finished:
                return job
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ended = self._ended.get(job_id)
            if ended is not None:  # running here: woken the moment it ends
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(ended.wait(), left)
            else:  # queued, or running in another process: poll the store
                await asyncio.sleep(min(0.2, left))

    # -- internals ----------------------------------------------------------------------------
    async def _sweep_forever(self) -> None:
        while True:
            try:
                for job_id in await asyncio.to_thread(self.store.claimable_jobs):
                    self.enqueue(job_id)
            except Exception as exc:  # a database hiccup must not kill the worker
                log.warning("job sweep failed: %s", exc)
            self.metrics.running_here.set(len(self._live))
            await asyncio.sleep(self.sweep_s)

    async def _run(self, job_id: str, ended: asyncio.Event) -> None:
        try:
            async with self._slots:
                job = await asyncio.to_thread(self.store.claim_job, job_id, owner=self.owner, lease_s=self.lease_s)
                if job is not None:
                    await self._attempt(job)
        finally:
            self._tasks.pop(job_id, None)
            self._live.pop(job_id, None)
            self._ended.pop(job_id, None)
            ended.set()

    async def _attempt(self, job: JobEntry) -> None:
        tracker = ProgressTracker()
        self._live[job.id] = tracker
        request_token, job_token = request_id_var.set(job.request_id), job_id_var.set(job.id)
        heartbeat = asyncio.create_task(self._heartbeat(job.id, tracker))
        started = time.perf_counter()
        log_event(log, "job.start", attempt=job.attempts, pipeline=job.pipeline_hash[:12])
        try:
            result = await self.execute(job, tracker)
        except asyncio.CancelledError:
            # Shutting down or erased: give it back (a no-op when erased, since it is no longer running).
            self.store.release_job(job.id, owner=self.owner)
            raise
        except Exception as exc:
            await self._failed(job, tracker, exc)
        else:
            done = await asyncio.to_thread(
                self.store.finish_job, job.id, owner=self.owner, result=result, progress=tracker.snapshot()
            )
            self.metrics.jobs_finished.labels("succeeded" if done else "superseded").inc()
            self.metrics.observe_usage(result.get("usage") or {})
            log_event(log, "job.succeeded" if done else "job.superseded",
                      ms=round((time.perf_counter() - started) * 1000, 1), tokens=_tokens(result))
            if done:
                await self._notify(job.id)
        finally:
            heartbeat.cancel()
            self.metrics.job_seconds.observe(time.perf_counter() - started)
            tracker.close()
            request_id_var.reset(request_token)
            job_id_var.reset(job_token)

    async def _failed(self, job: JobEntry, tracker: ProgressTracker, exc: Exception) -> None:
        permanent = isinstance(exc, _PERMANENT) or job.attempts >= self.max_attempts
        reason = exc.message if isinstance(exc, TailorError) else f"internal error ({type(exc).__name__})"
        if not isinstance(exc, TailorError):
            log.error("job failed with a bug", exc_info=exc)
        await asyncio.to_thread(
            self.store.fail_job, job.id, owner=self.owner, error=reason, progress=tracker.snapshot(), retry=not permanent
        )
        self.metrics.jobs_finished.labels("failed" if permanent else "retried").inc()
        log_event(log, "job.failed" if permanent else "job.retry", level=logging.WARNING,
                  attempt=job.attempts, reason=reason)
        if permanent:
            await self._notify(job.id)

    async def _heartbeat(self, job_id: str, tracker: ProgressTracker) -> None:
        """Renew the lease and store progress: on a change (at most every PROGRESS_WRITE_S), and at least
        every third of the lease. Streams in this process read the live tracker, not the store."""
        seen = -1
        while True:
            if tracker.version != seen:
                seen = tracker.version
                owned = await asyncio.to_thread(
                    self.store.renew_lease, job_id, owner=self.owner, lease_s=self.lease_s, progress=tracker.snapshot()
                )
                if not owned:  # erased, or taken over after a stall: stop working on it
                    self.cancel(job_id)
                    return
                await asyncio.sleep(PROGRESS_WRITE_S)  # coalesce bursts of agent steps into one write
            last = time.monotonic()
            while tracker.version == seen and time.monotonic() - last < self.lease_s / 3:
                await tracker.wait_change(seen, self.lease_s / 3)
            if tracker.version == seen:
                seen = -1  # nothing changed for a third of the lease: renew anyway

    async def _notify(self, job_id: str) -> None:
        if self.on_finished is None:
            return
        job = await asyncio.to_thread(self.store.get_job, job_id)
        if job is not None:
            try:
                await self.on_finished(job)
            except Exception as exc:
                log.warning("job %s: completion hook failed: %s", job_id, exc)


def _tokens(result: dict[str, Any]) -> int:
    usage = result.get("usage") or {}
    return int(usage.get("input_tokens", 0)) + int(usage.get("output_tokens", 0))
