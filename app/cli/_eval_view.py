"""What `tailor eval` and `tailor score` print: the progress bar, the metric table, the scores.

The harness (evals/harness.py) prints nothing; these views turn its results into terminal output.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from evals.runner import JudgeInfo, MetricAggregate, RunSummary


@contextmanager
def eval_progress(label: str, total: int, done: int, show: bool) -> Iterator[Callable[[Any], None] | None]:
    """A rich progress bar fed one case record at a time; yields the callback (None when hidden)."""
    if not show:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[last]}"),
        transient=False,
    ) as progress:
        task = progress.add_task(label, total=total, last=f"{done} already done" if done else "")
        progress.update(task, completed=done)

        def advance(record: Any) -> None:
            mark = "ok" if record.status == "ok" else f"error: {record.error}"
            progress.update(task, advance=1, last=f"{record.case_id} {mark}"[:60])

        yield advance


def print_summary(summary: RunSummary, folder: Path, console: Console | None = None) -> None:
    """The metric table and run totals. An untrusted judge's metrics come last, apart and greyed,
    under one line saying why they do not count and how to get a judge that does."""
    from rich.console import Console
    from rich.table import Table

    from evals.report import judge_trust

    run = summary.run
    table = Table(
        title=f"{run.pipeline.label} on {run.dataset.name}:{run.dataset.split or 'all'}",
        title_justify="left",
    )
    for col in ("metric", "mean", "pass rate", "n", "missing"):
        table.add_column(col, justify="right" if col != "metric" else "left")
    fmt = lambda v: "–" if v is None else f"{v:.3f}"  # noqa: E731
    judge = run.judge
    trust = judge_trust(judge)
    metrics = summary.metrics
    advisory = [name for name in metrics if trust.is_advisory(name)]
    for name in [name for name in metrics if name not in advisory]:
        table.add_row(*_metric_cells(name, metrics[name], fmt))
    if advisory:
        table.add_section()
        for name in advisory:
            table.add_row(*_metric_cells(f"{name} *", metrics[name], fmt), style="dim")
    lat, usage, cases = summary.latency_ms, summary.usage, summary.cases
    console = console or Console()
    console.print(table)
    if advisory:
        console.print(f"* {trust.advisory_line}", style="dim", markup=False, highlight=False)
    console.print(
        f"cases {cases.ok}/{cases.total} ok · latency p50 {fmt((lat.p50 or 0) / 1000)}s "
        f"p95 {fmt((lat.p95 or 0) / 1000)}s · tokens {usage.input_tokens}+{usage.output_tokens} "
        f"· cost ${usage.cost_usd:.4f} · model calls {usage.cache_misses} "
        f"(cache hits {usage.cache_hits})"
        + (f" · judge calls {int(usage.judge.calls)}" if usage.judge else "")
        + (f" · judge {judge.model} {_calibration(judge, trust.min_kappa)}" if judge else "")
    )
    rewrites = summary.rewrites
    if rewrites:
        top = ", ".join(f"{check} {n}" for check, n in list(rewrites.reverted_by.items())[:4])
        console.print(
            f"rewrites: {rewrites.accepted} accepted · {rewrites.reverted} reverted"
            + (f" (by {top})" if top else "")
            + f" · {rewrites.unchanged} returned unchanged"
        )
    console.print(f"results: {folder}  ·  report: {folder / 'report.html'}")


def _metric_cells(name: str, m: MetricAggregate, fmt: Callable[[Any], str]) -> tuple[str, ...]:
    extra = f" (lift {m.mean_lift:+.3f})" if m.mean_lift is not None else ""
    reasons = "; ".join(f"{k} ×{v}" for k, v in m.missing_reasons.items())
    return (
        name,
        fmt(m.mean) + extra,
        fmt(m.pass_rate),
        str(m.n),
        str(m.missing) + (f" ({reasons[:50]})" if reasons else ""),
    )


def _calibration(judge: JudgeInfo, min_kappa: float) -> str:
    if not judge.calibrated:
        return "[yellow]uncalibrated[/] (tailor judge calibrate)"
    kappas = [k for k in (judge.kappa or {}).values() if k is not None]
    if not kappas:
        return "calibrated (kappa undefined)"
    worst = min(kappas)
    note = "" if worst >= min_kappa else f" [yellow]— below the policy's {min_kappa:g}: advisory[/]"
    return f"calibrated, kappa ≥ {worst:.2f}{note}"


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
