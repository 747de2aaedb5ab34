"""`tailor gate`, `promote`, `rollback` and `history`: the regression gate and the gated alias.

`gate` exits 0 when the candidate passes, 1 when it is blocked, 2 on any error (an unknown
pipeline, a bad policy, a model failing): CI reads the code, people read the table.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from app.errors import TailorError

if TYPE_CHECKING:
    from app.fileio import OutTarget
    from evals.gate import GateReportPaths

GATE_ERROR = 2
# `--out` (app.fileio.out_target): a .json path gets verdict.json, .md report.md, .html report.html
# (the reports folder is then the default one); any other path is the reports folder itself.
OUT_FILE_SUFFIXES = (".json", ".md", ".html")


def gate_command(
    candidate: Annotated[str, typer.Option(help="Candidate pipeline: label, hash or alias.")],
    baseline: Annotated[str, typer.Option(help="Baseline: label, hash or alias.")] = "production",
    dataset: Annotated[str, typer.Option(help="NAME[:SPLIT], e.g. golden:core.")] = "golden:core",
    policy: Annotated[Path | None, typer.Option(help="Gate policy (default ci/gate_policy.yaml).")] = None,
    sequential: Annotated[
        bool, typer.Option("--sequential", help="Run cases in batches; stop once the verdict is settled.")
    ] = False,
    model: Annotated[str | None, typer.Option(help="Run both pipelines on this model.")] = None,
    judge_model: Annotated[
        str | None, typer.Option(help="Add the judge rubrics (advisory unless calibrated).")
    ] = None,
    concurrency: Annotated[int, typer.Option(min=1, max=256, help="Cases in flight at once.")] = 4,
    no_similarity: Annotated[
        bool, typer.Option("--no-similarity", help="Skip semantic_similarity (saves loading MiniLM).")
    ] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not read or write the LLM cache.")] = False,
    no_track: Annotated[bool, typer.Option("--no-track", help="Do not log to MLflow.")] = False,
    backend: Annotated[
        str, typer.Option(help="local (this process) or celery (workers on `tailor worker --queues eval`).")
    ] = "local",
    out: Annotated[
        Path | None,
        typer.Option(
            help="Reports folder (default data/gates/<key>), or one report as a file: .json (the "
            "verdict), .md or .html."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print verdict.json instead of the table.")] = False,
) -> None:
    """Compare a candidate with the baseline on the same cases; pass, or block naming the metric."""
    from app.fileio import out_target
    from evals.gate import GateProgress, GateRequest, run_gate

    try:
        target = out_target(out, OUT_FILE_SUFFIXES) if out is not None else None
    except TailorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(GATE_ERROR) from exc
    request = GateRequest(
        candidate=candidate,
        baseline=baseline,
        dataset=dataset,
        policy=policy,
        sequential=sequential,
        model=model,
        judge_model=judge_model,
        similarity=not no_similarity,
        concurrency=concurrency,
        use_cache=not no_cache,
        track=not no_track,
        backend=backend,
        out=target.path if target is not None and target.is_folder else None,
    )
    progress = GateProgress() if as_json else _progress()
    try:
        outcome = asyncio.run(run_gate(request, progress))
    except TailorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(GATE_ERROR) from exc
    written = _copy_report(target, outcome.reports) if target is not None and not target.is_folder else None
    if as_json:
        typer.echo(outcome.verdict.model_dump_json(indent=2))
    else:
        from app.cli._gate_view import print_verdict

        print_verdict(outcome)
        if written is not None:
            typer.echo(f"written to {written}")
    raise typer.Exit(0 if outcome.verdict.passed else 1)


def _copy_report(target: OutTarget, reports: GateReportPaths) -> Path:
    """With `--out FILE`: the report its suffix names, written there as well."""
    from app.fileio import atomic_write_text

    source = {".json": reports.verdict, ".md": reports.markdown}.get(target.path.suffix.lower(), reports.html)
    atomic_write_text(target.path, source.read_text(encoding="utf-8"))
    return target.path


def _progress() -> Any:
    from rich.console import Console

    from evals.gate import GateProgress

    console = Console(stderr=True)
    counts = {"baseline": 0, "candidate": 0}

    def on_case(side: str, record: Any) -> None:
        counts[side] += 1
        mark = "ok" if record.status == "ok" else "error"
        console.print(f"  {side:9} {counts[side]:4}  {record.case_id} {mark}", highlight=False)

    def on_look(look: int, upto: int, verdict: Any) -> None:
        if verdict.sequential:
            open_metrics = [m.metric for m in verdict.metrics if m.blocking and not m.settled]
            state = "settled" if not open_metrics else f"open: {', '.join(open_metrics)}"
            console.print(f"look {look}: {upto} cases · {state}", highlight=False)

    return GateProgress(on_case=on_case, on_look=on_look)


def promote_command(
    ref: Annotated[str, typer.Argument(help="Pipeline to promote: label, hash or alias.")],
    to: Annotated[str, typer.Option("--to", help="The gated alias.")] = "production",
    dataset: Annotated[str, typer.Option(help="The dataset the verdict must be on.")] = "golden:core",
    policy: Annotated[Path | None, typer.Option(help="Gate policy (default ci/gate_policy.yaml).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Skip the verdict (audited as forced).")] = False,
    reason: Annotated[str | None, typer.Option(help="Why, required with --force.")] = None,
) -> None:
    """Move production to REF, only on a passing gate verdict for exactly this move."""
    from evals.gate import promote

    move = promote(ref, to=to, dataset=dataset, policy_path=policy, force=force, reason=reason)
    forced = " (FORCED)" if move.forced else ""
    typer.echo(f"{to} -> {move.label} ({move.pipeline_hash[:12]}){forced}: {move.why}")


def rollback_command(
    alias: Annotated[str, typer.Argument(help="The alias to move back.")] = "production",
    reason: Annotated[str | None, typer.Option(help="Why (recorded).")] = None,
) -> None:
    """Move the alias back to the version it pointed to before its latest move."""
    from evals.gate import rollback

    move = rollback(alias, reason=reason)
    typer.echo(f"{alias} -> {move.label} ({move.pipeline_hash[:12]}): {move.why}")


def history_command(
    alias: Annotated[str, typer.Argument(help="The alias.")] = "production",
) -> None:
    """Every move of the alias: when, who, why, and the verdict behind it."""
    from rich.console import Console
    from rich.table import Table

    from evals.gate import history

    table = Table(title=f"{alias}: every move", title_justify="left")
    for col in ("when (UTC)", "pipeline", "kind", "who", "verdict", "why"):
        table.add_column(col)
    for row in history(alias):
        when = datetime.fromtimestamp(row.at, UTC).strftime("%Y-%m-%d %H:%M")
        if row.forced:
            verdict = "FORCED"
        elif row.verdict_id is None:
            verdict = "–"
        else:
            verdict = f"#{row.verdict_id} {'pass' if row.verdict_passed else 'fail'}"
        table.add_row(when, f"{row.label} {row.pipeline_hash[:8]}", row.kind, row.who, verdict, row.why)
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.command("gate")(gate_command)
    app.command("promote")(promote_command)
    app.command("rollback")(rollback_command)
    app.command("history")(history_command)
