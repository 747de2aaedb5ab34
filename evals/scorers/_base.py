"""The scoring vocabulary: a Sample to score, the Score it gets, and the `@scorer` registry.

A scorer is a pure function of (sample) -> Score: same sample, same score, no I/O. Scorers that
need a model (judge, Ragas LLM metrics) are async and get their model client explicitly.
A metric that cannot be computed returns `Score.missing(...)` with its reason: never a silent
zero, never dropped.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from app.resume import resume_text
from evals.datasets import Case


@dataclass(frozen=True)
class Offense:
    """One offending item: `span` is the exact text in the output (or source, for lost content)."""

    kind: str
    span: str
    detail: str = ""
    path: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "span": self.span, "detail": self.detail, "path": self.path}


@dataclass(frozen=True)
class Score:
    name: str
    value: float | None  # in [0, 1]; None when missing
    passed: bool | None = None  # None where a pass/fail does not apply
    explanation: str = ""
    offenses: tuple[Offense, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)
    missing_reason: str | None = None

    def __post_init__(self) -> None:
        if self.value is not None and (math.isnan(self.value) or not 0.0 <= self.value <= 1.0):
            raise ValueError(f"score {self.name} out of [0, 1]: {self.value}")

    @classmethod
    def missing(cls, name: str, reason: str) -> Score:
        return cls(
            name=name, value=None, passed=None, explanation=f"missing: {reason}", missing_reason=reason
        )

    @property
    def is_missing(self) -> bool:
        return self.value is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "passed": self.passed,
            "explanation": self.explanation,
            "offenses": [o.as_dict() for o in self.offenses],
            "details": self.details,
            "missing_reason": self.missing_reason,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Score:
        return cls(
            name=data["name"],
            value=data.get("value"),
            passed=data.get("passed"),
            explanation=data.get("explanation", ""),
            offenses=tuple(Offense(**o) for o in data.get("offenses", [])),
            details=data.get("details") or {},
            missing_reason=data.get("missing_reason"),
        )


@dataclass
class Sample:
    """What a scorer sees: the case (source resume as JSON Resume, JD, ground truth) and the output."""

    case: Case
    source: dict[str, Any]  # the source resume as a valid JSON Resume
    output: dict[str, Any]  # the tailored JSON Resume
    suggestions: list[dict[str, Any]] = field(default_factory=list)
    markdown: str = ""
    usage: dict[str, Any] = field(default_factory=dict)
    latency_ms: float | None = None

    @cached_property
    def source_text(self) -> str:
        """The source's text: the JSON Resume's strings, plus the raw text for a text resume."""
        raw = self.case.resume if isinstance(self.case.resume, str) else ""
        return resume_text(self.source) + ("\n" + raw if raw else "")

    @cached_property
    def grounding_text(self) -> str:
        """The source minus lines written to steer an AI: an injected claim grounds nothing."""
        from app.grounding import strip_injections

        return strip_injections(self.source_text)

    @cached_property
    def output_text(self) -> str:
        return resume_text(self.output)


ScorerKind = Literal["deterministic", "ragas", "judge", "usage"]
SyncScorer = Callable[[Sample], Score | list[Score]]
AsyncScorer = Callable[..., Awaitable[Score | list[Score]]]


@dataclass(frozen=True)
class ScorerInfo:
    """A catalogue entry: what the `@scorer` decorator declared about one scorer."""

    name: str
    kind: ScorerKind
    fn: Callable[..., Any]
    needs_judge_model: bool  # gets the judge's `config` and a model client
    description: str
    default: bool = False  # runs when no scorers are named (with `requires` met and a judge model, if needed)
    fact_check: bool = False  # a fact scorer: measured on the labelled fabrications
    requires: tuple[str, ...] = ()  # packages imported on first use; missing ones make it unavailable


SCORERS: dict[str, ScorerInfo] = {}


def scorer(
    name: str,
    kind: ScorerKind = "deterministic",
    *,
    default: bool = False,
    fact_check: bool = False,
    needs_judge_model: bool = False,
    requires: tuple[str, ...] = (),
) -> Callable[[Any], Any]:
    """Register a scorer function under `name` in the catalogue (inspect_ai style, as a decorator).

    Everything a list of scorers is chosen by is declared here; evals/scorers/_catalogue.py derives
    the lists (the defaults, the gate's, the fact scorers) from these declarations.
    """

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        doc = (fn.__doc__ or "").strip().splitlines()
        SCORERS[name] = ScorerInfo(
            name,
            kind,
            fn,
            needs_judge_model,
            doc[0] if doc else "",
            default=default,
            fact_check=fact_check,
            requires=tuple(requires),
        )
        return fn

    return register


def ratio(good: int, total: int) -> float:
    return 1.0 if total == 0 else max(0.0, min(1.0, good / total))
