"""POST /v1/optimize (synchronous, with a deadline) and POST /v1/jobs (asynchronous).

Both store a job first (so a restart never loses it); optimize then waits for it up to
`api_sync_deadline_s` and answers 200 with the job, or 202 with its id past the deadline.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse

from app.api.auth import Caller
from app.api.deps import ClientCaller, Context
from app.api.inputs import read_submission
from app.api.jobs import accepted, pipeline_of, view
from app.api.observability import log_event
from app.api.schemas import ERROR_RESPONSES, JobAccepted, JobView, TailorRequest
from app.errors import ModelError
from app.state import JobEntry

log = logging.getLogger("tailor.api")
router = APIRouter(prefix="/v1", tags=["tailoring"])

IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", max_length=200, description="Same key and body: the same job; another body: 409."),
]

_FORM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "resume": {"type": "string", "description": "The resume as text (or use resume_file)."},
        "jd": {"type": "string", "description": "The job description as text (or use jd_file)."},
        "resume_file": {"type": "string", "format": "binary", "description": ".md, .txt or .json"},
        "jd_file": {"type": "string", "format": "binary", "description": ".md, .txt or .json"},
        "webhook_url": {"type": "string"},
    },
}
REQUEST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": TailorRequest.model_json_schema()},
            "multipart/form-data": {"schema": _FORM_SCHEMA},
            "application/x-www-form-urlencoded": {"schema": _FORM_SCHEMA},
        },
    }
}


@router.post(
    "/optimize",
    response_model=JobView,
    responses={202: {"model": JobAccepted, "description": "Past the deadline: poll the job."}, **ERROR_RESPONSES},
    openapi_extra=REQUEST_BODY,
    summary="Tailor a resume now (202 with a job id past the deadline)",
)
async def optimize(
    request: Request, context: Context, caller: ClientCaller, idempotency_key: IdempotencyKey = None
) -> Any:
    job = await _submit(request, context, caller, idempotency_key)
    final = job if job.finished else await context.runner.wait(job.id, context.settings.api_sync_deadline_s)
    if final is None:
        return JSONResponse(
            accepted(job).model_dump(mode="json"), status_code=202, headers={"Location": f"/v1/jobs/{job.id}"}
        )
    if final.status == "failed":
        raise ModelError(f"job {job.id} failed: {final.error}")
    return view(final)


@router.post(
    "/jobs",
    status_code=202,
    response_model=JobAccepted,
    responses=ERROR_RESPONSES,
    openapi_extra=REQUEST_BODY,
    summary="Queue a tailoring job",
)
async def create_job(
    request: Request, context: Context, caller: ClientCaller, idempotency_key: IdempotencyKey = None
) -> Any:
    job = await _submit(request, context, caller, idempotency_key)
    return JSONResponse(
        accepted(job).model_dump(mode="json"), status_code=202, headers={"Location": f"/v1/jobs/{job.id}"}
    )


async def _submit(request: Request, context: Context, caller: Caller, idempotency_key: str | None) -> JobEntry:
    """Read the request, store the job (or find the first one for this Idempotency-Key), and say
    which version serves it: in the request's state (header, body), the metrics and the log."""
    submission = await read_submission(request, context.settings, webhooks=bool(context.settings.api_webhook_secret))
    job, created = await context.jobs.submit(
        submission, client=caller.client, idempotency_key=idempotency_key, request_id=request.state.request_id
    )
    pipeline = pipeline_of(job)
    request.state.pipeline = pipeline.model_dump()
    if created:
        alias = pipeline.canary or context.served.alias
        context.canary.job_submitted(alias, pipeline.label, canary=pipeline.canary is not None)
        log_event(log, "job.submitted", job_id=job.id, alias=alias, canary=pipeline.canary is not None,
                  pipeline=f"{pipeline.label}@{pipeline.hash}", client=caller.client)  # fmt: skip
    return job
