"""What `tailor gate` prints: the verdict table, blocking reasons first, then where the reports are."""

from __future__ import annotations

from typing import Any


def _num(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if abs(value) < 1000 else f"{value:,.0f}"


def print_verdict(outcome: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    verdict = outcome.verdict
    console = Console()
    head = "[bold green]PASS[/]" if verdict.passed else "[bold red]FAIL[/]"
    looks = f" · {verdict.looks} look(s), sequential" if verdict.sequential else ""
    console.print(
        f"{head} {verdict.candidate_label} ({verdict.key.candidate_hash[:12]}) against "
        f"{verdict.baseline_label} ({verdict.key.baseline_hash[:12]}) on {verdict.dataset_ref}: "
        f"{verdict.cases_used}/{verdict.cases_total} cases{looks}",
        highlight=False,
    )
    for reason in verdict.blocking_reasons:
        console.print(f"  [red]blocked[/] {reason}", highlight=False, markup=True)
    # Fits 80 columns (a CI log, a pipe): margins and adjusted levels are in report.md.
    table = Table(title_justify="left")
    table.add_column("metric", no_wrap=True)
    for col in ("baseline", "candidate", "interval"):
        table.add_column(col, justify="right", no_wrap=True)
    table.add_column("decision", no_wrap=True)
    for m in sorted(verdict.metrics, key=lambda m: (not m.blocking, m.decision != "fail", m.metric)):
        interval = "–" if m.ci_low is None else f"[{_num(m.ci_low)}, {_num(m.ci_high)}]"
        style = "dim" if not m.blocking or m.decision == "advisory" else None
        decision = {"pass": "[green]pass[/]", "fail": "[red]FAIL[/]"}.get(m.decision, m.decision)
        table.add_row(m.metric, _num(m.baseline), _num(m.candidate), interval, decision, style=style)
    console.print(table)
    for m in verdict.metrics:
        for warning in m.warnings:
            console.print(f"  [yellow]warning[/] {m.metric}: {warning}", highlight=False)
    calls = outcome.model_calls
    reused = [side for side in ("baseline", "candidate") if getattr(outcome, side).reused]
    console.print(
        f"model calls: baseline {calls.get('baseline', 0)}, candidate {calls.get('candidate', 0)}"
        + (f" (reused finished run: {', '.join(reused)})" if reused else ""),
        highlight=False,
    )
    # Paths stay whole on one line each (soft wrap), so they can be copied or parsed from a log.
    console.print(f"verdict #{outcome.verdict_id} stored · reports: {outcome.folder}", highlight=False, soft_wrap=True)
    for path in (outcome.reports.verdict, outcome.reports.markdown, outcome.reports.html):
        console.print(f"  {path}", highlight=False, soft_wrap=True)
    if verdict.mlflow_run_id:
        from app.settings import get_settings

        console.print(
            f"mlflow run: {verdict.mlflow_run_id} ({get_settings().tracking})", highlight=False, soft_wrap=True
        )
