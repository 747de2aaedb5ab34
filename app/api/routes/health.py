"""GET /health (the process answers), GET /ready (database, registry and model provider usable),
GET /metrics (Prometheus text)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text

from app.api.context import ApiContext
from app.api.deps import Context, OperatorCaller
from app.api.metrics import CONTENT_TYPE
from app.api.schemas import ERROR_RESPONSES, Check, Health, PipelineRef, Readiness
from app.errors import TailorError

router = APIRouter(tags=["operations"])


@router.get("/health", response_model=Health, summary="Liveness")
async def health(context: Context) -> Any:
    served = context.served.peek()
    return Health(pipeline=PipelineRef.model_validate(served.body()) if served else None)


@router.get("/ready", response_model=Readiness, responses={503: {"model": Readiness}}, summary="Readiness")
async def ready(context: Context) -> Any:
    readiness = await asyncio.to_thread(_readiness, context)
    return JSONResponse(readiness.model_dump(mode="json"), status_code=200 if readiness.ready else 503)


def _readiness(context: ApiContext) -> Readiness:
    checks: dict[str, Check] = {}
    try:
        with context.store.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = Check(ok=True, detail=context.store.dialect)
    except Exception as exc:
        checks["database"] = Check(ok=False, detail=f"state store unreachable ({type(exc).__name__})")
    pipeline = None
    try:
        served = context.served.current()
        pipeline = PipelineRef.model_validate(served.body())
        checks["registry"] = Check(ok=True, detail=f"{served.alias} -> {served.label}")
    except TailorError as exc:
        checks["registry"] = Check(ok=False, detail=exc.message)
    except Exception as exc:
        checks["registry"] = Check(ok=False, detail=f"registry unusable ({type(exc).__name__})")
    checks["model"] = _model_check(context)
    return Readiness(ready=all(c.ok for c in checks.values()), checks=checks, pipeline=pipeline)


def _model_check(context: ApiContext) -> Check:
    from app.models import validate_model

    served = context.served.peek()
    if served is None:
        return Check(ok=False, detail="no pipeline resolved, so no model to check")
    models = sorted({spec.model for spec in served.pipeline.agents.values() if spec.prompt_ref is not None})
    try:
        for model in models:
            validate_model(model)
    except TailorError as exc:
        return Check(ok=False, detail=exc.message)
    return Check(ok=True, detail=", ".join(models) or "no model calls")


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}}, **{c: ERROR_RESPONSES[c] for c in (401, 403, 429)}},
    summary="Prometheus (operators, once keys are on)",
)
async def metrics(request: Request, context: Context, caller: OperatorCaller) -> Response:
    counts = await asyncio.to_thread(context.store.job_counts)
    context.metrics.set_job_counts(counts)
    served = context.served.peek()
    if served is not None:
        context.metrics.set_served(served.alias, served.label, served.hash)
    return Response(context.metrics.render(), media_type=CONTENT_TYPE)
