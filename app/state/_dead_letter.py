"""Jobs that need a hand: the dead letter (failed for good, replayable) and stranded jobs (queued but
maybe never sent to a worker, or running under a lease that expired because its worker died).

A job that fails after its retries, or at once on an input or configuration error, ends `failed`
with its reason in `error`, and an audit row `job.dead_letter` records how (`kind`: `exhausted` or
`permanent`, the error type, the attempts) without any content. `replay_jobs` puts failed jobs back
in the queue with a fresh count of attempts and audits each replay (`job.retry`).
"""

from __future__ import annotations

import json
import time
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import select, update

from app.state._audit import insert_audit
from app.state._base import StoreBase
from app.state._jobs import JobEntry, _job, jobs

DeadLetterKind = Literal["exhausted", "permanent"]


class StrandedJob(BaseModel):
    """A job a worker should be told about (again)."""

    id: str
    status: Literal["queued", "running"]
    attempts: int
    updated_at: float  # the job's version: a new status, lease or attempt changes it


class DeadLetterMixin(StoreBase):
    def dead_letter_job(
        self,
        job_id: str,
        *,
        owner: str,
        error: str,
        error_type: str,
        kind: DeadLetterKind,
        progress: dict[str, Any],
    ) -> bool:
        """End the job `failed` with its reason (only if `owner` still holds it), and audit it."""
        now = time.time()
        with self._write() as connection:
            row = connection.execute(
                update(jobs)
                .where(jobs.c.id == job_id, jobs.c.owner == owner, jobs.c.status == "running")
                .values(
                    status="failed",
                    error=error,
                    progress=json.dumps(progress, sort_keys=True),
                    owner=None,
                    lease_until=None,
                    finished_at=now,
                    updated_at=now,
                )
                .returning(jobs.c.attempts)
            ).first()
            if row is None:
                return False
            details = {"kind": kind, "error_type": error_type, "attempts": int(row[0])}
            insert_audit(connection, who=owner, action="job.dead_letter", subject=job_id, details=details)
        return True

    def dead_letters(self, limit: int = 100) -> list[JobEntry]:
        """Failed jobs, newest first."""
        query = select(jobs).where(jobs.c.status == "failed").order_by(jobs.c.finished_at.desc()).limit(limit)
        with self._read() as connection:
            return [_job(row) for row in connection.execute(query).mappings().all()]

    def replay_jobs(self, job_ids: list[str] | None, *, who: str) -> list[str]:
        """Queue failed jobs again (all of them when `job_ids` is None) with their attempts reset;
        returns the ids replayed (a job that is not `failed` is left alone). One audit row per job."""
        now = time.time()
        query = select(jobs.c.id, jobs.c.attempts, jobs.c.error).where(jobs.c.status == "failed")
        if job_ids is not None:
            query = query.where(jobs.c.id.in_(job_ids))
        replayed: list[str] = []
        with self._write() as connection:
            for job_id, attempts, _error in connection.execute(query.order_by(jobs.c.created_at)).all():
                changed = connection.execute(
                    update(jobs)
                    .where(jobs.c.id == job_id, jobs.c.status == "failed")
                    .values(
                        status="queued",
                        attempts=0,
                        error=None,
                        owner=None,
                        lease_until=None,
                        finished_at=None,
                        progress="{}",
                        updated_at=now,
                    )
                ).rowcount
                if changed == 1:
                    replayed.append(job_id)
                    insert_audit(
                        connection,
                        who=who,
                        action="job.retry",
                        subject=job_id,
                        details={"attempts_before": int(attempts)},
                    )
        return replayed

    def stranded_jobs(self, *, queued_for_s: float, limit: int = 500) -> list[StrandedJob]:
        """Queued jobs untouched for `queued_for_s` seconds, and running jobs whose lease expired."""
        now = time.time()
        waiting = (jobs.c.status == "queued") & (jobs.c.updated_at < now - queued_for_s)
        orphaned = (jobs.c.status == "running") & (jobs.c.lease_until < now)
        query = (
            select(jobs.c.id, jobs.c.status, jobs.c.attempts, jobs.c.updated_at)
            .where(waiting | orphaned)
            .order_by(jobs.c.created_at)
            .limit(limit)
        )
        with self._read() as connection:
            rows = connection.execute(query).all()
        return [StrandedJob(id=i, status=s, attempts=int(a), updated_at=float(u)) for i, s, a, u in rows]
