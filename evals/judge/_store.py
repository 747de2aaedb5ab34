"""Judge calibrations per judge version, in the state database (table `judge_calibrations`).

The state database's PRAGMA user_version belongs to the alias store's migrations (one counter per
file), so this table is created idempotently instead of as a numbered migration.
"""

from __future__ import annotations

import json

from pydantic import BaseModel, Field

from app.storage import SQLiteDB, sqlite_path_from_url


class RubricCalibration(BaseModel):
    rubric: str
    n: int  # rows with a label and a judge verdict
    missing: int = 0  # labelled rows the judge left unscored
    accuracy: float | None
    kappa: float | None
    kappa_note: str | None = None
    confusion: dict[str, int] = Field(default_factory=dict)  # tp, fp, fn, tn; positive = label 1


class CalibrationReport(BaseModel):
    judge_version: str
    model: str
    labels_path: str
    labels_hash: str
    rows: int
    rubrics: list[RubricCalibration]
    at: float

    def rubric(self, name: str) -> RubricCalibration | None:
        return next((r for r in self.rubrics if r.rubric == name), None)


_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS judge_calibrations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        judge_version TEXT NOT NULL,
        rubric TEXT NOT NULL,
        n INTEGER NOT NULL,
        accuracy REAL,
        kappa REAL,
        labels_hash TEXT NOT NULL,
        at REAL NOT NULL,
        details TEXT NOT NULL DEFAULT '{}'
    )""",
    "CREATE INDEX IF NOT EXISTS judge_calibrations_version ON judge_calibrations(judge_version, at)",
)


class CalibrationStore:
    def __init__(self, state_url: str) -> None:
        self._db = SQLiteDB(sqlite_path_from_url(state_url), ())
        with self._db.transaction() as conn:
            for statement in _SCHEMA:
                conn.execute(statement)

    @classmethod
    def open(cls) -> CalibrationStore:
        from app.settings import get_settings

        return cls(get_settings().state)

    def record(self, report: CalibrationReport) -> None:
        with self._db.transaction() as conn:
            for r in report.rubrics:
                details = {
                    "model": report.model,
                    "labels_path": report.labels_path,
                    "rows": report.rows,
                    "missing": r.missing,
                    "kappa_note": r.kappa_note,
                    "confusion": r.confusion,
                }
                conn.execute(
                    "INSERT INTO judge_calibrations"
                    " (judge_version, rubric, n, accuracy, kappa, labels_hash, at, details)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        report.judge_version,
                        r.rubric,
                        r.n,
                        r.accuracy,
                        r.kappa,
                        report.labels_hash,
                        report.at,
                        json.dumps(details),
                    ),
                )

    def is_calibrated(self, judge_version: str) -> bool:
        return bool(
            self._db.query(
                "SELECT 1 FROM judge_calibrations WHERE judge_version = ? LIMIT 1", (judge_version,)
            )
        )

    def latest(self, judge_version: str) -> CalibrationReport | None:
        rows = self._db.query(
            "SELECT * FROM judge_calibrations WHERE judge_version = ? AND at ="
            " (SELECT MAX(at) FROM judge_calibrations WHERE judge_version = ?) ORDER BY id",
            (judge_version, judge_version),
        )
        if not rows:
            return None
        first = json.loads(rows[0]["details"])
        rubrics = []
        for row in rows:
            details = json.loads(row["details"])
            rubrics.append(
                RubricCalibration(
                    rubric=row["rubric"],
                    n=row["n"],
                    missing=details.get("missing", 0),
                    accuracy=row["accuracy"],
                    kappa=row["kappa"],
                    kappa_note=details.get("kappa_note"),
                    confusion=details.get("confusion", {}),
                )
            )
        return CalibrationReport(
            judge_version=judge_version,
            model=first.get("model", ""),
            labels_path=first.get("labels_path", ""),
            labels_hash=rows[0]["labels_hash"],
            rows=first.get("rows", 0),
            rubrics=rubrics,
            at=rows[0]["at"],
        )

    def close(self) -> None:
        self._db.close()


def is_calibrated(judge_version: str, state_url: str | None = None) -> bool:
    """Whether any calibration is recorded for this judge version (state URL: the settings')."""
    store = CalibrationStore(state_url) if state_url else CalibrationStore.open()
    try:
        return store.is_calibrated(judge_version)
    finally:
        store.close()
