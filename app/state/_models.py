"""What the state store hands out: alias moves, run index entries, verdicts, audit rows, calibrations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

from pydantic import BaseModel, Field


class _Any:
    """The type of `ANY`: a move that does not compare-and-set."""

    _instance: _Any | None = None

    def __new__(cls) -> _Any:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ANY"

    def __reduce__(self) -> str:  # survives pickling (multiprocessing) as the same sentinel
        return "ANY"


ANY: Final = _Any()

MoveKind = Literal["bootstrap", "set", "promote", "rollback"]
MOVE_KINDS: Final = ("bootstrap", "set", "promote", "rollback")
RunStatus = Literal["running", "finished", "failed"]
RUN_STATUSES: Final = ("running", "finished", "failed")


@dataclass(frozen=True)
class AliasMove:
    """One move of an alias; the newest move of an alias is where it points."""

    alias: str
    pipeline_hash: str
    label: str
    who: str
    why: str
    at: float
    previous_hash: str | None
    kind: str = "set"
    verdict_id: int | None = None
    forced: bool = False
    id: int = 0


class RunEntry(BaseModel):
    """One evaluation run in the run index, keyed by its run key (the folder name under runs/)."""

    run_key: str
    pipeline_hash: str
    pipeline_label: str
    dataset_ref: str
    dataset_hash: str
    scorers: list[str]
    judge_version: str | None
    code_hash: str
    folder: str
    mlflow_run_id: str | None = None
    status: RunStatus = "running"
    cases_total: int = 0
    cases_done: int = 0
    started_at: float = 0
    finished_at: float | None = None
    backend: str = "local"  # or "celery": cases run on workers, each recorded in run_cases
    epoch: int = 0  # bumped by every distributed submission; older messages are stale


class VerdictEntry(BaseModel):
    """A gate verdict, bound to the five hashes it judged; `verdict_json` is the full verdict."""

    id: int = 0
    candidate_hash: str
    baseline_hash: str
    dataset_hash: str
    policy_hash: str
    code_hash: str
    passed: bool
    verdict_json: str
    folder: str
    at: float = 0


class AuditEntry(BaseModel):
    id: int
    at: float
    who: str
    action: str
    subject: str
    details: dict[str, Any]


class CalibrationRow(BaseModel):
    """One rubric's agreement with human labels for one judge version (a row of judge_calibrations)."""

    judge_version: str
    rubric: str
    n: int
    accuracy: float | None
    kappa: float | None
    labels_hash: str
    at: float
    details: dict[str, Any] = Field(default_factory=dict)
