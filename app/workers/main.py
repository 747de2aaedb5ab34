"""`run_worker`: a Celery worker on the Redis broker that runs the API's jobs, plus a sweeper thread
that sends stranded jobs again (app/api/jobs/broker.py says why nothing is lost).

Pools: `solo` (one job at a time in this process; the default for concurrency 1) or `prefork`
(N child processes; a child that dies mid-job has its message requeued, `task_reject_on_worker_lost`).
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
    from prometheus_client import CollectorRegistry

log = logging.getLogger("tailor.worker")

Pool = Literal["auto", "solo", "prefork"]


@dataclass(frozen=True)
class WorkerOptions:
    queues: tuple[str, ...] = ("jobs",)
    concurrency: int = 1
    pool: Pool = "auto"
    metrics_port: int | None = None
    metrics_host: str = "127.0.0.1"
    log_level: str = "info"

    @property
    def pool_name(self) -> Literal["solo", "prefork"]:
        if self.pool == "auto":
            return "solo" if self.concurrency == 1 else "prefork"
        return self.pool


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
    celery = make_celery(settings)

    def run_job(job_id: str) -> str:
        return current_runtime(settings).run(job_id)

    celery.task(name=TASK_NAME, ignore_result=True)(run_job)
    warm_up()
    pool = options.pool_name
    if pool == "solo":  # jobs run in this very process: build its runtime (and metrics) now
        runtime = current_runtime(settings)
        if options.metrics_port is not None:
            _serve_metrics(runtime.metrics.registry, options.metrics_host, options.metrics_port)
    elif options.metrics_port is not None:
        log.warning(
            "--metrics-port serves a solo worker's metrics only; with prefork each child counts its own"
        )
    sweeper = Sweeper(settings, interval_s=min(2.0, settings.api_job_lease_s / 3))
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
        sweeper.stopped.set()
    return int(getattr(worker, "exitcode", 0) or 0)


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
