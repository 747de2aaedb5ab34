"""`run.json` and `summary.json` as typed models, written and read only through this module.

    <run dir>/run.json      RunMeta: what was run (pipeline, dataset, scorers, judge, code)
    <run dir>/summary.json  RunSummary: the RunMeta again under "run", then the aggregates

The files keep the shape the runner has always written (keys, order, nulls), so every results
folder written before these models existed still loads. Reading tolerates keys these models do
not know (an older or newer layout): they are dropped. Building a model in code forbids them, so a
misspelt field fails where it is written. A field that older files may lack has a default; one
that the runner only writes when it has a value (`mean_lift`, `rewrites`, the judge's `kappa`...)
is left out of the file when it is None, as before.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar, Self, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    ValidationError,
    ValidationInfo,
    model_serializer,
    model_validator,
)

from app.errors import InputError
from app.fileio import atomic_write_text

RUN_FILE, SUMMARY_FILE = "run.json", "summary.json"
_READING = "reading_a_results_file"  # validation context: drop unknown keys instead of failing


class RunFileModel(BaseModel):
    """Extra keys are an error when built in code, and dropped when read from a file."""

    model_config = ConfigDict(extra="forbid")
    OMIT_WHEN_NONE: ClassVar[frozenset[str]] = frozenset()  # keys the file leaves out when None

    @model_validator(mode="before")
    @classmethod
    def _drop_unknown_keys_when_reading(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(data, dict) and info.context and info.context.get(_READING):
            return {key: value for key, value in data.items() if key in cls.model_fields}
        return data

    @model_serializer(mode="wrap")
    def _leave_out_absent(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            for key in self.OMIT_WHEN_NONE:
                if data.get(key, 0) is None:
                    del data[key]
        return data

    @classmethod
    def from_file_data(cls, data: Any) -> Self:
        """Validate data read from a file (unknown keys dropped)."""
        return cls.model_validate(data, context={_READING: True})

    def to_json(self) -> str:
        """The file's text: the JSON the runner has always written (indent 2, UTF-8, a final newline)."""
        return json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


# -- run.json ------------------------------------------------------------------------------------
class AgentIdentity(RunFileModel):
    """One agent of the pipeline snapshot, as resolved (`AgentSpec` without its name)."""

    prompt_ref: str | None = None
    prompt_hash: str | None = None
    model: str = ""
    params: dict[str, Any] = Field(default_factory=dict)
    options: dict[str, Any] = Field(default_factory=dict)


class PipelineIdentity(RunFileModel):
    label: str
    hash: str
    agents: dict[str, AgentIdentity] = Field(default_factory=dict)


class DatasetIdentity(RunFileModel):
    OMIT_WHEN_NONE = frozenset({"cases"})

    name: str
    version: str | None = None
    split: str | None = None
    hash: str = ""
    cases: int | None = None  # cases in the dataset (not only those run)

    @property
    def ref(self) -> str:
        """NAME:SPLIT, or NAME for a dataset without a split."""
        return f"{self.name}:{self.split}" if self.split else self.name


class JudgeInfo(RunFileModel):
    """The judge that scored a run: its version keys the results folder; trust needs calibration."""

    OMIT_WHEN_NONE = frozenset({"version", "rubrics", "kappa"})

    model: str | None = None
    version: str | None = None
    calibrated: bool = False
    n: int = 1
    rubrics: dict[str, str] | list[str] | None = None  # rubric -> prompt ref
    kappa: dict[str, float | None] | None = None  # per rubric, from the latest calibration


class RunMeta(RunFileModel):
    """run.json: what was run, written before the first case."""

    OMIT_WHEN_NONE = frozenset({"concurrency", "mlflow_run_id", "mlflow_tracking_uri"})

    config_hash: str = ""  # the results folder's key (code, pipeline, dataset, scorers, judge)
    pipeline: PipelineIdentity
    dataset: DatasetIdentity
    scorers: list[str] = Field(default_factory=list)
    judge: JudgeInfo | None = None
    git_commit: str | None = None
    code_hash: str = ""
    started_at: str = ""  # ISO 8601, UTC, to the second
    concurrency: int | None = None
    cache: bool = True
    # An older layout kept the MLflow run id here ({tracking uri: run id}, or an id); now mlflow.json.
    mlflow_run_id: str | dict[str, str] | None = None
    mlflow_tracking_uri: str | None = None


# -- summary.json --------------------------------------------------------------------------------
class CaseCounts(RunFileModel):
    total: int = 0
    ok: int = 0
    errors: int = 0


class MetricAggregate(RunFileModel):
    """One metric over the ok cases: values missing with a reason are counted, never zeroed."""

    OMIT_WHEN_NONE = frozenset({"mean_lift"})

    mean: float | None = None
    pass_rate: float | None = None
    n: int = 0
    missing: int = 0
    missing_reasons: dict[str, int] = Field(default_factory=dict)
    mean_lift: float | None = None  # for scorers that report a lift over the source


class LatencyPercentiles(RunFileModel):
    p50: float | None = None
    p95: float | None = None


class JudgeUsage(RunFileModel):
    """What the judge's own calls cost (summed as floats, as written since the start)."""

    calls: float = 0.0
    input_tokens: float = 0.0
    output_tokens: float = 0.0
    cost_usd: float = 0.0
    cache_hits: float = 0.0


class UsageTotals(RunFileModel):
    """What tailoring cost over the ok cases; `judge` is what scoring cost, when a judge scored."""

    OMIT_WHEN_NONE = frozenset({"judge"})

    input_tokens: int = 0
    output_tokens: int = 0
    calls: int = 0
    cache_hits: int = 0
    cache_misses: int = 0
    cost_usd: float = 0.0
    judge: JudgeUsage | None = None

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens


class CaseError(RunFileModel):
    case_id: str
    error: str | None = None


class RewriteTally(RunFileModel):
    """What the fact-checker did with the model's rewrites; `reverted_by` counts per check."""

    accepted: int = 0
    reverted: int = 0
    unchanged: int = 0
    reverted_by: dict[str, int] = Field(default_factory=dict)


class RunSummary(RunFileModel):
    """summary.json: the run's meta and its aggregates, written (atomically) at the end."""

    OMIT_WHEN_NONE = frozenset({"rewrites"})

    run: RunMeta
    cases: CaseCounts = Field(default_factory=CaseCounts)
    metrics: dict[str, MetricAggregate] = Field(default_factory=dict)
    latency_ms: LatencyPercentiles = Field(default_factory=LatencyPercentiles)
    usage: UsageTotals = Field(default_factory=UsageTotals)
    errors: list[CaseError] = Field(default_factory=list)  # the first 20
    rewrites: RewriteTally | None = None  # None for a solver that reports no line changes


# -- the one place they are written and read ----------------------------------------------------
def write_run_meta(run_dir: Path, meta: RunMeta) -> Path:
    path = run_dir / RUN_FILE
    atomic_write_text(path, meta.to_json())
    return path


def write_summary(run_dir: Path, summary: RunSummary) -> Path:
    path = run_dir / SUMMARY_FILE
    atomic_write_text(path, summary.to_json())
    return path


def read_run_meta(run_dir: Path) -> RunMeta:
    """The folder's run.json; InputError when the folder has none or it is not one."""
    return _read(run_dir / RUN_FILE, RunMeta)


def read_summary(run_dir: Path) -> RunSummary:
    """The folder's summary.json; InputError when the folder has none or it is not one."""
    return _read(run_dir / SUMMARY_FILE, RunSummary)


_Model = TypeVar("_Model", bound=RunFileModel)


def _read(path: Path, model: type[_Model]) -> _Model:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"{path.parent} is not a results folder (no {path.name})") from exc
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: not readable JSON ({str(exc).splitlines()[0][:120]})") from exc
    try:
        return model.from_file_data(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "top level"
        raise InputError(f"{path}: not a {path.name} ({where}: {first['msg']})") from exc
