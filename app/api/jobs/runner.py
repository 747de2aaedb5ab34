"""The in-process job worker (the default; with Celery, app/api/jobs/queue.py sends jobs to workers):
runs queued jobs on the app's event loop, at most `api_max_running_jobs` at once, and never loses one.

- Each job runs as one `JobAttempts.run` (app/api/jobs/attempt.py): claimed in the store with a
  compare-and-set, under a lease renewed while it runs; only the owner completes it.
- A sweeper re-reads the store every few seconds and claims queued jobs and jobs whose lease ran
  out (their process died): at startup this resumes whatever a previous process left queued or
  running, and with several server processes each job runs in one of them. A failed dead-letter
  job replayed by `tailor jobs retry` is queued again, so the sweeper picks it up too.
- A clean shutdown gives its running jobs back to the queue; the next process resumes them at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid

from app.api.jobs.attempt import Execute, JobAttempts, OnFinished
from app.api.jobs.progress import ProgressTracker
from app.api.metrics import ApiMetrics
from app.settings import TailorSettings
from app.state import JobEntry, StateStore

log = logging.getLogger("tailor.api.jobs")


def worker_id() -> str:
    """This process's name as a job owner: host, pid and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


async def wait_for_final(
    store: StateStore, job_id: str, timeout_s: float, ended: asyncio.Event | None = None
) -> JobEntry | None:
    """The job once it is final, or None at the deadline (it keeps running). With `ended` (the job
    runs in this process), woken the moment it ends; else the store is polled."""
    deadline = time.monotonic() + timeout_s
    while True:
        job = await asyncio.to_thread(store.get_job, job_id)
        if job is None or job.finished:
            return job
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        if ended is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(ended.wait(), left)
            ended = None if ended.is_set() else ended
        else:
            await asyncio.sleep(min(0.2, left))


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
        self.enabled = settings.api_worker
        self.lease_s = settings.api_job_lease_s
        self.sweep_s = min(2.0, self.lease_s / 3)
        self.owner = worker_id()
        self.attempts = JobAttempts(store, settings, metrics, execute, on_finished, owner=self.owner)
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
    def enqueue(self, job_id: str, version: float | None = None) -> None:
        """Run the job here if this process runs jobs and is not running it already (any version)."""
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
        return await wait_for_final(self.store, job_id, timeout_s, self._ended.get(job_id))

    def broker_depth(self) -> dict[str, int] | None:
        return None  # no broker: the queue is the store's queued jobs

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
                await self.attempts.run(
                    job_id, on_start=lambda job, tracker: self._live.__setitem__(job.id, tracker)
                )
        finally:
            self._tasks.pop(job_id, None)
            self._live.pop(job_id, None)
            self._ended.pop(job_id, None)
            ended.set()
