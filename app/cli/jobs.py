"""`tailor jobs ...`: the serving API's stored jobs (counts, retention, replaying the dead letter)."""

from __future__ import annotations

import re
from typing import Annotated, Any

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


@app.command()
def retry(
    job_ids: Annotated[list[str] | None, typer.Argument(help="Ids of failed jobs to replay.", show_default=False)] = None,
    all_failed: Annotated[bool, typer.Option("--all-failed", help="Replay every failed job.")] = False,
    list_only: Annotated[bool, typer.Option("--list", help="Only list the dead letter (failed jobs); replay nothing.")] = False,
) -> None:
    """Replay failed jobs from the dead letter: queued again with a fresh count of attempts.

    Each replay is audited (`job.retry`). With REDIS_URL set the jobs are sent to the Celery workers; otherwise a running `tailor serve` picks them up within seconds."""
    from datetime import UTC, datetime

    from app.errors import ConflictError, InputError, NotFoundError
    from app.registry import current_actor
    from app.settings import get_settings
    from app.state import open_state

    settings = get_settings()
    store = open_state(settings.state)
    if list_only:
        for job in store.dead_letters(limit=1000):
            when = datetime.fromtimestamp(job.finished_at or job.updated_at, UTC).strftime("%Y-%m-%d %H:%M:%S")
            typer.echo(f"{job.id}  {when}  attempts {job.attempts}  {job.error or ''}")
        return
    if bool(job_ids) == all_failed:
        raise InputError("name the failed jobs to replay, or pass --all-failed (not both)")
    for job_id in job_ids or []:
        found = store.get_job(job_id)
        if found is None:
            raise NotFoundError(f"no job {job_id!r}")
        if found.status != "failed":
            raise ConflictError(f"job {job_id} is {found.status}, not failed: only failed jobs are replayed")
    replayed = store.replay_jobs(None if all_failed else list(job_ids or []), who=current_actor())
    sent = _send_to_workers(settings, store, replayed)
    typer.echo(f"replayed {len(replayed)} job(s){sent}")
    for job_id in replayed:
        typer.echo(job_id)


def _send_to_workers(settings: Any, store: Any, job_ids: list[str]) -> str:
    """With Celery workers, send the replayed jobs now; returns how the jobs will run, for the user."""
    from app.api.jobs import Dispatcher, uses_celery

    if not job_ids:
        return ""
    if not uses_celery(settings):
        return " (a running `tailor serve` runs them within seconds)"
    dispatcher = Dispatcher(settings)
    try:
        for job_id in job_ids:
            job = store.get_job(job_id)
            if job is not None and job.status == "queued":
                dispatcher.dispatch(job_id, version=job.updated_at, force=True)
    except Exception as exc:  # queued in the store: a worker's sweep sends them
        return f" (the broker did not answer: {type(exc).__name__}; a worker's sweep sends them)"
    finally:
        dispatcher.close()
    return " (sent to the Celery workers)"
