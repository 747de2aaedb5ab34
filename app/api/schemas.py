"""The API's request and response bodies. Every response body names the pipeline version (`pipeline`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.state import REASON_CODES

ReasonCode = Literal[
    "good", "fabricated_fact", "missed_requirement", "lost_information", "poor_wording", "formatting", "other"
]
assert set(REASON_CODES) == set(ReasonCode.__args__)  # type: ignore[attr-defined]


class PipelineRef(BaseModel):
    label: str
    hash: str
    canary: str | None = Field(default=None, description="The canary alias that served it; null: the served alias.")


class TailorRequest(BaseModel):
    """A resume (JSON Resume object, or markdown / plain text) and a JD (text, or a jsonresume job object)."""

    model_config = ConfigDict(extra="forbid")

    resume: str | dict[str, Any] = Field(description="JSON Resume object, or the resume as markdown or text.")
    jd: str | dict[str, Any] = Field(description="The job description as text, or a jsonresume job object.")
    webhook_url: str | None = Field(
        default=None, max_length=2048, description="POSTed a signed notice when the job ends (jobs only)."
    )

    @field_validator("resume", "jd")
    @classmethod
    def _not_blank(cls, value: str | dict[str, Any]) -> str | dict[str, Any]:
        if isinstance(value, str) and not value.strip():
            raise ValueError("is empty")
        if isinstance(value, dict) and not value:
            raise ValueError("is an empty object")
        return value


class Links(BaseModel):
    self: str
    events: str
    downloads: dict[str, str] = Field(default_factory=dict)


class JobAccepted(BaseModel):
    job_id: str
    status: str
    pipeline: PipelineRef
    links: Links


JobState = Literal["queued", "running", "succeeded", "failed", "erased"]


class JobView(BaseModel):
    job_id: str
    status: JobState
    progress: dict[str, dict[str, Any]]
    result: dict[str, Any] | None = None
    error: str | None = None
    attempts: int
    created_at: float
    updated_at: float
    finished_at: float | None = None
    erased_at: float | None = None
    pipeline: PipelineRef
    links: Links


class JobSummary(BaseModel):
    """A job without its content, for operators."""

    job_id: str
    status: JobState
    client: str
    attempts: int
    error: str | None = None
    created_at: float
    finished_at: float | None = None
    pipeline: PipelineRef


class JobList(BaseModel):
    counts: dict[str, int] = Field(description="Jobs in the store by state.")
    jobs: list[JobSummary]


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    job_id: str = Field(max_length=64)
    rating: Literal["up", "down"]
    reason: ReasonCode
    comment: str | None = Field(default=None, max_length=1000)


class FeedbackView(BaseModel):
    id: int
    job_id: str
    rating: str
    reason: str
    pipeline: PipelineRef


class VerdictView(BaseModel):
    id: int
    passed: bool
    at: float
    baseline_hash: str
    dataset_hash: str
    policy_hash: str
    code_hash: str
    blocking_reasons: list[str] = Field(default_factory=list)


class AliasView(BaseModel):
    """Where an alias points, who moved it there and why, and the gate verdict behind the move."""

    alias: str
    served: bool = Field(description="True when this API serves this alias.")
    target: PipelineRef = Field(description="What the alias points to in the state store.")
    pipeline: PipelineRef = Field(description="What runs: the target, or it moved to the API's model.")
    kind: str
    who: str
    why: str
    at: float
    forced: bool
    verdict: VerdictView | None = None


class PromoteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ref: str = Field(min_length=1, max_length=200, description="Pipeline label, hash or alias to promote.")
    to: str = "production"
    dataset: str = Field(default="golden:core", description="The dataset the passing verdict must be on.")
    force: bool = False
    reason: str | None = Field(default=None, max_length=500)


class RollbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    alias: str = "production"
    reason: str | None = Field(default=None, max_length=500)


class Check(BaseModel):
    ok: bool
    detail: str


class Readiness(BaseModel):
    ready: bool
    checks: dict[str, Check]
    pipeline: PipelineRef | None = None


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    pipeline: PipelineRef | None = None


class ErrorDetail(BaseModel):
    type: str
    message: str
    fields: list[dict[str, str]] | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail
    request_id: str | None = None
    pipeline: PipelineRef | None = None


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (401, 403, 404, 409, 413, 422, 429, 500, 502)
}
