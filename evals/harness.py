"""The harness as a service: `evaluate` (tailor eval, and the gate) and `score_files` (tailor score).

Nothing here prints: the CLI parses arguments and prints (app/cli/_eval_view.py); the work
(resolving the pipeline and dataset, choosing scorers and judge, running, reporting, tracking,
the run index) happens here, where tests, the gate and (later) the server call it too.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.settings import get_settings
from evals.scorers import default_scorers, judge_model_extras, needs_judge_model, resolve_names

if TYPE_CHECKING:
    from collections.abc import Callable

    from app.registry import Pipeline
    from evals.datasets import Dataset
    from evals.runner import CaseRecord, EvalPlan, RunSummary
    from evals.scorers import Sample

    Progress = Callable[[CaseRecord], None]

# Derived from the scorer catalogue (docs/scorers.md); `_scorer_names` reads the catalogue itself.
FULL_SCORERS = default_scorers(optional=True, judge=True)  # what `tailor eval` runs by default
RAGAS_LLM = judge_model_extras()  # added when --judge-model is given


@dataclass
class EvalRequest:
    pipeline: str = "production"
    dataset: str = "golden:smoke"
    concurrency: int = 4
    judge_model: str | None = None
    scorers: list[str] | None = None
    model: str | None = None
    use_cache: bool = True
    track: bool = True
    judge_n: int = 1
    out: Path | None = None
    backend: str = "local"  # or "celery": cases run on workers (evals.distributed)
    solver: str = "tailoring"  # or "one-call": one model call per case, a throughput probe


BACKENDS = ("local", "celery")


def _scorer_names(request: EvalRequest) -> list[str]:
    """The named scorers, else every default scorer, plus the judge-model extras with --judge-model."""
    if request.scorers:
        return resolve_names(request.scorers)
    extras = judge_model_extras() if request.judge_model else ()
    return resolve_names([*default_scorers(optional=True, judge=True), *extras])


@dataclass
class EvalOutcome:
    """What an evaluation left behind: its summary, results folder, run-index key and MLflow run."""

    summary: RunSummary
    folder: Path
    run_key: str
    pipeline: Pipeline
    dataset: Dataset
    finished: bool  # every case of the dataset has an ok record
    mlflow_run_id: str | None = None
    reused: bool = False  # found finished in the run index: nothing was run


def plan_evaluation(request: EvalRequest) -> EvalPlan:
    """Resolve the pipeline, dataset, scorers and judge into a plan (no model call, nothing written)."""
    from app.hashing import code_hash
    from app.models import validate_model
    from app.registry import open_registry
    from app.services import resolve_pipeline
    from evals.datasets import open_dataset
    from evals.runner import SOLVERS, EvalPlan, JudgeInfo

    settings = get_settings()
    registry = open_registry()
    pipeline = resolve_pipeline(request.pipeline, request.model, registry)
    dataset = open_dataset(request.dataset, settings.datasets)
    names = _scorer_names(request)
    scorer_kwargs: dict[str, Any] = {}
    judge_info: JudgeInfo | None = None
    if needs_judge_model(names):
        from evals.judge import CalibrationStore, JudgeConfig, judge_run_info

        judge_model = request.judge_model or settings.judge_model
        validate_model(judge_model)
        config = JudgeConfig(model=judge_model, n=request.judge_n)
        scorer_kwargs = {"config": config, "registry": registry}  # the runner gives each case a judge client
        judge_info = JudgeInfo.model_validate(judge_run_info(config, registry, settings.state))
        latest = CalibrationStore(settings.state).latest(judge_info.version or "")
        if latest is not None:  # calibrated is not the same as trustworthy: carry the agreement too
            judge_info.kappa = {r.rubric: r.kappa for r in latest.rubrics}
    if request.solver not in SOLVERS:
        from app.errors import InputError

        raise InputError(f"unknown solver {request.solver!r}: one of {', '.join(SOLVERS)}")
    return EvalPlan(
        pipeline=pipeline,
        solver_name=request.solver,
        dataset=dataset,
        scorers=names,
        concurrency=request.concurrency,
        use_cache=request.use_cache and settings.cache_enabled,  # TAILOR_CACHE_ENABLED=false: off
        out_dir=request.out,
        judge=judge_info,
        scorer_kwargs=scorer_kwargs,
        code=code_hash(settings.code_root),
    )


def cases_done(plan: EvalPlan, settings: Any) -> int:
    """Cases of the plan already recorded: in its results folder, or (a distributed run) in the store."""
    from app.state import open_state
    from evals.runner import CASES_FILE, read_records

    in_folder = sum(1 for r in read_records(plan.run_dir(settings) / CASES_FILE) if r.status == "ok")
    run_key = plan.config_hash()
    store = open_state(settings.state)
    entry = store.get_run(run_key)
    if entry is None or entry.backend != "celery":
        return in_folder
    return max(in_folder, store.run_counts(run_key).ok)


async def evaluate(
    request: EvalRequest,
    *,
    plan: EvalPlan | None = None,
    only: set[str] | None = None,
    on_case: Progress | None = None,
) -> EvalOutcome:
    """Run (or resume) an evaluation, write its report, log it to MLflow; prints nothing.

    `only` limits this call to some case ids (a sequential gate runs batches); the folder, run key
    and run-index entry stay those of the whole dataset, which is `finished` once every case is in.
    """
    from evals.report import write_report
    from evals.runner import read_summary, run_eval

    settings = get_settings()
    if request.backend not in BACKENDS:
        from app.errors import InputError

        raise InputError(f"unknown backend {request.backend!r}: one of {', '.join(BACKENDS)}")
    plan = plan or plan_evaluation(request)
    plan.only = only
    tracer = None
    if request.backend == "celery":  # workers run the cases; their traces are not collected here
        from evals.distributed import run_eval_distributed

        folder = Path(await run_eval_distributed(plan, settings, progress=on_case))
    else:
        if request.track:
            from evals.tracking import MlflowTracer

            tracer = MlflowTracer.for_pipeline(plan.pipeline, tracking_uri=settings.tracking)
            if plan.solver_name == "tailoring":
                plan.solver = _traced_solver(plan, settings, tracer)
        folder = Path(await run_eval(plan, settings, progress=on_case))
    write_report(folder)
    run_id = None
    if request.track:
        run_id = _track(plan, folder, tracer)
    summary = read_summary(folder)
    outcome = EvalOutcome(
        summary=summary,
        folder=folder,
        run_key=plan.config_hash(),
        pipeline=plan.pipeline,
        dataset=plan.dataset,
        finished=summary.cases.ok == len(plan.dataset.cases),
        mlflow_run_id=run_id,
    )
    if run_id is not None:
        from app.state import open_state

        open_state(settings.state).update_run(outcome.run_key, mlflow_run_id=run_id)
    return outcome


def run_evaluation(request: EvalRequest, *, on_case: Progress | None = None) -> EvalOutcome:
    """`evaluate` for synchronous callers (the CLI)."""
    return asyncio.run(evaluate(request, on_case=on_case))


def _track(plan: EvalPlan, folder: Path, tracer: Any | None) -> str:
    from app.registry import open_registry
    from evals.tracking import log_eval_run, mirror_prompts

    settings = get_settings()
    registry = open_registry()
    if tracer is not None:
        tracer.flush()
    run_id = log_eval_run(
        folder,
        tracking_uri=settings.tracking,
        pipeline=plan.pipeline,
        registry=registry,
        trace_ids=tracer.trace_ids if tracer is not None else (),
    )
    aliases = {a.alias: a.pipeline_hash for a in registry.aliases() if a.pipeline_hash == plan.pipeline.hash}
    mirror_prompts(plan.pipeline, registry, tracking_uri=settings.tracking, aliases=aliases)
    return str(run_id)


def _traced_solver(plan: Any, settings: Any, tracer: Any) -> Any:
    from evals.runner import tailoring_solver

    inner = tailoring_solver(plan.pipeline, settings, tracer)

    async def solve(case: Any, client: Any) -> Any:
        with tracer.case_span(case.id, case.input_hash()):
            return await inner(case, client)

    return solve


# -- tailor score --------------------------------------------------------------------------------
def _load_output(path: Path, source_text: str) -> dict[str, Any]:
    """The output as JSON Resume. A text output's acronym glosses are first written as the source
    writes them, so "Associate in Occupational Studies (A.O.S.), Culinary Arts" parses like the
    source's "A.O.S. Culinary Arts"."""
    import json

    from app.grounding import spell_like_source
    from app.resume import load_resume_source, read_text_file, validate_resume

    raw = read_text_file(path, what="output", max_bytes=get_settings().max_resume_bytes)
    if raw.lstrip().startswith("{"):
        data = json.loads(raw)
        if isinstance(data, dict) and "tailored_resume" in data:
            return validate_resume(data["tailored_resume"])
        return load_resume_source(raw)
    return load_resume_source(spell_like_source(raw, source_text))


def sample_from_files(resume: Path, jd: Path, output: Path, case_path: Path | None = None) -> Sample:
    """A Sample from user files; ground truth from `case_path`, else derived from resume and JD."""
    from app.errors import InputError
    from app.resume import resume_text
    from app.services import read_inputs
    from evals.datasets import Case, derive_case
    from evals.scorers import Sample

    inputs = read_inputs(resume, jd)
    tailored = _load_output(output, resume_text(inputs.resume))
    if case_path is not None:
        try:
            case = Case.model_validate_json(case_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(
                f"--case {case_path}: not a valid case ({str(exc).splitlines()[0][:120]})"
            ) from exc
        case = case.model_copy(update={"resume": inputs.resume, "job_description": inputs.jd_text})
    else:
        case = derive_case(inputs.resume, inputs.jd_text)
    return Sample(case=case, source=inputs.resume, output=tailored)


def score_files(
    resume: Path, jd: Path, output: Path, case_path: Path | None, names: list[str] | None
) -> dict[str, Any]:
    """Score one tailored resume; ground truth from `case_path`, else derived from resume and JD."""
    from evals.scorers import DEFAULT_SCORERS, resolve_names, score_sample

    sample = sample_from_files(resume, jd, output, case_path)
    case = sample.case
    chosen = resolve_names(names or [n for n in DEFAULT_SCORERS if n != "usage"])
    scores = asyncio.run(score_sample(sample, chosen))
    return {
        "case": case.id,
        "ground_truth": "case file" if case_path else "derived from resume and JD",
        "passed": all(s.passed is not False for s in scores.values()),
        "scores": {name: s.as_dict() for name, s in scores.items()},
    }
