"""Judge calibrations per judge version (table `judge_calibrations`); evals.judge builds reports on them."""

from __future__ import annotations

import json

from sqlalchemy import func, insert, select

from app.state._base import StoreBase
from app.state._models import CalibrationRow
from app.state._schema import judge_calibrations


class CalibrationsMixin(StoreBase):
    def record_calibrations(self, rows: list[CalibrationRow]) -> None:
        if not rows:
            return
        values = [{**row.model_dump(), "details": json.dumps(row.details, sort_keys=True)} for row in rows]
        with self._write() as connection:
            connection.execute(insert(judge_calibrations), values)

    def has_calibration(self, judge_version: str) -> bool:
        query = select(judge_calibrations.c.id).where(judge_calibrations.c.judge_version == judge_version)
        with self._read() as connection:
            return connection.execute(query.limit(1)).first() is not None

    def latest_calibrations(self, judge_version: str) -> list[CalibrationRow]:
        """The rows of the newest calibration of this judge version (one per rubric), in recorded order."""
        table = judge_calibrations
        newest = select(func.max(table.c.at)).where(table.c.judge_version == judge_version).scalar_subquery()
        query = (
            select(table)
            .where(table.c.judge_version == judge_version, table.c.at == newest)
            .order_by(table.c.id)
        )
        with self._read() as connection:
            rows = connection.execute(query).mappings().all()
        return [
            CalibrationRow.model_validate({**row, "details": json.loads(row["details"] or "{}")})
            for row in rows
        ]
