"""What `tailor eval` and `tailor score` print: the progress bar, the metric table, the scores.

The harness (evals/harness.py) prints nothing; these views turn its results into terminal output.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


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
