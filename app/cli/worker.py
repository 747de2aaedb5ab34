"""`tailor worker`: a Celery worker running the serving API's jobs (docs/api.md, "Workers and durability")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, cast

import typer

if TYPE_CHECKING:
    from app.workers import Pool


def worker(
    queues: Annotated[
        str, typer.Option(help="Comma-separated queues to consume (default: the setting worker_queue).")
    ] = "",
    concurrency: Annotated[
        int, typer.Option(min=1, max=64, help="Jobs or cases run at once (processes, or threads for eval).")
    ] = 1,
    pool: Annotated[
        str,
        typer.Option(help="auto (eval alone: threads; else solo for 1, prefork above), solo, prefork or threads."),
    ] = "auto",
    metrics_port: Annotated[
        int | None, typer.Option(help="Serve this worker's Prometheus metrics on this port.")
    ] = None,
    metrics_host: Annotated[str, typer.Option(help="Address for --metrics-port.")] = "127.0.0.1",
    log_level: Annotated[str, typer.Option(help="Level of Tailor's JSON log lines.")] = "info",
) -> None:
    """Run jobs sent by `tailor serve` when REDIS_URL is set (Celery, Redis broker), or with `--queues eval` the cases of `tailor eval --backend celery` (broker CELERY_BROKER_URL, else REDIS_URL).

    The job row in the state store (TAILOR_STATE_URL, shared with the API) stays the truth. A worker killed mid-job loses nothing: another worker (or this one, restarted) runs it again once its lease expires, and it is completed exactly once. Stop with SIGTERM or Ctrl-C: the running job finishes first."""
    from app.api.observability import configure_json_logging, configure_tracing
    from app.errors import ConfigError, InputError
    from app.settings import get_settings
    from app.workers import WorkerOptions, run_worker

    if pool not in ("auto", "solo", "prefork", "threads"):  # Pool
        raise InputError(f"--pool must be auto, solo, prefork or threads, not {pool!r}")
    settings = get_settings()
    settings.registry  # noqa: B018  (fail now, in one line, without a project)
    names = tuple(q.strip() for q in (queues or settings.worker_queue).split(",") if q.strip())
    options = WorkerOptions(
        queues=names, concurrency=concurrency, pool=cast("Pool", pool),
        metrics_port=metrics_port, metrics_host=metrics_host, log_level=log_level,
    )  # fmt: skip
    if options.runs_jobs(settings) and not settings.redis_url:
        raise ConfigError("tailor worker needs REDIS_URL (Celery's broker), e.g. redis://127.0.0.1:6379/0")
    if options.runs_eval(settings):
        from evals.distributed import broker_url

        broker_url(settings)  # fail now, in one line, without a broker
    configure_json_logging(log_level)
    configure_tracing(settings.otel_enabled)
    typer.echo(f"worker on {', '.join(names)} ({options.pool_for(settings)} x{concurrency})", err=True)
    code = run_worker(settings, options)
    if code:
        raise typer.Exit(code)
