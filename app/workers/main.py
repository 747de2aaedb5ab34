"""`run_worker`: a Celery worker on the Redis broker that runs the API's jobs, plus a sweeper thread
that sends stranded jobs again (app/api/jobs/broker.py says why nothing is lost).

Pools: `solo` (one job at a time in this process; the default for concurrency 1), `prefork`
(N child processes; a child that dies mid-job has its message requeued, `task_reject_on_worker_lost`)
or `threads` (N threads; the default for a worker on the eval queue alone, whose cases share one
event loop per process: evals/distributed/_worker.py).

The eval queue (`TAILOR_EVAL_QUEUE`, default `eval`) carries distributed evaluation cases
(`tailor eval --backend celery`); its broker is CELERY_BROKER_URL or else REDIS_URL. Other queues
carry the API's jobs, on REDIS_URL. One worker may consume both when both use one broker.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from app.api.jobs import TASK_NAME, Dispatcher, make_celery, sweep_stranded
from app.settings import TailorSettings
from app.state import open_state
from app.workers.runtime import QUEUED_GRACE_S, current_runtime

if TYPE_CHECKING:
    from celery import Celery
    from prometheus_client import CollectorRegistry

log = logging.getLogger("tailor.worker")

Pool = Literal["auto", "solo", "prefork", "threads"]


@dataclass(frozen=True)
class WorkerOptions:
    queues: tuple[str, ...] = ("jobs",)
    concurrency: int = 1
    pool: Pool = "auto"
    metrics_port: int | None = None
    metrics_host: str = "127.0.0.1"
    log_level: str = "info"

    def runs_jobs(self, settings: TailorSettings) -> bool:
        return any(queue != settings.eval_queue for queue in self.queues)

    def runs_eval(self, settings: TailorSettings) -> bool:
        return settings.eval_queue in self.queues

    def pool_for(self, settings: TailorSettings) -> Literal["solo", "prefork", "threads"]:
        if self.pool != "auto":
            return self.pool
        if not self.runs_jobs(settings):
            return "threads"
        return "solo" if self.concurrency == 1 else "prefork"


class Sweeper(threading.Thread):
    """Every `interval_s`, sends again the jobs no worker will otherwise hear of (a first sweep at once)."""

    def __init__(self, settings: TailorSettings, interval_s: float) -> None:
        super().__init__(name="tailor-sweeper", daemon=True)
        self.settings = settings
        self.interval_s = interval_s
        self.stopped = threading.Event()

    def run(self) -> None:
        store = open_state(self.settings.state)
        dispatcher = Dispatcher(self.settings)
        try:
            while True:
                try:
                    sweep_stranded(store, dispatcher, queued_for_s=QUEUED_GRACE_S)
                except Exception as exc:  # the database or Redis hiccupped: try again next time
                    log.warning("sweep failed: %s", type(exc).__name__)
                if self.stopped.wait(self.interval_s):
                    return
        finally:
            dispatcher.close()


def run_worker(settings: TailorSettings, options: WorkerOptions) -> int:
    """Run until stopped (SIGTERM or Ctrl-C: the running job finishes first); returns the exit code."""
    runs_jobs, runs_eval = options.runs_jobs(settings), options.runs_eval(settings)
    celery = _celery_for(settings, runs_jobs=runs_jobs, runs_eval=runs_eval)
    if runs_jobs:

        def run_job(job_id: str) -> str:
            return current_runtime(settings).run(job_id)

        celery.task(name=TASK_NAME, ignore_result=True)(run_job)
    if runs_eval:
        from evals.distributed import register_eval_task

        register_eval_task(celery, settings)
    warm_up()
    pool = options.pool_for(settings)
    if runs_eval and pool != "prefork":  # cases run in this very process: open its store and cache now
        from evals.distributed import current_eval_worker

        current_eval_worker(settings)
    if pool == "solo" and runs_jobs:  # jobs run in this very process: build its runtime (and metrics) now
        runtime = current_runtime(settings)
        if options.metrics_port is not None:
            _serve_metrics(runtime.metrics.registry, options.metrics_host, options.metrics_port)
    elif options.metrics_port is not None:
        log.warning(
            "--metrics-port serves a solo jobs worker's metrics only; with prefork each child counts its own"
        )
    sweeper = Sweeper(settings, interval_s=min(2.0, settings.api_job_lease_s / 3)) if runs_jobs else None
    if sweeper is not None:
        sweeper.start()
    log.info(
        "worker %s: queues %s, pool %s x%d",
        os.getpid(),
        ",".join(options.queues),
        pool,
        options.concurrency,
        extra={"event": "worker.start", "queues": list(options.queues), "pool": pool},
    )
    worker = celery.Worker(
        hostname=f"tailor-{os.getpid()}@{socket.gethostname()}",
        queues=list(options.queues),
        pool_cls=pool,
        concurrency=options.concurrency,
        loglevel=options.log_level.upper(),
        without_gossip=True,
        without_mingle=True,
        without_heartbeat=True,
        quiet=True,
    )
    try:
        worker.start()
    finally:
        if sweeper is not None:
            sweeper.stopped.set()
    return int(getattr(worker, "exitcode", 0) or 0)


def _celery_for(settings: TailorSettings, *, runs_jobs: bool, runs_eval: bool) -> Celery:
    """The jobs' Celery app (REDIS_URL), or the evaluations' (CELERY_BROKER_URL, else REDIS_URL)."""
    from evals.distributed import broker_url, make_eval_celery

    if not runs_jobs:
        return make_eval_celery(settings)
    if runs_eval and broker_url(settings) != settings.redis_url:
        from app.errors import ConfigError

        raise ConfigError(
            f"queue {settings.eval_queue!r} uses CELERY_BROKER_URL and the jobs' queues REDIS_URL: "
            "run one worker for each"
        )
    return make_celery(settings)


def warm_up() -> None:
    """Import the model layer and the pipeline's libraries now (about 5 s), not inside the first job
    (prefork children inherit them)."""
    from app.heavy import load
    from app.models import PROVIDERS

    load("litellm")
    load("crewai")
    PROVIDERS.ensure_installed()


def _serve_metrics(registry: CollectorRegistry, host: str, port: int) -> None:
    from prometheus_client import start_http_server

    start_http_server(port, addr=host, registry=registry)
