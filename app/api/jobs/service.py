"""Jobs as the routes see them: submit (idempotent), look up, wait for, erase, and show."""

from __future__ import annotations

import asyncio
import uuid

from app.api.inputs import Submission
from app.api.jobs.progress import initial_progress
from app.api.jobs.queue import JobQueue
from app.api.schemas import JobAccepted, JobView, Links, PipelineRef
from app.api.serving import ServedPipeline
from app.errors import NotFoundError
from app.state import JobEntry, NewJob, StateStore

DOWNLOAD_FORMATS = ("md", "json", "html", "pdf")


class JobService:
    def __init__(self, store: StateStore, served: ServedPipeline, runner: JobQueue) -> None:
        self.store = store
        self.served = served
        self.runner = runner

    async def submit(
        self, submission: Submission, *, client: str, idempotency_key: str | None, request_id: str
    ) -> tuple[JobEntry, bool]:
        """A queued job on the version served now; with a known Idempotency-Key, the first job."""
        if idempotency_key:
            earlier = await asyncio.to_thread(self.store.find_job_by_key, client, idempotency_key)
            if earlier is not None:  # checked again inside create_job; this only skips resolving
                return await self._same_request(earlier, submission)
        served = await asyncio.to_thread(self.served.for_new_job)  # production, or the canary's share
        new = NewJob(
            id=uuid.uuid4().hex,
            client=client,
            idempotency_key=idempotency_key,
            request_hash=submission.request_hash(self.served.alias),
            request_id=request_id,
            pipeline_label=served.label,
            pipeline_hash=served.hash,
            pipeline_snapshot=served.pipeline.snapshot(),
            resume_text=submission.resume_text,
            jd_text=submission.jd_text,
            webhook_url=submission.webhook_url,
            canary_alias=served.alias if served.canary else None,
        )
        job, created = await asyncio.to_thread(self.store.create_job, new)
        if not job.finished:
            self.runner.enqueue(job.id, job.updated_at)
        return job, created

    async def _same_request(self, earlier: JobEntry, submission: Submission) -> tuple[JobEntry, bool]:
        from app.errors import ConflictError

        if earlier.request_hash != submission.request_hash(self.served.alias):
            raise ConflictError(
                f"Idempotency-Key {earlier.idempotency_key!r} was used for another request "
                f"(job {earlier.id}); use a new key for a new request"
            )
        if not earlier.finished:
            self.runner.enqueue(earlier.id, earlier.updated_at)
        return earlier, False

    async def get(self, job_id: str) -> JobEntry:
        job = await asyncio.to_thread(self.store.get_job, job_id) if _plausible(job_id) else None
        if job is None:
            raise NotFoundError(f"no job {job_id!r}")
        return job

    async def erase(self, job_id: str, *, who: str) -> JobEntry:
        if not _plausible(job_id):
            raise NotFoundError(f"no job {job_id!r}")
        job = await asyncio.to_thread(self.store.erase_job, job_id, who=who)
        if job is None:
            raise NotFoundError(f"no job {job_id!r}")
        self.runner.cancel(job_id)
        return job


def _plausible(job_id: str) -> bool:
    return 0 < len(job_id) <= 64 and job_id.isalnum()


def links(job_id: str) -> Links:
    base = f"/v1/jobs/{job_id}"
    return Links(
        self=base, events=f"{base}/events", downloads={f: f"{base}/download/{f}" for f in DOWNLOAD_FORMATS}
    )


def pipeline_of(job: JobEntry) -> PipelineRef:
    return PipelineRef(label=job.pipeline_label, hash=job.pipeline_hash, canary=job.canary_alias)


def accepted(job: JobEntry) -> JobAccepted:
    return JobAccepted(job_id=job.id, status=job.status, pipeline=pipeline_of(job), links=links(job.id))


def view(job: JobEntry) -> JobView:
    return JobView(
        job_id=job.id,
        status=job.status,
        progress=job.progress or initial_progress(),
        result=job.result,
        error=job.error,
        attempts=job.attempts,
        created_at=job.created_at,
        updated_at=job.updated_at,
        finished_at=job.finished_at,
        erased_at=job.erased_at,
        pipeline=pipeline_of(job),
        links=links(job.id),
    )
