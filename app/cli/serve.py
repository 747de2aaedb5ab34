"""`tailor serve`: the API and web page under uvicorn (docs/api.md)."""

from __future__ import annotations

import os
from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Server processes (each runs jobs too).")] = 1,
    log_level: Annotated[str, typer.Option(help="Level of Tailor's JSON log lines.")] = "info",
) -> None:
    """Serve the API and the web page, on the pipeline the production alias points to.

    Jobs live in the state store (TAILOR_STATE_URL) and run in the server processes; a job that a stopped server left queued or running is resumed by the next one."""
    import uvicorn

    from app.api.app import SERVE_LOG_LEVEL
    from app.api.observability import configure_json_logging
    from app.settings import get_settings

    settings = get_settings()
    settings.registry  # noqa: B018  (fail now, in one line, without a project)
    os.environ[SERVE_LOG_LEVEL] = log_level  # read by every worker process's app factory
    configure_json_logging(log_level)
    typer.echo(f"serving {settings.api_alias} on http://{host}:{port} ({workers} worker(s))", err=True)
    uvicorn.run(
        "app.api.app:serving_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,  # keep the JSON logging configured above
        access_log=False,  # our middleware logs each request with its request id
        timeout_graceful_shutdown=10,
    )
