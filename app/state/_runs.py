"""The run index: one row per evaluation run folder, so the gate finds reusable runs without a scan."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import RowMapping, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.errors import InputError, NotFoundError
from app.state._base import StoreBase
from app.state._models import RUN_STATUSES, RunEntry
from app.state._schema import runs


class RunsMixin(StoreBase):
    def register_run(self, entry: RunEntry) -> RunEntry:
        """Insert, or update by run key (a resumed run re-registers); a stored start time is kept."""
        values: dict[str, Any] = {**entry.model_dump(), "scorers": json.dumps(entry.scorers)}
        if not entry.started_at:
            values["started_at"] = time.time()
        module = postgresql if self.dialect == "postgresql" else sqlite
        statement = module.insert(runs).values(**values)
        refreshed = {
            key: statement.excluded[key] for key in values if key not in ("run_key", "started_at", "epoch")
        }
        if entry.started_at:
            refreshed["started_at"] = statement.excluded.started_at
        with self._write() as connection:
            connection.execute(
                statement.on_conflict_do_update(index_elements=[runs.c.run_key], set_=refreshed)
            )
            row = connection.execute(select(runs).where(runs.c.run_key == entry.run_key)).mappings().one()
        return _entry(row)

    def update_run(
        self,
        run_key: str,
        *,
        status: str | None = None,
        cases_done: int | None = None,
        mlflow_run_id: str | None = None,
    ) -> None:
        """Change what is given; finishing (or failing) stamps finished_at, running clears it."""
        values: dict[str, Any] = {}
        if status is not None:
            if status not in RUN_STATUSES:
                raise InputError(f"unknown run status {status!r}: one of {', '.join(RUN_STATUSES)}")
            values["status"] = status
            values["finished_at"] = None if status == "running" else time.time()
        if cases_done is not None:
            values["cases_done"] = cases_done
        if mlflow_run_id is not None:
            values["mlflow_run_id"] = mlflow_run_id
        if not values:
            return
        with self._write() as connection:
            result = connection.execute(update(runs).where(runs.c.run_key == run_key).values(**values))
            if result.rowcount == 0:
                raise NotFoundError(f"no run {run_key!r} in the run index")

    def get_run(self, run_key: str) -> RunEntry | None:
        with self._read() as connection:
            row = connection.execute(select(runs).where(runs.c.run_key == run_key)).mappings().first()
        return _entry(row) if row else None

    def find_runs(
        self, *, pipeline_hash: str, dataset_hash: str, code_hash: str, status: str | None = "finished"
    ) -> list[RunEntry]:
        """Runs of exactly this pipeline, dataset and code (and status, unless None), newest first."""
        query = select(runs).where(
            runs.c.pipeline_hash == pipeline_hash,
            runs.c.dataset_hash == dataset_hash,
            runs.c.code_hash == code_hash,
        )
        if status is not None:
            query = query.where(runs.c.status == status)
        query = query.order_by(runs.c.started_at.desc(), runs.c.run_key.desc())
        with self._read() as connection:
            return [_entry(row) for row in connection.execute(query).mappings().all()]


def _entry(row: RowMapping) -> RunEntry:
    return RunEntry.model_validate({**row, "scorers": json.loads(row["scorers"])})
