"""`tailor jobs ...`: the serving API's stored jobs (retention)."""

from __future__ import annotations

import re
from typing import Annotated

import typer

app = typer.Typer(help="The serving API's jobs in the state store.", no_args_is_help=True)

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}


def parse_age(text: str) -> float:
    """`30d`, `12h`, `90m`, `45s`, `2w` -> seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*", text.lower())
    if not match:
        raise typer.BadParameter("use a number and a unit: 30d, 12h, 90m, 45s or 2w", param_hint="'--older-than'")
    return float(match.group(1)) * _UNITS[match.group(2)]


@app.command()
def purge(
    older_than: Annotated[str, typer.Option("--older-than", help="Age, e.g. 30d (units s, m, h, d, w).")],
) -> None:
    """Delete finished, failed and erased jobs older than this, with their resumes, JDs and results.

    One audit row records the count. Queued and running jobs are kept."""
    from app.registry import current_actor
    from app.settings import get_settings
    from app.state import open_state

    seconds = parse_age(older_than)
    store = open_state(get_settings().state)
    deleted = store.purge_jobs(older_than_s=seconds, who=current_actor())
    typer.echo(f"purged {deleted} job(s) older than {older_than}")


@app.command("list")
def list_jobs() -> None:
    """How many jobs the store holds, by status."""
    from app.settings import get_settings
    from app.state import open_state

    counts = open_state(get_settings().state).job_counts()
    typer.echo(" · ".join(f"{status} {n}" for status, n in counts.items()))
