"""POST /v1/feedback: a thumbs up or down on a job, with a reason code, stored with the job's pipeline."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request

from app.api.deps import ClientCaller, Context
from app.api.jobs import pipeline_of
from app.api.schemas import ERROR_RESPONSES, FeedbackRequest, FeedbackView
from app.errors import ConflictError, NotFoundError
from app.state import FeedbackEntry

router = APIRouter(prefix="/v1", tags=["feedback"])


@router.post("/feedback", status_code=201, response_model=FeedbackView, responses=ERROR_RESPONSES, summary="Rate a job")
async def add_feedback(body: FeedbackRequest, request: Request, context: Context, caller: ClientCaller) -> Any:
    job = await context.jobs.get(body.job_id)
    if not caller.may_read(job.client):
        raise NotFoundError(f"no job {body.job_id!r}")
    if job.status == "erased":
        raise ConflictError(f"job {job.id} was erased")
    pipeline = pipeline_of(job)
    request.state.pipeline = pipeline.model_dump()
    entry = FeedbackEntry(
        job_id=job.id,
        client=caller.client,
        rating=body.rating,
        reason=body.reason,
        comment=body.comment,
        pipeline_label=pipeline.label,
        pipeline_hash=pipeline.hash,
    )
    stored = await asyncio.to_thread(context.store.add_feedback, entry)
    return FeedbackView(id=stored.id, job_id=job.id, rating=stored.rating, reason=stored.reason, pipeline=pipeline)
