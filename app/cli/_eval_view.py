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


def print_summary(summary: dict[str, Any], folder: Path, console: Console | None = None) -> None:
    """The metric table and run totals. An untrusted judge's metrics come last, apart and greyed,
    under one line saying why they do not count and how to get a judge that does."""
    from rich.console import Console
    from rich.table import Table

    from evals.report import judge_trust

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
    trust = judge_trust(judge)
    metrics: dict[str, dict[str, Any]] = summary.get("metrics", {})
    advisory = [name for name in metrics if trust.is_advisory(name)]
    for name in [name for name in metrics if name not in advisory]:
        table.add_row(*_metric_cells(name, metrics[name], fmt))
    if advisory:
        table.add_section()
        for name in advisory:
            table.add_row(*_metric_cells(f"{name} *", metrics[name], fmt), style="dim")
    lat, usage, cases = summary.get("latency_ms", {}), summary.get("usage", {}), summary.get("cases", {})
    console = console or Console()
    console.print(table)
    if advisory:
        console.print(f"* {trust.advisory_line}", style="dim", markup=False, highlight=False)
    console.print(
        f"cases {cases.get('ok')}/{cases.get('total')} ok · latency p50 {fmt((lat.get('p50') or 0) / 1000)}s "
        f"p95 {fmt((lat.get('p95') or 0) / 1000)}s · tokens {usage.get('input_tokens')}+{usage.get('output_tokens')} "
        f"· cost ${usage.get('cost_usd', 0):.4f} · model calls {usage.get('cache_misses', 0)} "
        f"(cache hits {usage.get('cache_hits', 0)})"
        + (f" · judge calls {int(usage['judge']['calls'])}" if usage.get("judge") else "")
        + (f" · judge {judge.get('model')} {_calibration(judge, trust.min_kappa)}" if judge else "")
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


def _metric_cells(name: str, m: dict[str, Any], fmt: Callable[[Any], str]) -> tuple[str, ...]:
    extra = f" (lift {m['mean_lift']:+.3f})" if "mean_lift" in m else ""
    reasons = "; ".join(f"{k} ×{v}" for k, v in m.get("missing_reasons", {}).items())
    return (
        name,
        fmt(m["mean"]) + extra,
        fmt(m["pass_rate"]),
        str(m["n"]),
        str(m["missing"]) + (f" ({reasons[:50]})" if reasons else ""),
    )


def _calibration(judge: dict[str, Any], min_kappa: float) -> str:
    if not judge.get("calibrated"):
        return "[yellow]uncalibrated[/] (tailor judge calibrate)"
    kappas = [k for k in (judge.get("kappa") or {}).values() if k is not None]
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
