"""What a worker needs to run a case of someone else's evaluation: the run's spec, stored with the
run in the state store, and the plan a worker rebuilds from it (checked against its own code)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from app.errors import RegistryError
from app.registry import Pipeline
from app.settings import TailorSettings
from evals.runner import EvalPlan, Solver, make_solver


class RunSpec(BaseModel):
    """The plan of a distributed run, minus its cases (each case's inputs are stored with it)."""

    pipeline: dict[str, Any]  # Pipeline.snapshot()
    scorers: list[str]
    solver: str = "tailoring"
    use_cache: bool = True
    judge: dict[str, Any] | None = None  # JudgeConfig, when model scorers run
    code_hash: str

    @classmethod
    def from_plan(cls, plan: EvalPlan) -> RunSpec:
        config = plan.scorer_kwargs.get("config")
        judge = config.model_dump(mode="json") if isinstance(config, BaseModel) else None
        return cls(
            pipeline=plan.pipeline.snapshot(),
            scorers=list(plan.scorers),
            solver=plan.solver_name,
            use_cache=plan.use_cache,
            judge=judge,
            code_hash=plan.code,
        )


@dataclass
class WorkerPlan:
    """A run's plan as one worker process holds it."""

    pipeline: Pipeline
    scorers: list[str]
    scorer_kwargs: dict[str, Any]
    solver: Solver
    use_cache: bool


def worker_plan(spec: RunSpec, settings: TailorSettings, code: str) -> WorkerPlan:
    """Rebuild the plan; RegistryError when this worker cannot run it as the submitter would (other
    code, or prompts that differ from the ones the pipeline pinned)."""
    from app.pipeline import check_pipeline_contract

    if spec.code_hash != code:
        raise RegistryError(
            f"this worker runs other code ({code[:12]}) than the submitter ({spec.code_hash[:12]}): "
            "deploy the same commit to every worker"
        )
    pipeline = Pipeline.model_validate(spec.pipeline)
    check_pipeline_contract(pipeline, settings.registry / "prompts")
    scorer_kwargs: dict[str, Any] = {}
    if spec.judge is not None:
        from app.registry import open_registry
        from evals.judge import JudgeConfig

        scorer_kwargs = {"config": JudgeConfig.model_validate(spec.judge), "registry": open_registry()}
    return WorkerPlan(
        pipeline=pipeline,
        scorers=spec.scorers,
        scorer_kwargs=scorer_kwargs,
        solver=make_solver(spec.solver, pipeline, settings),
        use_cache=spec.use_cache,
    )
