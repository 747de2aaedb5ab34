"""What the runner runs per case (a solver), and how its result is recorded without contact details."""

from __future__ import annotations

import copy
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from app.hashing import sha256_json
from app.models import ModelClient
from app.pipeline import Tracer, tailor
from app.registry import Pipeline
from app.resume import ContactVault, load_resume_source, render_markdown, validate_resume
from app.settings import TailorSettings
from evals.datasets import Case
from evals.runner._records import CaseRecord
from evals.scorers import Score


@dataclass
class Solved:
    source: dict[str, Any]
    tailored_resume: dict[str, Any]
    markdown: str
    suggestions: list[dict[str, Any]]
    usage: dict[str, Any]
    latency_ms: float
    changes: list[dict[str, Any]] = field(default_factory=list)


def source_resume(case: Case) -> dict[str, Any]:
    """The case's resume as a valid JSON Resume (text resumes go through the deterministic parser)."""
    if isinstance(case.resume, dict):
        return validate_resume(copy.deepcopy(case.resume))
    return load_resume_source(case.resume)


def tailoring_solver(
    pipeline: Pipeline, settings: TailorSettings, tracer: Tracer | None = None
) -> Callable[[Case, ModelClient], Awaitable[Solved]]:
    prompts_root = settings.registry / "prompts"

    async def solve(case: Case, client: ModelClient) -> Solved:
        source = source_resume(case)
        result = await tailor(
            source, case.job_description, pipeline, client=client, prompts_root=prompts_root, tracer=tracer
        )
        return Solved(
            source=source,
            tailored_resume=result.tailored_resume,
            markdown=result.markdown,
            suggestions=[s.model_dump() for s in result.suggestions],
            usage=result.usage,
            latency_ms=result.latency_ms,
            changes=[
                c.model_dump(include={"path", "original", "final", "status", "reasons", "terms"})
                for c in result.changes
            ],
        )

    return solve


def one_call_solver(
    pipeline: Pipeline, settings: TailorSettings, tracer: Tracer | None = None
) -> Callable[[Case, ModelClient], Awaitable[Solved]]:
    """One model call per case (the job description, to the pipeline's first agent's model), the
    resume passed through: a probe of a deployment's throughput (bench/eval_throughput.py), not an
    evaluation of tailoring."""
    from app.models import ChatParams, ChatRequest

    model = next(iter(pipeline.agents.values())).model

    async def solve(case: Case, client: ModelClient) -> Solved:
        started = time.perf_counter()
        request = ChatRequest(
            model=model,
            messages=({"role": "user", "content": case.job_description},),
            params=ChatParams(max_tokens=16),
        )
        completion = await client.acomplete(request, agent="one-call")
        source = source_resume(case)
        return Solved(
            source=source,
            tailored_resume=source,
            markdown=completion.text,
            suggestions=[],
            usage=client.meter.summary(),
            latency_ms=(time.perf_counter() - started) * 1000,
        )

    return solve


SolverFactory = Callable[[Pipeline, TailorSettings], Callable[[Case, ModelClient], Awaitable[Solved]]]
SOLVERS: dict[str, SolverFactory] = {"tailoring": tailoring_solver, "one-call": one_call_solver}


def make_solver(name: str, pipeline: Pipeline, settings: TailorSettings) -> Callable[[Case, ModelClient], Awaitable[Solved]]:
    """The solver called `name` (SOLVERS), built for this pipeline."""
    factory = SOLVERS.get(name)
    if factory is None:
        from app.errors import InputError

        raise InputError(f"unknown solver {name!r}: one of {', '.join(SOLVERS)}")
    return factory(pipeline, settings)


def _pseudonymise_value(value: Any, vault: ContactVault) -> Any:
    if isinstance(value, str):
        return vault.pseudonymise(value)
    if isinstance(value, list):
        return [_pseudonymise_value(v, vault) for v in value]
    if isinstance(value, dict):
        return {k: _pseudonymise_value(v, vault) for k, v in value.items()}
    return value


def privacy_safe_record(case: Case, solved: Solved, scores: dict[str, Score]) -> CaseRecord:
    """Everything the report and MLflow need, with every contact detail replaced by its token."""
    vault = ContactVault.from_resume(solved.source, extra_texts=[case.job_description])
    safe = lambda value: _pseudonymise_value(value, vault)  # noqa: E731
    return CaseRecord(
        case_id=case.id,
        status="ok",
        tags=case.tags,
        input_hash=case.input_hash(),
        output_hash=sha256_json(solved.tailored_resume),
        source=safe(solved.source),
        source_markdown=safe(render_markdown(solved.source)),
        output={
            "tailored_resume": safe(solved.tailored_resume),
            "markdown": safe(solved.markdown),
            "suggestions": safe(solved.suggestions),
        },
        scores={name: safe(score.as_dict()) for name, score in scores.items()},
        usage=solved.usage,
        latency_ms=solved.latency_ms,
        changes=safe(solved.changes),
        finished_at=time.time(),
    )
