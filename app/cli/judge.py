"""`tailor judge ...`: the LLM judge's calibration against human labels."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="The LLM judge: calibrate it against human labels.", no_args_is_help=True)


@app.callback()
def judge() -> None:
    """The LLM judge: calibrate it against human labels."""


@app.command()
def calibrate(
    labels: Annotated[Path, typer.Option("--labels", help="Labels JSONL (see golden/README.md)")],
    judge_model: Annotated[str | None, typer.Option("--judge-model", help="litellm model string")] = None,
    judge_n: Annotated[int, typer.Option("--judge-n", min=1, max=20, help="Judge samples per rubric")] = 1,
    n: Annotated[
        int | None, typer.Option("--n", min=1, max=20, hidden=True, help="Old spelling of --judge-n")
    ] = None,
    datasets: Annotated[
        Path | None, typer.Option("--datasets", help="Folder holding the labelled cases")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Run the judge on every labelled output, report agreement per rubric, and record it."""
    import asyncio

    from app.models import ModelClient, ResponseCache, cache_location, validate_model
    from app.registry import open_registry
    from app.settings import get_settings
    from evals.judge import CalibrationStore, JudgeConfig
    from evals.judge import calibrate as run_calibration

    samples = _judge_samples(judge_n, n)
    settings = get_settings()
    config = JudgeConfig(model=judge_model or settings.judge_model, n=samples)
    validate_model(config.model)
    registry = open_registry()
    client = ModelClient(
        cache=ResponseCache(cache_location(settings)) if settings.cache_enabled else None,
        retries=settings.max_retries,
        timeout_s=settings.request_timeout_s,
    )
    store = CalibrationStore(settings.state)
    try:
        report = asyncio.run(
            run_calibration(labels, config, client, registry, datasets or settings.datasets, store=store)
        )
    finally:
        store.close()
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"judge {report.model} (n={samples}) on {report.rows} labelled rows")
    for column in ("rubric", "n", "missing", "accuracy", "kappa", "note"):
        table.add_column(
            column, justify="right" if column in ("n", "missing", "accuracy", "kappa") else "left"
        )
    for r in report.rubrics:
        accuracy = "-" if r.accuracy is None else f"{r.accuracy:.2f}"
        kappa = "-" if r.kappa is None else f"{r.kappa:.2f}"
        table.add_row(r.rubric, str(r.n), str(r.missing), accuracy, kappa, r.kappa_note or "")
    console = Console()
    console.print(table)
    console.print(f"calibration recorded for judge version {report.judge_version}")


def _judge_samples(judge_n: int, n: int | None) -> int:
    """`--judge-n`, as in `tailor eval`; `--n` is its old spelling, still accepted (hidden)."""
    if n is None:
        return judge_n
    if judge_n != 1 and judge_n != n:
        raise typer.BadParameter(f"--n {n} contradicts --judge-n {judge_n}", param_hint="'--n'")
    return n


@app.command()
def compare(
    candidate: Annotated[Path, typer.Argument(help="Results folder of the candidate run")],
    baseline: Annotated[Path, typer.Argument(help="Results folder of the baseline run")],
    judge_model: Annotated[str | None, typer.Option("--judge-model", help="litellm model string")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON")] = False,
) -> None:
    """Pairwise judgement of two runs case by case, each pair in both orders to cancel position bias."""
    import asyncio

    from app.models import ModelClient, ResponseCache, cache_location, validate_model
    from app.registry import open_registry
    from app.settings import get_settings
    from evals.datasets import open_dataset
    from evals.judge import JudgeConfig, compare_runs
    from evals.runner import CASES_FILE, read_records, read_run_meta

    settings = get_settings()
    runs = [(read_run_meta(folder), read_records(folder / CASES_FILE)) for folder in (candidate, baseline)]
    cases = {c.id: c for c in open_dataset(runs[0][0].dataset.ref, settings.datasets).cases}
    config = JudgeConfig(model=judge_model or settings.judge_model)
    validate_model(config.model)
    client = ModelClient(
        cache=ResponseCache(cache_location(settings)) if settings.cache_enabled else None,
        retries=settings.max_retries,
        timeout_s=settings.request_timeout_s,
    )
    result = asyncio.run(compare_runs(runs[0][1], runs[1][1], config, client, open_registry(), cases=cases))
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    label_a, label_b = runs[0][0].pipeline.label, runs[1][0].pipeline.label
    rate = "-" if result.score_a is None else f"{result.score_a:.2f}"
    typer.echo(
        f"{label_a} vs {label_b} on {result.compared} case(s), judged by {config.model}: "
        f"{result.wins_a} win(s), {result.wins_b} loss(es), {result.ties} tie(s) "
        f"({result.position_bias} from position bias), {result.missing} unjudged; score {rate}"
    )
