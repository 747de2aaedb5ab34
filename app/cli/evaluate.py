"""`tailor eval` and `tailor score`: the evaluation harness commands (logic lives in evals/)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from app.fileio import OutTarget

# `--out` (app.fileio.out_target): a .json path gets the summary, an .html path the report (the
# results folder is then the default one); any other path is the results folder itself.
OUT_FILE_SUFFIXES = (".json", ".html")


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def eval_command(
    pipeline: Annotated[str, typer.Option(help="Pipeline label, hash or alias.")] = "production",
    dataset: Annotated[
        str, typer.Option(help="NAME[:SPLIT], e.g. golden:smoke, or a folder path.")
    ] = "golden:smoke",
    concurrency: Annotated[int, typer.Option(min=1, max=256, help="Cases in flight at once.")] = 4,
    judge_model: Annotated[
        str | None, typer.Option(help="Judge model (litellm string); enables Ragas LLM metrics.")
    ] = None,
    scorers: Annotated[
        str | None, typer.Option(help="Comma list; default: deterministic + similarity + judge.")
    ] = None,
    model: Annotated[str | None, typer.Option(help="Run every agent on this model instead.")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not read or write the LLM cache.")] = False,
    no_track: Annotated[bool, typer.Option("--no-track", help="Do not log to MLflow.")] = False,
    backend: Annotated[
        str, typer.Option(help="local (this process) or celery (workers on `tailor worker --queues eval`).")
    ] = "local",
    solver: Annotated[
        str, typer.Option(help="tailoring (the pipeline), or one-call: one model call per case, a throughput probe.")
    ] = "tailoring",
    judge_n: Annotated[int, typer.Option(min=1, max=20, help="Judge samples per rubric.")] = 1,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Results folder (default: data/runs/<key>), or a .json file for the summary, "
            "an .html file for the report."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Run a pipeline version over a golden dataset: score every case, write results, log to MLflow."""
    import asyncio

    from app.cli._eval_view import eval_progress, print_summary
    from app.fileio import out_target
    from evals.harness import EvalRequest, evaluate, plan_evaluation

    target = out_target(out, OUT_FILE_SUFFIXES) if out is not None else None
    request = EvalRequest(
        pipeline=pipeline,
        dataset=dataset,
        concurrency=concurrency,
        judge_model=judge_model,
        scorers=_split(scorers),
        model=model,
        use_cache=not no_cache,
        track=not no_track,
        backend=backend,
        solver=solver,
        judge_n=judge_n,
        out=target.path if target is not None and target.is_folder else None,
    )
    plan = plan_evaluation(request)
    from app.settings import get_settings
    from evals.harness import cases_done

    done = cases_done(plan, get_settings())
    label = f"{plan.pipeline.label} on {plan.dataset.ref}"
    with eval_progress(label, len(plan.dataset.cases), done, show=not as_json) as on_case:
        outcome = asyncio.run(evaluate(request, plan=plan, on_case=on_case))
    written = _write_out_file(target, outcome.summary.to_json(), outcome.folder)
    if as_json:
        typer.echo(outcome.summary.to_json(), nl=False)
    else:
        print_summary(outcome.summary, outcome.folder)
        if outcome.mlflow_run_id:
            typer.echo(f"mlflow run: {outcome.mlflow_run_id} ({get_settings().tracking})")
        if written is not None:
            typer.echo(f"written to {written}")


def _write_out_file(target: OutTarget | None, summary_json: str, folder: Path) -> Path | None:
    """With `--out FILE`: the summary (.json) or the report (.html) written there as well."""
    from app.fileio import atomic_write_text
    from evals.runner import REPORT_FILE

    if target is None or target.is_folder:
        return None
    is_report = target.path.suffix.lower() == ".html"
    text = (folder / REPORT_FILE).read_text(encoding="utf-8") if is_report else summary_json
    atomic_write_text(target.path, text)
    return target.path


def score_command(
    resume: Annotated[
        Path | None, typer.Option("--resume", help="The source resume (JSON Resume or text).")
    ] = None,
    jd: Annotated[Path | None, typer.Option("--jd", help="The job description.")] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", help="The tailored resume: JSON Resume, text, or optimize JSON."),
    ] = None,
    case: Annotated[
        Path | None, typer.Option("--case", help="A golden case (JSON) with ground truth.")
    ] = None,
    scorers: Annotated[
        str | None, typer.Option(help="Comma list (default: the deterministic scorers).")
    ] = None,
    labels: Annotated[
        Path | None,
        typer.Option(
            "--labels",
            help="Instead: measure the fact scorers (fabrication, narrative) on labelled outputs; see golden/README.md.",
        ),
    ] = None,
    calibrate_meaning: Annotated[
        list[Path] | None,
        typer.Option(
            "--calibrate-meaning",
            help="Instead: calibrate the meaning opinion's threshold on these labels files (repeatable).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Score any tailored resume against its source and JD, with every offending span."""
    from app.errors import InputError

    if calibrate_meaning:
        from evals.scorers import calibrate_meaning as calibrate

        calibration = calibrate(list(calibrate_meaning))
        typer.echo(calibration.model_dump_json(indent=2) if as_json else _calibration_line(calibration))
        return

    if labels is not None:
        if resume or jd or output or case:
            raise InputError(
                "--labels measures the fact scorers alone: give it without --resume/--jd/--output/--case"
            )
        from evals.scorers import FACT_SCORERS, measure_labels, print_label_report

        report = measure_labels(labels, tuple(_split(scorers) or FACT_SCORERS))
        if as_json:
            typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            print_label_report(report)
        return
    missing = [
        name for name, value in (("--resume", resume), ("--jd", jd), ("--output", output)) if not value
    ]
    if missing or resume is None or jd is None or output is None:
        raise InputError(f"score needs {', '.join(missing)} (or --labels FILE)")
    from app.cli._eval_view import print_scores
    from evals.harness import score_files

    result = score_files(resume, jd, output, case, _split(scorers))
    if as_json:
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print_scores(result)


def register(app: typer.Typer) -> None:
    """Attach the harness commands to the main app."""
    app.command("eval")(eval_command)
    app.command("score")(score_command)


def _calibration_line(result: Any) -> str:
    return (
        f"meaning threshold {result.threshold:.2f}: lets through {result.honest_pass_rate:.0%} of "
        f"{result.honest} honest phrases the lexical and is-a readings flag, and "
        f"{result.false_pass_rate:.1%} of {result.fabricated} planted ones; written to app/grounding/meaning.json"
    )
