"""Judge calibrations per judge version, in the shared state store (table `judge_calibrations`)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from app.state import CalibrationRow, open_state


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


class CalibrationStore:
    """Calibration reports over the shared state store (`app.state`), one row per rubric."""

    def __init__(self, state_url: str) -> None:
        self._state = open_state(state_url)

    @classmethod
    def open(cls) -> CalibrationStore:
        from app.settings import get_settings

        return cls(get_settings().state)

    def record(self, report: CalibrationReport) -> None:
        shared = {"model": report.model, "labels_path": report.labels_path, "rows": report.rows}
        self._state.record_calibrations(
            [
                CalibrationRow(
                    judge_version=report.judge_version,
                    rubric=r.rubric,
                    n=r.n,
                    accuracy=r.accuracy,
                    kappa=r.kappa,
                    labels_hash=report.labels_hash,
                    at=report.at,
                    details={
                        **shared,
                        "missing": r.missing,
                        "kappa_note": r.kappa_note,
                        "confusion": r.confusion,
                    },
                )
                for r in report.rubrics
            ]
        )

    def is_calibrated(self, judge_version: str) -> bool:
        return self._state.has_calibration(judge_version)

    def latest(self, judge_version: str) -> CalibrationReport | None:
        rows = self._state.latest_calibrations(judge_version)
        if not rows:
            return None
        first = rows[0].details
        rubrics = [
            RubricCalibration(
                rubric=row.rubric,
                n=row.n,
                missing=row.details.get("missing", 0),
                accuracy=row.accuracy,
                kappa=row.kappa,
                kappa_note=row.details.get("kappa_note"),
                confusion=row.details.get("confusion", {}),
            )
            for row in rows
        ]
        return CalibrationReport(
            judge_version=judge_version,
            model=first.get("model", ""),
            labels_path=first.get("labels_path", ""),
            labels_hash=rows[0].labels_hash,
            rows=first.get("rows", 0),
            rubrics=rubrics,
            at=rows[0].at,
        )

    def close(self) -> None:
        self._state.close()


def is_calibrated(judge_version: str, state_url: str | None = None) -> bool:
    """Whether any calibration is recorded for this judge version (state URL: the settings')."""
    store = CalibrationStore(state_url) if state_url else CalibrationStore.open()
    try:
        return store.is_calibrated(judge_version)
    finally:
        store.close()
