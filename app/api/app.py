"""`create_app(settings)`: the FastAPI app. Everything a request needs is opened once, here (the state
store, the registry, the served pipeline, the job runner); the lifespan starts the runner, which
resumes whatever jobs an earlier process left queued or running, and stops it cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from app.api.auth import KeyRing
from app.api.canary import CanaryMetrics
from app.api.context import ApiContext
from app.api.errors import install_error_handlers
from app.api.jobs import JobService, TailorJob, WebhookSender, make_job_queue
from app.api.metrics import ApiMetrics
from app.api.middleware import RequestMiddleware
from app.api.observability import configure_tracing
from app.api.ratelimit import make_limiter
from app.api.routes import admin, feedback, health, jobs, optimize, pipelines, web
from app.api.serving import ServedPipeline
from app.environment import apply_quiet_environment
from app.registry import Registry
from app.settings import TailorSettings, get_settings
from app.state import open_state

log = logging.getLogger("tailor.api")

STATIC = web.STATIC


def build_context(settings: TailorSettings) -> ApiContext:
    store = open_state(settings.state)
    registry = Registry(settings.registry, settings.state)
    served = ServedPipeline(settings, registry)
    metrics = ApiMetrics()
    runner = make_job_queue(store, settings, metrics, TailorJob(settings), WebhookSender(settings.api_webhook_secret))
    return ApiContext(
        settings=settings,
        registry=registry,
        store=store,
        served=served,
        metrics=metrics,
        limiter=make_limiter(settings.redis_url),
        runner=runner,
        jobs=JobService(store, served, runner),
        keys=KeyRing(store, settings),
        canary=CanaryMetrics(
            metrics.registry, canary_alias=settings.api_canary_alias, share=settings.api_canary_share if served.canary else 0.0
        ),
    )


CORS_HEADERS = ["Content-Type", "X-API-Key", "Authorization", "Idempotency-Key", "X-Request-ID"]
CORS_EXPOSED = ["X-Request-ID", "X-Pipeline-Version", "Retry-After", "Location"]


def cors_origins(settings: TailorSettings) -> list[str]:
    return [origin.strip().rstrip("/") for origin in settings.api_cors_origins.split(",") if origin.strip()]


def create_app(settings: TailorSettings | None = None) -> FastAPI:
    apply_quiet_environment()
    settings = settings or get_settings()
    configure_tracing(settings.otel_enabled)  # OpenTelemetry spans as log lines (docs/api.md, "Observability")
    context = build_context(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await _resolve_served(context)
        refresher = asyncio.create_task(_refresh_served(context), name="tailor-alias-refresh")
        await context.runner.start()
        try:
            yield
        finally:
            refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await refresher
            await context.runner.stop()
            await context.limiter.close()

    app = FastAPI(
        title="Tailor",
        summary="Tailors a resume to a job description without inventing anything.",
        version="1",
        lifespan=lifespan,
    )
    app.state.context = context
    install_error_handlers(app)
    app.add_middleware(RequestMiddleware, context=context)
    origins = cors_origins(settings)
    if origins:  # off by default; outermost, so preflights and error answers carry its headers
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=CORS_HEADERS,
            expose_headers=CORS_EXPOSED,
            max_age=600,
        )
    for module in (optimize, jobs, pipelines, feedback, admin, health, web):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


SERVE_LOG_LEVEL = "TAILOR_SERVE_LOG_LEVEL"


def serving_app() -> FastAPI:
    """The factory `tailor serve` hands uvicorn: JSON logs in every worker process (uvicorn starts
    workers afresh, so logging set up in the parent would not reach them), then `create_app()`."""
    from app.api.observability import configure_json_logging

    configure_json_logging(os.environ.get(SERVE_LOG_LEVEL, "info"))
    return create_app()


async def _resolve_served(context: ApiContext) -> None:
    """Resolve the served alias now, so the first request does not pay for it; a failure is logged
    and /ready reports it (the process still answers /health)."""
    try:
        served = await asyncio.to_thread(context.served.current)
        context.metrics.set_served(served.alias, served.label, served.hash)
    except Exception as exc:
        log.warning("cannot resolve the served alias %r: %s", context.served.alias, exc)


async def _refresh_served(context: ApiContext) -> None:
    """Re-read the alias every TTL, so a promotion shows in headers even between tailoring requests."""
    while True:
        await asyncio.sleep(max(0.5, context.served.ttl_s))
        if context.served.stale():
            await _resolve_served(context)
