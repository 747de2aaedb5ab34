"""The harness as a service: `run_evaluation` (tailor eval) and `score_files` (tailor score).

The CLI parses arguments and prints; the work (resolving the pipeline and dataset, choosing
scorers and judge, running, reporting, tracking) happens here, where tests and CI call it too.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.settings import get_settings
from evals.scorers import DEFAULT_SCORERS

FULL_SCORERS = (*DEFAULT_SCORERS, "semantic_similarity", "judge")  # what `tailor eval` runs by default
RAGAS_LLM = ("ragas_faithfulness", "ragas_relevancy")


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
    show_progress: bool = True


def _scorer_names(request: EvalRequest) -> list[str]:
    from evals.scorers import resolve_names

    if request.scorers:
        return resolve_names(request.scorers)
    names = list(FULL_SCORERS) + (list(RAGAS_LLM) if request.judge_model else [])
    return resolve_names(names)


def run_evaluation(request: EvalRequest) -> tuple[dict[str, Any], Path]:
    from app.hashing import code_hash
    from app.models import validate_model
    from app.registry import open_registry
    from app.services.tailoring import resolve_pipeline
    from evals.datasets import open_dataset
    from evals.runner import EvalPlan, read_json, run_eval

    settings = get_settings()
    registry = open_registry()
    pipeline = resolve_pipeline(request.pipeline, request.model, registry)
    dataset = open_dataset(request.dataset, settings.datasets)
    names = _scorer_names(request)
    scorer_kwargs: dict[str, Any] = {}
    judge_info = None
    if any(n in ("judge", *RAGAS_LLM) for n in names):
        from evals.judge import CalibrationStore, JudgeConfig, judge_run_info

        judge_model = request.judge_model or settings.judge_model
        validate_model(judge_model)
        config = JudgeConfig(model=judge_model, n=request.judge_n)
        scorer_kwargs = {"config": config, "registry": registry}  # the runner gives each case a judge client
        judge_info = judge_run_info(config, registry, settings.state)
        latest = CalibrationStore(settings.state).latest(judge_info["version"])
        if latest is not None:  # calibrated is not the same as trustworthy: carry the agreement too
            judge_info["kappa"] = {r.rubric: r.kappa for r in latest.rubrics}
    plan = EvalPlan(
        pipeline=pipeline,
        dataset=dataset,
        scorers=names,
        concurrency=request.concurrency,
        use_cache=request.use_cache,
        out_dir=request.out,
        judge=judge_info,
        scorer_kwargs=scorer_kwargs,
        code=code_hash(settings.home),
    )
    tracer = None
    if request.track:
        from evals.tracking import MlflowTracer

        tracer = MlflowTracer.for_pipeline(pipeline, tracking_uri=settings.tracking)
        plan.solver = _traced_solver(plan, settings, tracer)
    folder = _run_with_progress(plan, settings, request.show_progress, run_eval)
    from evals.report import write_report

    write_report(folder)
    if tracer is not None:
        from evals.tracking import log_eval_run, mirror_prompts

        tracer.flush()
        log_eval_run(
            folder,
            tracking_uri=settings.tracking,
            pipeline=pipeline,
            registry=registry,
            trace_ids=tracer.trace_ids,
        )
        aliases = {a.alias: a.pipeline_hash for a in registry.aliases() if a.pipeline_hash == pipeline.hash}
        mirror_prompts(pipeline, registry, tracking_uri=settings.tracking, aliases=aliases)
    summary = read_json(folder / "summary.json")
    if request.show_progress:
        print_summary(summary, folder)
    return summary, folder


def _traced_solver(plan: Any, settings: Any, tracer: Any) -> Any:
    from evals.runner import tailoring_solver

    inner = tailoring_solver(plan.pipeline, settings, tracer)

    async def solve(case: Any, client: Any) -> Any:
        with tracer.case_span(case.id, case.input_hash()):
            return await inner(case, client)

    return solve


def _run_with_progress(plan: Any, settings: Any, show: bool, run_eval: Any) -> Path:
    if not show:
        return Path(asyncio.run(run_eval(plan, settings)))
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[last]}"),
        transient=False,
    ) as progress:
        total = len(plan.dataset.cases)
        task = progress.add_task(f"{plan.pipeline.label} on {plan.dataset.ref}", total=total, last="")
        from evals.runner import read_records

        finished = read_records(plan.run_dir(settings) / "cases.jsonl")  # read only: the runner writes
        done = sum(1 for r in finished if r.status == "ok")
        progress.update(task, completed=done, last=f"{done} already done" if done else "")

        def advance(record: Any) -> None:
            mark = "ok" if record.status == "ok" else f"error: {record.error}"
            progress.update(task, advance=1, last=f"{record.case_id} {mark}"[:60])

        return Path(asyncio.run(run_eval(plan, settings, progress=advance)))


def print_summary(summary: dict[str, Any], folder: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    run = summary.get("run", {})
    table = Table(
        title=f"{run.get('pipeline', {}).get('label')} on {run.get('dataset', {}).get('name')}:"
        f"{run.get('dataset', {}).get('split') or 'all'}",
        title_justify="left",
    )
    for col in ("metric", "mean", "pass rate", "n", "missing"):
        table.add_column(col, justify="right" if col != "metric" else "left")
    fmt = lambda v: "–" if v is None else f"{v:.3f}"  # noqa: E731
    judge = run.get("judge") or {}
    for name, m in summary.get("metrics", {}).items():
        if name.startswith("judge_") and not judge.get("calibrated"):
            name += " *"
        extra = f" (lift {m['mean_lift']:+.3f})" if "mean_lift" in m else ""
        reasons = "; ".join(f"{k} ×{v}" for k, v in m.get("missing_reasons", {}).items())
        table.add_row(
            name,
            fmt(m["mean"]) + extra,
            fmt(m["pass_rate"]),
            str(m["n"]),
            str(m["missing"]) + (f" ({reasons[:50]})" if reasons else ""),
        )
    lat, usage, cases = summary.get("latency_ms", {}), summary.get("usage", {}), summary.get("cases", {})
    console = Console()
    console.print(table)
    if judge and not judge.get("calibrated"):
        console.print("[yellow]* from an uncalibrated judge: agreement with human labels unknown[/]")
    console.print(
        f"cases {cases.get('ok')}/{cases.get('total')} ok · latency p50 {fmt((lat.get('p50') or 0) / 1000)}s "
        f"p95 {fmt((lat.get('p95') or 0) / 1000)}s · tokens {usage.get('input_tokens')}+{usage.get('output_tokens')} "
        f"· cost ${usage.get('cost_usd', 0):.4f} · model calls {usage.get('cache_misses', 0)} "
        f"(cache hits {usage.get('cache_hits', 0)})"
        + (f" · judge calls {int(usage['judge']['calls'])}" if usage.get("judge") else "")
        + (f" · judge {judge.get('model')} {_calibration(judge)}" if judge else "")
    )
    rewrites = summary.get("rewrites")
    if rewrites:
        top = ", ".join(f"{check} {n}" for check, n in list(rewrites["reverted_by"].items())[:4])
        console.print(
            f"rewrites: {rewrites['accepted']} accepted · {rewrites['reverted']} reverted"
            + (f" (by {top})" if top else "")
            + f" · {rewrites['unchanged']} returned unchanged"
        )
    console.print(f"results: {folder}  ·  report: {folder / 'report.html'}")


def _calibration(judge: dict[str, Any]) -> str:
    if not judge.get("calibrated"):
        return "[yellow]uncalibrated[/] (tailor judge calibrate)"
    kappas = [k for k in (judge.get("kappa") or {}).values() if k is not None]
    if not kappas:
        return "calibrated (kappa undefined)"
    worst = min(kappas)
    note = "" if worst >= 0.4 else " [yellow]— weak agreement with humans: read judge scores with care[/]"
    return f"calibrated, kappa ≥ {worst:.2f}{note}"


# -- tailor score --------------------------------------------------------------------------------
def _load_output(path: Path, source_text: str) -> dict[str, Any]:
    """The output as JSON Resume. A text output's acronym glosses are first written as the source
    writes them, so "Associate in Occupational Studies (A.O.S.), Culinary Arts" parses like the
    source's "A.O.S. Culinary Arts"."""
    import json

    from app.grounding._glosses import spell_like_source
    from app.resume import load_resume_source, read_text_file, validate_resume

    raw = read_text_file(path, what="output", max_bytes=get_settings().max_resume_bytes)
    if raw.lstrip().startswith("{"):
        data = json.loads(raw)
        if isinstance(data, dict) and "tailored_resume" in data:
            return validate_resume(data["tailored_resume"])
        return load_resume_source(raw)
    return load_resume_source(spell_like_source(raw, source_text))


def score_files(
    resume: Path, jd: Path, output: Path, case_path: Path | None, names: list[str] | None
) -> dict[str, Any]:
    """Score one tailored resume; ground truth from `case_path`, else derived from resume and JD."""
    from app.errors import InputError
    from app.resume import resume_text
    from app.services.tailoring import read_inputs
    from evals.datasets import Case
    from evals.datasets._derive import derive_case
    from evals.scorers import DEFAULT_SCORERS, Sample, resolve_names, score_sample

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
    chosen = resolve_names(names or [n for n in DEFAULT_SCORERS if n != "usage"])
    sample = Sample(case=case, source=inputs.resume, output=tailored)
    scores = asyncio.run(score_sample(sample, chosen))
    return {
        "case": case.id,
        "ground_truth": "case file" if case_path else "derived from resume and JD",
        "passed": all(s.passed is not False for s in scores.values()),
        "scores": {name: s.as_dict() for name, s in scores.items()},
    }


def print_scores(result: dict[str, Any]) -> None:
    from rich.console import Console

    console = Console()
    console.print(f"[dim]ground truth: {result['ground_truth']}[/dim]")
    for name, s in result["scores"].items():
        mark = {True: "[green]pass[/]", False: "[red]FAIL[/]", None: "[dim]n/a[/]"}[s["passed"]]
        value = "missing" if s["value"] is None else f"{s['value']:.3f}"
        console.print(f"{mark} [bold]{name}[/] {value}  {s['explanation']}")
        for o in s["offenses"]:
            console.print(f"     - {o['kind']}: {o['span']!r}  {o['detail']}", markup=False, highlight=False)
