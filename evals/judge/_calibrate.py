"""Judge calibration: how often the judge's pass/fail agrees with human labels, per rubric.

Each labelled row (`golden/judge/labels.jsonl`) names a golden case and an output with 0/1 labels per
rubric. The judge scores the output; a mean score >= 3 counts as 1. Per rubric we report n, accuracy,
Cohen's kappa and the confusion counts (positive = label 1). Kappa is None, with a note, when it says
nothing: no usable rows, or human labels of a single class (kappa is then 0 or undefined whatever
the judge does). Results are kept per judge version in the state database, so the harness can show
a judge version with no record as "uncalibrated".
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from app.errors import InputError, ModelError, NotFoundError, TailorError
from app.hashing import sha256_file
from app.models import ModelClient
from app.registry import Registry
from app.resume import load_resume_source, render_markdown
from evals.datasets import Case, load_cases
from evals.judge._judge import JudgeConfig, judge_sample, judge_version
from evals.judge._store import CalibrationReport, CalibrationStore, RubricCalibration, is_calibrated
from evals.scorers import Sample, Score


class LabelOutput(BaseModel):
    tailored_resume: dict[str, Any] | str
    suggestions: list[Any] = Field(default_factory=list)


class LabelRow(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    case_id: str
    output: LabelOutput
    labels: dict[str, int]
    fabrications: list[Any] = Field(default_factory=list)
    notes: str = ""

    @field_validator("labels")
    @classmethod
    def _binary(cls, value: dict[str, int]) -> dict[str, int]:
        bad = [k for k, v in value.items() if v not in (0, 1)]
        if bad:
            raise ValueError(f"labels must be 0 or 1: {', '.join(bad)}")
        return value


def load_labels(path: Path) -> list[LabelRow]:
    if not path.is_file():
        raise NotFoundError(f"no labels file {path}")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(LabelRow.model_validate_json(line))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "(row)"
            raise InputError(f"{path}:{number}: {where}: {first['msg']}") from exc
    if not rows:
        raise InputError(f"{path}: no labelled rows")
    return rows


def case_index(datasets_dir: Path) -> tuple[dict[str, Case], list[str]]:
    """Every case in `<dir>/*.jsonl` and `<dir>/.parts/*.jsonl` by id (first wins), plus load problems."""
    files = sorted(datasets_dir.glob("*.jsonl")) + sorted((datasets_dir / ".parts").glob("*.jsonl"))
    index: dict[str, Case] = {}
    problems: list[str] = []
    for file in files:
        try:
            for case in load_cases(file):
                index.setdefault(case.id, case)
        except TailorError as exc:
            problems.append(str(exc))
    return index, problems


def _as_resume(value: dict[str, Any] | str) -> dict[str, Any]:
    return value if isinstance(value, dict) else load_resume_source(value)


def label_sample(row: LabelRow, case: Case) -> Sample:
    tailored = row.output.tailored_resume
    output = _as_resume(tailored)
    markdown = tailored if isinstance(tailored, str) else render_markdown(output)
    suggestions = [s if isinstance(s, dict) else {"note": str(s)} for s in row.output.suggestions]
    return Sample(
        case=case, source=_as_resume(case.resume), output=output, suggestions=suggestions, markdown=markdown
    )


def agreement(
    rubric: str, human: Sequence[int], judged: Sequence[int], missing: int = 0
) -> RubricCalibration:
    from sklearn.metrics import cohen_kappa_score

    n = len(human)
    pairs = list(zip(human, judged, strict=True))
    confusion = {
        "tp": sum(h == 1 and j == 1 for h, j in pairs),
        "fp": sum(h == 0 and j == 1 for h, j in pairs),
        "fn": sum(h == 1 and j == 0 for h, j in pairs),
        "tn": sum(h == 0 and j == 0 for h, j in pairs),
    }
    if n == 0:
        return RubricCalibration(
            rubric=rubric,
            n=0,
            missing=missing,
            accuracy=None,
            kappa=None,
            kappa_note="no row has both a label and a judge verdict",
            confusion=confusion,
        )
    accuracy = (confusion["tp"] + confusion["tn"]) / n
    kappa: float | None = None
    note: str | None = None
    if len(set(human)) < 2:
        note = f"undefined: every human label is {human[0]} (kappa is 0 or undefined whatever the judge says)"
    else:
        value = float(cohen_kappa_score(list(human), list(judged), labels=[0, 1]))
        kappa = None if math.isnan(value) else round(value, 4)
        note = "undefined (nan)" if kappa is None else None
        if kappa is not None and len(set(judged)) < 2:
            note = f"the judge said {'pass' if judged[0] else 'fail'} (score {'>=' if judged[0] else '<'} 3) on every row"
    return RubricCalibration(
        rubric=rubric,
        n=n,
        missing=missing,
        accuracy=round(accuracy, 4),
        kappa=kappa,
        kappa_note=note,
        confusion=confusion,
    )


async def calibrate(
    labels_path: Path,
    config: JudgeConfig,
    client: ModelClient,
    registry: Registry,
    datasets_dir: Path,
    *,
    store: CalibrationStore | None = None,
    concurrency: int = 4,
    progress: Callable[[int, int], None] | None = None,
) -> CalibrationReport:
    """Judge every labelled row, measure agreement per rubric, and record it (in `store`, or the state DB)."""
    version = judge_version(config, registry)  # fails fast on an unknown rubric prompt
    rows = load_labels(labels_path)
    labels_hash = sha256_file(labels_path)
    cases, problems = case_index(datasets_dir)
    unknown = sorted({r.case_id for r in rows} - set(cases))
    if unknown:
        extra = f" ({problems[0]})" if problems else ""
        raise InputError(
            f"labels name {len(unknown)} unknown case(s) in {datasets_dir}: {', '.join(unknown[:3])}{extra}"
        )
    samples = [label_sample(row, cases[row.case_id]) for row in rows]
    gate = asyncio.Semaphore(max(1, concurrency))
    done = 0

    async def one(sample: Sample) -> dict[str, Score]:
        nonlocal done
        async with gate:
            scores = await judge_sample(sample, config, client, registry)
        done += 1
        if progress is not None:
            progress(done, len(samples))
        return {s.name: s for s in scores}

    results = await asyncio.gather(*(one(s) for s in samples))
    rubrics = []
    for rubric in config.rubrics:
        labelled = [
            (row.labels[rubric], scores[f"judge_{rubric}"])
            for row, scores in zip(rows, results, strict=True)
            if rubric in row.labels
        ]
        if not labelled:
            continue
        usable = [(h, s) for h, s in labelled if not s.is_missing]
        human = [h for h, _ in usable]
        judged = [1 if s.passed else 0 for _, s in usable]
        rubrics.append(agreement(rubric, human, judged, missing=len(labelled) - len(usable)))
    if not any(r.n for r in rubrics):
        reasons = sorted(
            {s.missing_reason for scores in results for s in scores.values() if s.missing_reason}
        )
        why = reasons[0] if reasons else "no rubric of the config is labelled"
        raise ModelError(f"the judge scored no labelled row, so nothing was recorded: {why}")
    report = CalibrationReport(
        judge_version=version,
        model=config.model,
        labels_path=str(labels_path),
        labels_hash=labels_hash,
        rows=len(rows),
        rubrics=rubrics,
        at=time.time(),
    )
    owned = store is None
    target = store or CalibrationStore.open()
    try:
        target.record(report)
    finally:
        if owned:
            target.close()
    return report


def judge_run_info(config: JudgeConfig, registry: Registry, state_url: str | None = None) -> dict[str, Any]:
    """The `judge` entry of a run's run.json: model, version, whether that version is calibrated, n."""
    version = judge_version(config, registry)
    return {
        "model": config.model,
        "version": version,
        "calibrated": is_calibrated(version, state_url),
        "n": config.n,
        "rubrics": dict(config.rubrics),
    }
