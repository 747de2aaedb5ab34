"""The cases of a distributed evaluation run (`tailor eval --backend celery`), one row each.

The submitter seeds a row per case with its inputs and sends `(run key, case id, epoch)` to the
workers; a worker reads the inputs here, runs the case and records its result with a compare-and-set
(`record_case`): a case's record is written once per run key, however often its message is
delivered. An error may later be replaced by a success (a resumed run retries errors, as the local
backend does); a success is never replaced. The submitter follows progress from here
(`recorded_since`) and, when every case is in, writes the results folder from here
(`run_records`). Times are the database's clock, so workers on several machines agree.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, Connection, and_, func, literal_column, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.errors import NotFoundError
from app.state._base import StoreBase
from app.state._schema import run_cases, runs

CaseStatus = Literal["pending", "ok", "error"]


@dataclass(frozen=True)
class RecordedCase:
    """What progress needs of a recorded case: its id, status, error and when it was recorded."""

    case_id: str
    status: CaseStatus
    error: str | None
    recorded_at: float


@dataclass(frozen=True)
class RunCounts:
    pending: int
    ok: int
    error: int

    @property
    def total(self) -> int:
        return self.pending + self.ok + self.error


class RunCasesMixin(StoreBase):
    @contextmanager
    def _case_write(self) -> Iterator[Connection]:
        """A write whose commit does not wait for PostgreSQL's WAL flush (about 3-4 ms per commit
        on this machine's disk, twice per case). Safe here: a case row lost to a database server
        crash (not a client's) only goes back to pending, and a resumed run sends it again; no
        other table is written this way."""
        with self._write() as connection:
            if self.dialect == "postgresql":
                connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
            yield connection

    def _now(self) -> ColumnElement[Any]:
        if self.dialect == "postgresql":
            return literal_column("extract(epoch from clock_timestamp())")
        return literal_column("((julianday('now') - 2440587.5) * 86400.0)")

    # -- the submitter ----------------------------------------------------------------------------
    def set_run_spec(self, run_key: str, *, backend: str, spec: str) -> int:
        """Mark the run distributed, store the spec workers rebuild its plan from, and start a new
        epoch (returned): messages of earlier submissions become stale."""
        with self._write() as connection:
            result = connection.execute(
                update(runs)
                .where(runs.c.run_key == run_key)
                .values(backend=backend, spec=spec, epoch=runs.c.epoch + 1)
            )
            if result.rowcount == 0:
                raise NotFoundError(f"no run {run_key!r} in the run index")
            return int(connection.execute(select(runs.c.epoch).where(runs.c.run_key == run_key)).scalar_one())

    def bump_epoch(self, run_key: str) -> int:
        """Make every outstanding message of the run stale (a cancelled submission); the new epoch."""
        with self._write() as connection:
            connection.execute(update(runs).where(runs.c.run_key == run_key).values(epoch=runs.c.epoch + 1))
            return int(connection.execute(select(runs.c.epoch).where(runs.c.run_key == run_key)).scalar_one())

    def seed_run_cases(self, run_key: str, cases: Iterable[tuple[str, str]], *, done: Iterable[str] = ()) -> None:
        """One pending row per (case id, inputs JSON) not yet there, in the order given, and every
        errored case back to pending (its inputs are kept until it succeeds). `done`: ids whose
        record exists elsewhere (the results folder), inserted as ok without inputs so that no
        worker runs them. A few statements whatever the number of cases."""
        finished = set(done)
        rows = [
            {
                "run_key": run_key,
                "case_id": case_id,
                "position": position,
                "status": "ok" if case_id in finished else "pending",
                "case_json": None if case_id in finished else case_json,
                "attempts": 0,
            }
            for position, (case_id, case_json) in enumerate(cases)
        ]
        module = postgresql if self.dialect == "postgresql" else sqlite
        with self._write() as connection:
            for start in range(0, len(rows), 500):
                connection.execute(module.insert(run_cases).values(rows[start : start + 500]).on_conflict_do_nothing())
            connection.execute(
                update(run_cases)
                .where(run_cases.c.run_key == run_key, run_cases.c.status == "error")
                .values(status="pending", error=None, recorded_at=None, record_json=None)
            )

    def pending_case_ids(self, run_key: str) -> list[str]:
        query = (
            select(run_cases.c.case_id)
            .where(run_cases.c.run_key == run_key, run_cases.c.status == "pending")
            .order_by(run_cases.c.position)
        )
        with self._read() as connection:
            return [str(v) for v in connection.execute(query).scalars()]

    def run_counts(self, run_key: str, case_ids: Iterable[str] | None = None) -> RunCounts:
        query = select(run_cases.c.status, func.count()).where(run_cases.c.run_key == run_key)
        if case_ids is not None:
            query = query.where(run_cases.c.case_id.in_(list(case_ids)))
        with self._read() as connection:
            counts: dict[str, int] = {
                str(status): int(n) for status, n in connection.execute(query.group_by(run_cases.c.status)).tuples()
            }
        return RunCounts(pending=counts.get("pending", 0), ok=counts.get("ok", 0), error=counts.get("error", 0))

    def recorded_since(self, run_key: str, since: float) -> list[RecordedCase]:
        """Cases recorded at or after `since` (database clock), oldest first. Callers keep a small
        overlap and drop ids they have seen: a transaction may commit after a later one."""
        query = (
            select(run_cases.c.case_id, run_cases.c.status, run_cases.c.error, run_cases.c.recorded_at)
            .where(
                run_cases.c.run_key == run_key,
                run_cases.c.recorded_at >= since,
                run_cases.c.status != "pending",
            )
            .order_by(run_cases.c.recorded_at)
        )
        with self._read() as connection:
            return [RecordedCase(str(c), s, e, float(t)) for c, s, e, t in connection.execute(query).tuples()]

    def database_time(self) -> float:
        with self._read() as connection:
            return float(connection.execute(select(self._now())).scalar_one())

    def run_records(self, run_key: str) -> list[str]:
        """Every record's JSON, in case order."""
        query = (
            select(run_cases.c.record_json)
            .where(run_cases.c.run_key == run_key, run_cases.c.record_json.is_not(None))
            .order_by(run_cases.c.position)
        )
        with self._read() as connection:
            return [str(v) for v in connection.execute(query).scalars()]

    def forget_case_inputs(self, run_key: str) -> None:
        """Drop the inputs (the resumes) of every case recorded ok: the run no longer needs them."""
        with self._write() as connection:
            connection.execute(
                update(run_cases).where(run_cases.c.run_key == run_key, run_cases.c.status == "ok").values(case_json=None)
            )

    # -- the workers ------------------------------------------------------------------------------
    def run_spec(self, run_key: str) -> tuple[str | None, int]:
        """The run's spec and current epoch."""
        with self._read() as connection:
            row = connection.execute(select(runs.c.spec, runs.c.epoch).where(runs.c.run_key == run_key)).first()
        if row is None:
            raise NotFoundError(f"no run {run_key!r} in the run index")
        return row[0], int(row[1])

    def start_case(self, run_key: str, case_id: str, *, worker: str, epoch: int | None = None) -> str | None:
        """The case's inputs if it still needs a record and (given `epoch`) the message is not stale,
        counting the attempt; else None. One statement: the check and the claim cannot part."""
        condition = [run_cases.c.run_key == run_key, run_cases.c.case_id == case_id, run_cases.c.status == "pending"]
        if epoch is not None:
            current = select(runs.c.epoch).where(runs.c.run_key == run_key).scalar_subquery()
            condition.append(current == epoch)
        statement = (
            update(run_cases)
            .where(and_(*condition))
            .values(attempts=run_cases.c.attempts + 1, worker=worker)
            .returning(run_cases.c.case_json)
        )
        with self._case_write() as connection:
            value = connection.execute(statement).scalar_one_or_none()
        return None if value is None else str(value)

    def record_case(self, run_key: str, case_id: str, *, record_json: str, status: CaseStatus, worker: str) -> bool:
        """Write the case's record unless it has one already (compare-and-set on its status); an
        error record is only written over a pending case. True when this call wrote it."""
        if status not in ("ok", "error"):
            raise ValueError(f"a record's status is ok or error, not {status!r}")
        error = None
        if status == "error":
            error = json.loads(record_json).get("error")
        with self._case_write() as connection:
            result = connection.execute(
                update(run_cases)
                .where(
                    run_cases.c.run_key == run_key,
                    run_cases.c.case_id == case_id,
                    run_cases.c.status == "pending",
                )
                .values(status=status, record_json=record_json, error=error, worker=worker, recorded_at=self._now())
            )
            return bool(result.rowcount)
