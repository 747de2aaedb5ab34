"""The results folder: one JSON line per finished case, appended as it completes, and a summary.

    <run dir>/run.json       what was run (pipeline snapshot, dataset, scorers, judge), written first
    <run dir>/cases.jsonl    one record per case, appended and flushed; a torn last line is dropped
    <run dir>/summary.json   aggregates, written (atomically) at the end
    <run dir>/report.html    the HTML report

run.json and summary.json are typed models (RunMeta, RunSummary), written and read in _run_files.py.

Appending keeps the cost per case flat however large the run grows; a killed run resumes by
reading the finished case ids. Records hold pseudonymised text only (no contact details).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from evals.runner._run_files import RUN_FILE, SUMMARY_FILE

CASES_FILE, REPORT_FILE = "cases.jsonl", "report.html"
__all__ = [
    "CASES_FILE",
    "REPORT_FILE",
    "RUN_FILE",
    "SUMMARY_FILE",
    "CaseRecord",
    "ResultsWriter",
    "read_records",
]


class CaseRecord(BaseModel):
    case_id: str
    status: str  # "ok" or "error"
    error: str | None = None
    tags: list[str] = Field(default_factory=list)
    input_hash: str = ""
    output_hash: str = ""
    source: dict[str, Any] = Field(default_factory=dict)  # the source JSON Resume, pseudonymised
    source_markdown: str = ""  # pseudonymised
    output: dict[str, Any] = Field(
        default_factory=dict
    )  # tailored_resume, markdown, suggestions (pseudonymised)
    scores: dict[str, dict[str, Any]] = Field(default_factory=dict)  # name -> Score.as_dict()
    usage: dict[str, Any] = Field(default_factory=dict)
    latency_ms: float | None = None
    changes: list[dict[str, Any]] = Field(default_factory=list)
    finished_at: float = 0.0


@dataclass
class ResultsWriter:
    """Appends records; opening the same folder again resumes where it stopped."""

    folder: Path

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / CASES_FILE
        self._drop_torn_tail()
        self._handle = self.path.open("a", encoding="utf-8")

    def _drop_torn_tail(self) -> None:
        """A run killed mid-write can leave a partial last line; cut it off (never rewrite the rest)."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return
        with self.path.open("rb+") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 1))
            if handle.read(1) == b"\n":
                return
            # Walk back to the last newline and truncate after it.
            step = 4096
            pos = size
            while pos > 0:
                start = max(0, pos - step)
                handle.seek(start)
                chunk = handle.read(pos - start)
                index = chunk.rfind(b"\n")
                if index >= 0:
                    handle.truncate(start + index + 1)
                    return
                pos = start
            handle.truncate(0)

    def finished_ids(self) -> set[str]:
        return {r.case_id for r in read_records(self.path) if r.status == "ok"}

    def append(self, record: CaseRecord) -> None:
        """One line, flushed: a killed process loses nothing it appended (the OS holds the bytes).
        fsync waits for close, so durability against power loss costs one sync per run, not per case."""
        self._handle.write(record.model_dump_json() + "\n")
        self._handle.flush()

    def close(self) -> None:
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()


def read_records(path: Path) -> list[CaseRecord]:
    """Every complete record; for a case written twice (an error, then a success) the last wins."""
    if not path.exists():
        return []
    latest: dict[str, CaseRecord] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.endswith("\n"):
                break  # a torn tail
            try:
                record = CaseRecord.model_validate_json(line)
            except ValueError:
                continue
            latest[record.case_id] = record
    return list(latest.values())
