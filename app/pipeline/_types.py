"""The pipeline's state and result."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class LineChange(BaseModel):
    """One rewritable line: what the writer proposed and what the fact-checker decided.

    `original` and `final` are real text; `proposed` is the model's (pseudonymised) output.
    """

    path: str  # e.g. work[0].highlights[2] or basics.summary
    original: str
    terms: list[str] = Field(default_factory=list)  # requirements this line evidences
    proposed: str | None = None
    final: str = ""
    status: Literal["unchanged", "accepted", "reverted"] = "unchanged"
    reasons: list[str] = Field(default_factory=list)


class Suggestion(BaseModel):
    """Advice beside the resume: a requirement to evidence, or a line to reconsider (`line`)."""

    requirement: str  # the requirement; for a line's warning, the line shortened
    importance: Literal["must_have", "nice_to_have"] | None  # None for a line's warning
    status: Literal["needs evidence", "evidenced only in skills", "addressed to AI screeners"]
    note: str
    line: str | None = None  # the resume's line a warning is about, as written


class RequirementView(BaseModel):
    name: str
    importance: Literal["must_have", "nice_to_have"]
    evidenced: bool
    where: list[str] = Field(default_factory=list)


class TailorState(BaseModel):
    """The CrewAI Flow's state: filled in step by step."""

    requirements: list[RequirementView] = Field(default_factory=list)
    changes: list[LineChange] = Field(default_factory=list)
    tailored: dict[str, Any] = Field(default_factory=dict)
    suggestions: list[Suggestion] = Field(default_factory=list)
    steps_ms: dict[str, float] = Field(default_factory=dict)


class TailorResult(BaseModel):
    tailored_resume: dict[str, Any]
    markdown: str
    suggestions: list[Suggestion]
    pipeline: dict[str, str]  # label, hash
    usage: dict[str, Any]
    latency_ms: float
    requirements: list[RequirementView]
    changes: list[LineChange]
    steps_ms: dict[str, float] = Field(default_factory=dict)
