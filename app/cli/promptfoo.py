"""`tailor promptfoo`: Tailor's golden data and scorers in promptfoo, and promptfoo's results back.

    export    write a promptfooconfig.yaml (golden cases, the pipeline as provider, scorers as assertions)
    run       run promptfoo on it and import the results as a Tailor run (exit 1 when a test failed)
    import    import a promptfoo JSON output of an exported config
    redteam   promptfoo's prompt-injection and PII probes against the pipeline, where they work offline
    view      promptfoo's web viewer on Tailor's promptfoo database

Missing Node 22, a failed install or a promptfoo crash: one line, exit 6 (docs/promptfoo.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from evals.promptfoo import ImportOutcome

app = typer.Typer(
    help="promptfoo round trip: export golden cases as a promptfoo config, run it, import the results.",
    no_args_is_help=True,
)
TESTS_FAILED_EXIT = 1

PipelineOpt = Annotated[str, typer.Option(help="Pipeline label, hash, alias or manifest file.")]
DatasetOpt = Annotated[str, typer.Option(help="NAME:SPLIT, e.g. golden:smoke.")]
ModelOpt = Annotated[str | None, typer.Option(help="Run every agent on this model instead.")]
ScorersOpt = Annotated[
    str | None, typer.Option(help="Comma list of scorers to assert; default: the deterministic ones.")
]


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


@app.command("export")
def export_command(
    pipeline: PipelineOpt = "production",
    dataset: DatasetOpt = "golden:smoke",
    model: ModelOpt = None,
    scorers: ScorersOpt = None,
    out: Annotated[
        Path | None, typer.Option(help="Folder for promptfooconfig.yaml (default: data/promptfoo/<name>).")
    ] = None,
) -> None:
    """Write a promptfooconfig.yaml: the golden cases, pseudonymised, run by Tailor's pipeline and scorers."""
    from evals.promptfoo import ExportRequest, export_config

    result = export_config(
        ExportRequest(pipeline=pipeline, dataset=dataset, model=model, scorers=_split(scorers), out=out)
    )
    info = result.info
    typer.echo(
        f"exported {info.pipeline_label} ({info.pipeline_hash[:12]}) on {info.dataset}: {result.tests} tests, "
        f"assertions {', '.join(info.scorers)}"
    )
    typer.echo(f"{result.path}")
    typer.echo(f"run it: tailor promptfoo run --config {result.path}")


@app.command("run")
def run_command(
    config: Annotated[
        Path | None,
        typer.Option(help="An exported promptfooconfig.yaml; default: export --pipeline/--dataset."),
    ] = None,
    pipeline: PipelineOpt = "production",
    dataset: DatasetOpt = "golden:smoke",
    model: ModelOpt = None,
    scorers: ScorersOpt = None,
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Tests in flight at once.")] = 4,
    no_track: Annotated[
        bool, typer.Option("--no-track", help="Do not log the imported run to MLflow.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the imported run's summary as JSON.")
    ] = False,
) -> None:
    """Run promptfoo on an exported config and import its results as a Tailor run (exit 1: a test failed)."""
    from app.errors import InputError
    from evals.promptfoo import (
        ExportRequest,
        PromptfooError,
        eval_args,
        export_config,
        import_output,
        run_promptfoo,
    )

    if config is None:
        request = ExportRequest(pipeline=pipeline, dataset=dataset, model=model, scorers=_split(scorers))
        config = export_config(request).path
    elif not config.is_file():
        raise InputError(f"--config {config}: no such file")
    config = config.resolve()
    output = config.parent / "output.json"
    output.unlink(missing_ok=True)
    done = run_promptfoo(eval_args(config, output, concurrency=concurrency), cwd=config.parent)
    if not output.is_file():
        raise PromptfooError(f"promptfoo exited {done.exit_code} without writing {output}")
    outcome = import_output(output, track=not no_track)
    _show(outcome, as_json)
    if done.tests_failed:
        raise typer.Exit(TESTS_FAILED_EXIT)


@app.command("import")
def import_command(
    output: Annotated[Path, typer.Argument(help="promptfoo's JSON output (promptfoo eval -o FILE.json).")],
    no_track: Annotated[
        bool, typer.Option("--no-track", help="Do not log the imported run to MLflow.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the imported run's summary as JSON.")
    ] = False,
) -> None:
    """Import promptfoo's JSON output of an exported config as a Tailor run."""
    from evals.promptfoo import import_output

    _show(import_output(output, track=not no_track), as_json)


def _show(outcome: ImportOutcome, as_json: bool) -> None:
    from app.settings import get_settings

    if as_json:
        typer.echo(outcome.summary.to_json(), nl=False)
        return
    from app.cli._eval_view import print_summary

    print_summary(outcome.summary, outcome.folder)
    for case_id, names in outcome.failed.items():
        typer.echo(f"FAIL {case_id}: {', '.join(names)}")
    if outcome.skipped:
        typer.echo(f"not imported (not the dataset's cases as exported): {', '.join(outcome.skipped)}")
    again = " (imported before)" if outcome.already else ""
    typer.echo(
        f"promptfoo eval {outcome.eval_id} imported as run {outcome.run_key[:12]}: {outcome.status}{again}"
    )
    if outcome.mlflow_run_id:
        typer.echo(f"mlflow run: {outcome.mlflow_run_id} ({get_settings().tracking})")


@app.command("redteam")
def redteam_command(
    pipeline: PipelineOpt = "production",
    case: Annotated[
        str,
        typer.Option(help="The golden case probes go into: NAME:SPLIT (its first case) or NAME:SPLIT:ID."),
    ] = "golden:smoke",
    model: ModelOpt = None,
    no_adversarial: Annotated[
        bool, typer.Option("--no-adversarial", help="Do not evaluate golden:adversarial for comparison.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option(help="Folder (default: data/promptfoo/redteam-<label>).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """promptfoo's prompt-injection and PII probes against the pipeline; attack success rate beside golden:adversarial's."""
    from evals.promptfoo import RedteamRequest, report_json, run_redteam

    report = run_redteam(
        RedteamRequest(pipeline=pipeline, case=case, model=model, adversarial=not no_adversarial, out=out)
    )
    if as_json:
        typer.echo(report_json(report))
        return
    for plugin, why in report.skipped.items():
        typer.echo(f"skipped {plugin}: {why}")
    made = ", ".join(f"{name} {n}" for name, n in report.plugins.items()) or "none"
    typer.echo(f"probes into {report.case}: {made}")
    rate = lambda r: "–" if r is None or r.rate is None else f"{r.rate:.0%} ({r.succeeded}/{r.attempts})"  # noqa: E731
    typer.echo(f"attack success rate, promptfoo probes:        {rate(report.probes)}")
    if report.adversarial is not None:
        typer.echo(f"attack success rate, golden:adversarial:      {rate(report.adversarial)}")
        typer.echo(f"attack success rate, its injection cases:     {rate(report.adversarial_injection)}")
    for line in report.succeeded:
        typer.echo(f"  got through: {line}")
    typer.echo(f"report: {Path(report.folder) / 'redteam.json'}")


@app.command("view")
def view_command(
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port for the viewer.")] = 15500,
) -> None:
    """promptfoo's web viewer on the evals Tailor ran (its database under data/promptfoo)."""
    import subprocess

    from evals.promptfoo import node_version, promptfoo_env, wrapper_path

    env = promptfoo_env()
    node_version(env)
    typer.echo(f"promptfoo view on http://localhost:{port} (Ctrl-C stops it)")
    subprocess.run([str(wrapper_path()), "view", "--port", str(port), "--no"], env=env, check=False)
