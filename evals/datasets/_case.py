"""A golden case: a resume, a job description, and the ground truth a faithful output must respect."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.hashing import sha256_json


class Facts(BaseModel):
    """What the source resume states, written as the resume writes it."""

    model_config = ConfigDict(extra="forbid")

    employers: list[str] = Field(default_factory=list)
    titles: list[str] = Field(default_factory=list)
    date_ranges: list[str] = Field(default_factory=list)  # "Jan 2020 - Present", "2015-06 - 2020-01"
    degrees: list[str] = Field(default_factory=list)
    schools: list[str] = Field(default_factory=list)
    certifications: list[str] = Field(default_factory=list)
    metrics: list[str] = Field(default_factory=list)  # "40%", "$1.2M", "12 engineers"
    skills: list[str] = Field(default_factory=list)  # skills the resume evidences


class Requirements(BaseModel):
    model_config = ConfigDict(extra="forbid")

    must_have: list[str] = Field(default_factory=list)
    nice_to_have: list[str] = Field(default_factory=list)

    def all(self) -> list[str]:
        return [*self.must_have, *self.nice_to_have]


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    resume: dict[str, Any] | str
    job_description: str
    tags: list[str] = Field(default_factory=list)
    reference: dict[str, Any] | str | None = None  # a faithful tailored resume
    facts: Facts = Field(default_factory=Facts)
    jd_requirements: Requirements = Field(default_factory=Requirements)
    evidenced_requirements: list[str] = Field(default_factory=list)
    unevidenced_requirements: list[str] = Field(default_factory=list)  # traps: never claim these

    @field_validator("job_description")
    @classmethod
    def _jd_not_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("job_description is empty")
        return value

    def content_hash(self) -> str:
        return sha256_json(self.model_dump(mode="json"))

    def input_hash(self) -> str:
        """Hash of what the pipeline sees (resume + JD): logged instead of the raw text."""
        return sha256_json({"resume": self.resume, "job_description": self.job_description})
