"""Each agent's options, typed: what a manifest may set under `agents.<agent>.options`.

The manifest keeps its options as written (the pipeline hash is over that raw mapping, so adding a
default here never changes a hash); they are validated here, once, when a pipeline is checked or a
run starts. An unknown or misspelt option, or a value of the wrong kind, is refused in one line
naming the pipeline, the agent and the option. Every default below is the value the agent used
when the option was absent before options were typed.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from app.errors import RegistryError
from app.pipeline._guard import ALL_CHECKS
from app.registry import Pipeline


class AgentOptions(BaseModel):
    """Base of every agent's options: nothing beyond the declared fields is accepted."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class JdAnalystOptions(AgentOptions):
    max_proposals: int = Field(default=8, ge=0, description="model-proposed skills considered, at most")
    max_requirements: int | None = Field(
        default=None, ge=0, description="keep only the first N requirements (the lossy-analyst regression)"
    )


# "lexical": a line evidences a requirement when it states it (word forms, aliases, abbreviations);
# "grounded": also when it names something specific that is a kind of it (the is-a taxonomy:
# GitHub Actions evidences CI/CD), through the one grounding service the scorers use.
EvidenceMethod = Literal["lexical", "grounded"]
# The fact-checker's reading of a rewrite's new skills and words: "lexical" (in the original line,
# or a term the resume evidences) or "is_a" (also a category the original names a kind of: "CAD"
# for a line that says SolidWorks, "CI/CD" for one that says Jenkins).
GuardGrounding = Literal["lexical", "is_a"]


class EvidenceMapperOptions(AgentOptions):
    method: EvidenceMethod = Field(default="lexical", description="how requirements are matched to lines")


class WriterOptions(AgentOptions):
    scope: Literal["line", "section"] = Field(default="line", description="one call per bullet, or per entry")
    only_evidencing: bool = Field(default=True, description="rewrite only lines that evidence a requirement")
    max_lines: int = Field(default=12, ge=0, description="lines rewritten per resume, at most")
    parallel_calls: int = Field(default=4, ge=1, description="writer calls in flight at once (scope: line)")
    reorder_bullets: bool = Field(default=True, description="assemble: bullets evidencing the JD first")
    reorder_skills: bool = Field(default=True, description="assemble: skills the JD asks for first")


class SummaryWriterOptions(AgentOptions):
    max_terms: int = Field(default=5, ge=0, description="evidenced requirements handed to the summary")


class FactCheckerOptions(AgentOptions):
    checks: tuple[str, ...] = Field(default=ALL_CHECKS, description="deterministic checks run, in order")
    llm_veto: bool = Field(default=False, description="also ask the agent's model; its yes can only revert")
    length_bounds: tuple[float, float] = Field(
        default=(0.5, 1.6), description="rewrite length / original length must fall in [low, high]"
    )
    max_novelty: float = Field(default=0.4, ge=0, le=1, description="share of new content words allowed")
    grounding: GuardGrounding = Field(
        default="lexical", description="lexical, or is_a: a category the original names a kind of is grounded"
    )

    @field_validator("checks")
    @classmethod
    def _known_checks(cls, checks: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [check for check in checks if check not in ALL_CHECKS]
        if unknown:
            raise PydanticCustomError(
                "unknown_check",
                "unknown fact_checker check {check} (checks: {known})",
                {"check": repr(unknown[0]), "known": ", ".join(ALL_CHECKS)},
            )
        return checks

    @field_validator("length_bounds")
    @classmethod
    def _ordered_bounds(cls, bounds: tuple[float, float]) -> tuple[float, float]:
        low, high = bounds
        if not 0 <= low <= high:
            raise PydanticCustomError("length_bounds", "must be [low, high] with 0 <= low <= high")
        return bounds


class PipelineOptions(BaseModel):
    """Every agent's options for one pipeline; an agent the manifest leaves out gets the defaults."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    jd_analyst: JdAnalystOptions = JdAnalystOptions()
    evidence_mapper: EvidenceMapperOptions = EvidenceMapperOptions()
    writer: WriterOptions = WriterOptions()
    summary_writer: SummaryWriterOptions = SummaryWriterOptions()
    fact_checker: FactCheckerOptions = FactCheckerOptions()


AGENT_OPTIONS: dict[str, type[AgentOptions]] = {
    "jd_analyst": JdAnalystOptions,
    "evidence_mapper": EvidenceMapperOptions,
    "writer": WriterOptions,
    "summary_writer": SummaryWriterOptions,
    "fact_checker": FactCheckerOptions,
}


def agent_options(pipeline_label: str, agent: str, raw: dict[str, Any]) -> AgentOptions:
    """One agent's options as written in a manifest, validated; RegistryError in one line if not."""
    model = AGENT_OPTIONS.get(agent)
    if model is None:
        raise RegistryError(
            f"pipeline {pipeline_label}: unknown agent {agent!r} (agents: {', '.join(AGENT_OPTIONS)})"
        )
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise RegistryError(_one_line(pipeline_label, agent, model, exc)) from exc


def pipeline_options(pipeline: Pipeline) -> PipelineOptions:
    """Every agent's options of `pipeline`, validated (the first problem raises)."""
    by_agent = {
        agent: agent_options(pipeline.label, agent, spec.options) for agent, spec in pipeline.agents.items()
    }
    return PipelineOptions.model_validate(by_agent)


def _one_line(pipeline_label: str, agent: str, model: type[AgentOptions], exc: ValidationError) -> str:
    error = exc.errors()[0]
    prefix = f"pipeline {pipeline_label}: agent {agent!r}"
    option = str(error["loc"][0]) if error["loc"] else ""
    if error["type"] == "extra_forbidden":
        return f"{prefix} has no option {option!r} (options: {', '.join(sorted(model.model_fields))})"
    where = f" option {option!r}" if option else ""
    value = error["input"]
    got = f" (got {value!r})" if value is None or isinstance(value, str | int | float) else ""
    return f"{prefix}{where}: {error['msg']}{got}"
