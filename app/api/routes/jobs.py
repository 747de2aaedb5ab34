"""A job: its state, its live progress (server-sent events), its downloads, and its erasure."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response, StreamingResponse

from app.api.auth import Caller
from app.api.deps import ClientCaller, Context, OperatorCaller
from app.api.jobs import pipeline_of, view
from app.api.render import json_resume_download, markdown_download, resume_html, resume_pdf
from app.api.schemas import ERROR_RESPONSES, JobList, JobState, JobSummary, JobView
from app.errors import ConflictError, NotFoundError
from app.state import JobEntry

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])

JobId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9]+$")]
STREAM_LIMIT_S = 600.0
KEEPALIVE_S = 15.0

_MEDIA = {
    "md": ("text/markdown; charset=utf-8", "tailored-resume.md"),
    "json": ("application/json", "tailored-resume.json"),
    "html": ("text/html; charset=utf-8", "tailored-resume.html"),
    "pdf": ("application/pdf", "tailored-resume.pdf"),
}


async def _job(request: Request, context: Context, caller: Caller, job_id: str) -> JobEntry:
    job = await context.jobs.get(job_id)
    if not caller.may_read(job.client):  # another client's job is not found, not forbidden
        raise NotFoundError(f"no job {job_id!r}")
    request.state.pipeline = pipeline_of(job).model_dump()
    return job


@router.get("", response_model=JobList, responses=ERROR_RESPONSES, summary="Every client's jobs (operators)")
async def list_jobs(
    context: Context,
    caller: OperatorCaller,
    status: Annotated[JobState | None, Query(description="Only jobs in this state.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Any:
    """The newest jobs first, without their content; with the count of every state."""
    found = await asyncio.to_thread(context.store.recent_jobs, status=status, limit=limit)
    counts = await asyncio.to_thread(context.store.job_counts)
    return JobList(counts=counts, jobs=[_summary(job) for job in found])


def _summary(job: JobEntry) -> JobSummary:
    return JobSummary(
        job_id=job.id, status=job.status, client=job.client, attempts=job.attempts, error=job.error,
        created_at=job.created_at, finished_at=job.finished_at, pipeline=pipeline_of(job),
    )  # fmt: skip


@router.get("/{job_id}", response_model=JobView, responses=ERROR_RESPONSES, summary="A job's status, progress and result")
async def get_job(job_id: JobId, request: Request, context: Context, caller: ClientCaller) -> Any:
    return view(await _job(request, context, caller, job_id))


@router.delete("/{job_id}", response_model=JobView, responses=ERROR_RESPONSES, summary="Erase a job's content")
async def erase_job(job_id: JobId, request: Request, context: Context, caller: ClientCaller) -> Any:
    """Erase the job's resume, JD and result (GDPR erasure). The job remains as a tombstone with
    status `erased`; the audit log records who erased it and when, never the content."""
    await _job(request, context, caller, job_id)
    return view(await context.jobs.erase(job_id, who=caller.who))


@router.get(
    "/{job_id}/events",
    responses={200: {"content": {"text/event-stream": {}}}, **ERROR_RESPONSES},
    summary="Live progress as server-sent events",
)
async def job_events(job_id: JobId, request: Request, context: Context, caller: ClientCaller) -> StreamingResponse:
    """Events: `progress` (status and per-agent progress, on every change) and a last `end`."""
    await _job(request, context, caller, job_id)
    return StreamingResponse(
        _events(request, context, job_id),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _events(request: Request, context: Context, job_id: str) -> AsyncIterator[str]:
    last: Any = None
    started = last_sent = time.monotonic()
    while time.monotonic() - started < STREAM_LIMIT_S:
        tracker = context.runner.live(job_id)
        seen = tracker.version if tracker else -1
        if tracker is not None:
            state: dict[str, Any] = {"status": "running", "progress": tracker.snapshot()}
        else:
            job = await asyncio.to_thread(context.store.get_job, job_id)
            if job is None:
                break
            state = {"status": job.status, "progress": view(job).progress}
        if state != last:
            yield _event("progress", state)
            last, last_sent = state, time.monotonic()
        if state["status"] in ("succeeded", "failed", "erased"):
            yield _event("end", {"status": state["status"]})
            return
        if time.monotonic() - last_sent > KEEPALIVE_S:
            yield ": keep-alive\n\n"
            last_sent = time.monotonic()
        if await request.is_disconnected():
            return
        if tracker is not None:
            await tracker.wait_change(seen, 1.0)
        else:
            await asyncio.sleep(0.25)
    yield _event("end", {"status": "timeout"})


def _event(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


@router.get(
    "/{job_id}/download/{fmt}",
    responses={200: {"content": {m: {} for m, _ in _MEDIA.values()}}, **ERROR_RESPONSES},
    summary="The tailored resume as markdown, JSON Resume, HTML or PDF",
)
async def download(
    job_id: JobId, fmt: Literal["md", "json", "html", "pdf"], request: Request, context: Context, caller: ClientCaller
) -> Response:
    job = await _job(request, context, caller, job_id)
    if job.status != "succeeded" or job.result is None:
        raise ConflictError(f"job {job_id} has no result to download (status {job.status})")
    result, pipeline = job.result, pipeline_of(job).model_dump()
    if fmt == "md":
        content: str | bytes = markdown_download(result)
    elif fmt == "json":
        content = json_resume_download(result)
    elif fmt == "html":
        content = resume_html(result.get("tailored_resume") or {}, pipeline)
    else:
        content = await asyncio.to_thread(resume_pdf, result.get("tailored_resume") or {}, pipeline)
    media, filename = _MEDIA[fmt]
    return Response(content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
