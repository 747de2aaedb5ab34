"""Jobs of the serving API: durable, leased, idempotent, erasable.

A job row keeps its inputs (resume and JD text) until it is erased, so any process can run it again
after a restart. A worker *claims* a job with a compare-and-set (queued, or running with an expired
lease) and renews its lease while it runs; completion is conditional on still owning it, so a job
re-run after its first worker died is completed exactly once. The `idempotency_key` is unique per
client: the same key with the same request hash returns the first job, with another hash it is a
ConflictError. Erasure and purges write audit rows that name the job, never its content.
"""

from __future__ import annotations

import json
import time
from typing import Any, Final, Literal

from pydantic import BaseModel, Field
from sqlalchemy import (
    Column,
    Float,
    Integer,
    RowMapping,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from app.errors import ConflictError
from app.state._audit import insert_audit
from app.state._base import StoreBase
from app.state._schema import metadata

JobStatus = Literal["queued", "running", "succeeded", "failed", "erased"]
JOB_STATUSES: Final = ("queued", "running", "succeeded", "failed", "erased")
FINAL_STATUSES: Final = frozenset({"succeeded", "failed", "erased"})

jobs = Table(
    "jobs",
    metadata,
    Column("id", String, primary_key=True),
    Column("status", String, nullable=False),
    Column("client", String, nullable=False),
    Column("idempotency_key", String),
    Column("request_hash", String, nullable=False),
    Column("request_id", String, nullable=False),
    Column("pipeline_label", String, nullable=False),
    Column("pipeline_hash", String, nullable=False),
    Column("pipeline_snapshot", Text, nullable=False),
    Column("resume_text", Text),
    Column("jd_text", Text),
    Column("webhook_url", Text),
    Column("progress", Text, nullable=False),
    Column("result", Text),
    Column("error", Text),
    Column("attempts", Integer, nullable=False),
    Column("owner", String),
    Column("lease_until", Float),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("finished_at", Float),
    Column("erased_at", Float),
    Column("canary_alias", String),  # migration 0004: the canary alias that served it, if any
)

_JSON_COLUMNS: Final = ("pipeline_snapshot", "progress", "result")
_CONTENT_COLUMNS: Final = ("resume_text", "jd_text", "result", "error", "webhook_url")


class NewJob(BaseModel):
    """What a client submitted, with the pipeline version chosen for it at submission."""

    id: str
    client: str
    idempotency_key: str | None = None
    request_hash: str
    request_id: str
    pipeline_label: str
    pipeline_hash: str
    pipeline_snapshot: dict[str, Any]
    resume_text: str
    jd_text: str
    webhook_url: str | None = None
    canary_alias: str | None = None  # set when the canary share sent it to another alias


class JobEntry(NewJob):
    """A job as stored. Content fields are None once erased."""

    status: JobStatus
    resume_text: str | None = None  # type: ignore[assignment]
    jd_text: str | None = None  # type: ignore[assignment]
    progress: dict[str, Any] = Field(default_factory=dict)
    result: dict[str, Any] | None = None
    error: str | None = None
    attempts: int = 0
    owner: str | None = None
    lease_until: float | None = None
    created_at: float
    updated_at: float
    finished_at: float | None = None
    erased_at: float | None = None

    @property
    def finished(self) -> bool:
        return self.status in FINAL_STATUSES


class JobsMixin(StoreBase):
    def create_job(self, job: NewJob) -> tuple[JobEntry, bool]:
        """Insert a queued job; returns (job, created). A repeated idempotency key returns the first
        job when the request hash matches, and raises ConflictError when it does not."""
        now = time.time()
        values: dict[str, Any] = {
            **job.model_dump(),
            "pipeline_snapshot": json.dumps(job.pipeline_snapshot, sort_keys=True),
            "status": "queued",
            "progress": "{}",
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
        }
        try:
            with self._write() as connection:
                connection.execute(insert(jobs).values(**values))
        except IntegrityError:
            existing = self._job_by_key(job.client, job.idempotency_key) if job.idempotency_key else None
            if existing is None:
                raise
            if existing.request_hash != job.request_hash:
                raise ConflictError(
                    f"Idempotency-Key {job.idempotency_key!r} was used for another request "
                    f"(job {existing.id}); use a new key for a new request"
                ) from None
            return existing, False
        created = self.get_job(job.id)
        assert created is not None
        return created, True

    def find_job_by_key(self, client: str, idempotency_key: str) -> JobEntry | None:
        return self._job_by_key(client, idempotency_key)

    def _job_by_key(self, client: str, key: str) -> JobEntry | None:
        query = select(jobs).where(jobs.c.client == client, jobs.c.idempotency_key == key)
        with self._read() as connection:
            row = connection.execute(query).mappings().first()
        return _job(row) if row else None

    def get_job(self, job_id: str) -> JobEntry | None:
        with self._read() as connection:
            row = connection.execute(select(jobs).where(jobs.c.id == job_id)).mappings().first()
        return _job(row) if row else None

    def claimable_jobs(self, limit: int = 100) -> list[str]:
        """Ids of queued jobs and of running jobs whose lease expired (their worker died), oldest first."""
        query = (
            select(jobs.c.id)
            .where(_claimable(time.time()))
            .order_by(jobs.c.created_at)
            .limit(limit)
        )
        with self._read() as connection:
            return list(connection.execute(query).scalars().all())

    def claim_job(self, job_id: str, *, owner: str, lease_s: float) -> JobEntry | None:
        """Take the job if it is queued or its lease expired; None when another worker has it."""
        now = time.time()
        statement = (
            update(jobs)
            .where(jobs.c.id == job_id, _claimable(now))
            .values(
                status="running",
                owner=owner,
                lease_until=now + lease_s,
                attempts=jobs.c.attempts + 1,
                updated_at=now,
            )
        )
        with self._write() as connection:
            if connection.execute(statement).rowcount != 1:
                return None
        return self.get_job(job_id)

    def renew_lease(self, job_id: str, *, owner: str, lease_s: float, progress: dict[str, Any] | None = None) -> bool:
        """Extend the lease (and store progress); False when the job is no longer this owner's."""
        now = time.time()
        values: dict[str, Any] = {"lease_until": now + lease_s, "updated_at": now}
        if progress is not None:
            values["progress"] = json.dumps(progress, sort_keys=True)
        return self._if_owned(job_id, owner, values)

    def finish_job(self, job_id: str, *, owner: str, result: dict[str, Any], progress: dict[str, Any]) -> bool:
        """Mark succeeded with its result, only if `owner` still holds it (idempotent completion)."""
        now = time.time()
        values = {
            "status": "succeeded",
            "result": json.dumps(result, sort_keys=True, ensure_ascii=False),
            "progress": json.dumps(progress, sort_keys=True),
            "error": None,
            "owner": None,
            "lease_until": None,
            "finished_at": now,
            "updated_at": now,
        }
        return self._if_owned(job_id, owner, values)

    def fail_job(
        self, job_id: str, *, owner: str, error: str, progress: dict[str, Any], retry: bool
    ) -> bool:
        """Record a failure: back to queued when `retry`, else failed for good."""
        now = time.time()
        values: dict[str, Any] = {
            "status": "queued" if retry else "failed",
            "error": error,
            "progress": json.dumps(progress, sort_keys=True),
            "owner": None,
            "lease_until": None,
            "finished_at": None if retry else now,
            "updated_at": now,
        }
        return self._if_owned(job_id, owner, values)

    def release_job(self, job_id: str, *, owner: str) -> bool:
        """Give a running job back to the queue (a worker shutting down cleanly)."""
        values = {"status": "queued", "owner": None, "lease_until": None, "updated_at": time.time()}
        return self._if_owned(job_id, owner, values)

    def _if_owned(self, job_id: str, owner: str, values: dict[str, Any]) -> bool:
        statement = (
            update(jobs)
            .where(jobs.c.id == job_id, jobs.c.owner == owner, jobs.c.status == "running")
            .values(**values)
        )
        with self._write() as connection:
            return bool(connection.execute(statement).rowcount == 1)

    def erase_job(self, job_id: str, *, who: str) -> JobEntry | None:
        """Erase the job's resume, JD, result, error and webhook (and its feedback comments); the row
        stays as a tombstone with status `erased`. Audited without content. None if there is no job."""
        from app.state._feedback import feedback

        now = time.time()
        with self._write() as connection:
            row = connection.execute(select(jobs).where(jobs.c.id == job_id)).mappings().first()
            if row is None:
                return None
            blank = dict.fromkeys(_CONTENT_COLUMNS)
            connection.execute(
                update(jobs)
                .where(jobs.c.id == job_id)
                .values(**blank, status="erased", owner=None, lease_until=None, erased_at=now, updated_at=now)
            )
            connection.execute(update(feedback).where(feedback.c.job_id == job_id).values(comment=None))
            details = {"status_before": row["status"], "created_at": row["created_at"], "pipeline": row["pipeline_hash"]}
            insert_audit(connection, who=who, action="job.erase", subject=job_id, details=details)
        return self.get_job(job_id)

    def purge_jobs(self, *, older_than_s: float, who: str) -> int:
        """Delete finished, failed and erased jobs created more than `older_than_s` ago (retention);
        one audit row with the count. Queued and running jobs are never purged."""
        from app.state._feedback import feedback

        cutoff = time.time() - older_than_s
        old = (jobs.c.created_at < cutoff) & jobs.c.status.in_(("succeeded", "failed", "erased"))
        with self._write() as connection:
            ids = list(connection.execute(select(jobs.c.id).where(old)).scalars().all())
            if ids:
                connection.execute(update(feedback).where(feedback.c.job_id.in_(ids)).values(comment=None))
                connection.execute(delete(jobs).where(jobs.c.id.in_(ids)))
            details = {"deleted": len(ids), "cutoff": cutoff, "older_than_s": older_than_s}
            insert_audit(connection, who=who, action="jobs.purge", subject="jobs", details=details)
        return len(ids)

    def recent_jobs(self, *, status: str | None = None, limit: int = 50) -> list[JobEntry]:
        """The newest jobs first, of one status or of all (the API's operator listing)."""
        query = select(jobs).order_by(jobs.c.created_at.desc(), jobs.c.id).limit(limit)
        if status is not None:
            query = query.where(jobs.c.status == status)
        with self._read() as connection:
            return [_job(row) for row in connection.execute(query).mappings().all()]

    def job_counts(self) -> dict[str, int]:
        """Jobs per status (every status present, zero when none)."""
        query = select(jobs.c.status, func.count()).group_by(jobs.c.status)
        with self._read() as connection:
            counts = {status: int(n) for status, n in connection.execute(query).all()}
        return {status: counts.get(status, 0) for status in JOB_STATUSES}


def _claimable(now: float) -> Any:
    return or_(jobs.c.status == "queued", (jobs.c.status == "running") & (jobs.c.lease_until < now))


def _job(row: RowMapping) -> JobEntry:
    values = dict(row)
    for name in _JSON_COLUMNS:
        if values[name] is not None:
            values[name] = json.loads(values[name])
    return JobEntry.model_validate(values)
