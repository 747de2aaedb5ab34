"""The submitting side of `tailor eval --backend celery`: seed the run's cases in the state store,
send one message per case still missing, follow the records as workers write them (the same
progress callback as a local run), and write the results folder from the store when all are in.

Killing the submitter loses nothing: running the same command again finds the run by its key,
starts a new epoch (the old messages go stale) and sends only the cases still missing. Ctrl-C
(or a cancelled task) makes the outstanding messages stale and revokes them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from app.errors import ConfigError, InputError
from app.fileio import atomic_write_text
from app.hashing import code_hash
from app.settings import TailorSettings
from evals.distributed._celery import EVAL_TASK, broker_url, make_eval_celery, masked
from evals.distributed._spec import RunSpec
from evals.runner import (
    CASES_FILE,
    CaseRecord,
    EvalPlan,
    RunIndex,
    prepare_run_dir,
    read_records,
    summarise,
    write_summary,
)

if TYPE_CHECKING:
    from celery import Celery

    from app.state import StateStore

log = logging.getLogger("tailor.eval")

DISPATCH_FILE = "dispatch.json"
POLL_S = 0.25
OVERLAP_S = 2.0  # re-read this much of the past: a transaction may commit after a later one
Progress = Callable[[CaseRecord], None]


class Dispatch(BaseModel):
    """What the submitter did, written beside the results (`dispatch.json`): for operators and the
    throughput benchmark (from the first message sent to the last record seen)."""

    backend: str = "celery"
    broker: str
    queue: str
    epoch: int
    sent: int
    workers: list[str]
    first_sent_at: float | None = None  # this machine's clock
    last_sent_at: float | None = None
    last_recorded_at: float | None = None  # the last record's own finished_at (its worker's clock)


async def run_eval_distributed(plan: EvalPlan, settings: TailorSettings, *, progress: Progress | None = None) -> Path:
    """Run (or resume) the evaluation on Celery workers; returns the results folder, as `run_eval`."""
    if plan.solver is not None:
        raise InputError("a solver given as a function runs only on the local backend: name one (solver_name)")
    if not plan.code:
        plan.code = code_hash(settings.code_root)
    folder, meta = prepare_run_dir(plan, settings)
    in_folder = {r.case_id: r for r in read_records(folder / CASES_FILE)}
    done_here = {cid for cid, r in in_folder.items() if r.status == "ok"}
    index = RunIndex(plan, settings, folder)
    index.started(len(done_here), backend="celery")
    store, run_key = index.store, plan.config_hash()
    store.seed_run_cases(run_key, ((c.id, c.model_dump_json()) for c in plan.dataset.cases), done=done_here)
    celery = make_eval_celery(settings)
    try:
        wanted = {c.id for c in plan.dataset.cases if plan.only is None or c.id in plan.only}
        pending = [cid for cid in store.pending_case_ids(run_key) if cid in wanted]
        workers = await _wait_for_workers(celery, settings) if pending else []
        epoch = store.set_run_spec(run_key, backend="celery", spec=RunSpec.from_plan(plan).model_dump_json())
        since = store.database_time()
        dispatch = Dispatch(broker=masked(broker_url(settings)), queue=settings.eval_queue, epoch=epoch,
                            sent=0, workers=workers)  # fmt: skip
        task_ids: list[str] = []
        try:
            _send(celery, settings, run_key, epoch, pending, dispatch, task_ids)
            await _follow(store, run_key, set(pending), since, progress, dispatch)
        except (KeyboardInterrupt, asyncio.CancelledError):
            _cancel(store, celery, run_key, task_ids)
            raise
        finally:
            atomic_write_text(folder / DISPATCH_FILE, dispatch.model_dump_json(indent=2) + "\n")
    finally:
        celery.close()
    records = _write_results(store, run_key, folder, in_folder, [c.id for c in plan.dataset.cases])
    write_summary(folder, summarise(records, meta))
    index.ended(records)
    if all(r.status == "ok" for r in records) and len(records) == len(plan.dataset.cases):
        store.forget_case_inputs(run_key)
    return folder


async def _wait_for_workers(celery: Celery, settings: TailorSettings) -> list[str]:
    """The workers consuming the eval queue; ConfigError after `eval_worker_wait_s` with none."""
    deadline = time.monotonic() + settings.eval_worker_wait_s
    while True:
        found = await asyncio.to_thread(_eval_workers, celery, settings.eval_queue)
        if found:
            return found
        if time.monotonic() >= deadline:
            raise ConfigError(
                f"no worker consumes queue {settings.eval_queue!r} on {masked(broker_url(settings))} "
                f"(waited {settings.eval_worker_wait_s:.0f} s): start one with `tailor worker --queues "
                f"{settings.eval_queue}`, then run the same command again"
            )
        await asyncio.sleep(0.5)


def _eval_workers(celery: Celery, queue: str) -> list[str]:
    replies: dict[str, Any] = celery.control.inspect(timeout=1.0).active_queues() or {}
    return sorted(name for name, queues in replies.items() if any(q.get("name") == queue for q in queues or []))


def _send(
    celery: Celery, settings: TailorSettings, run_key: str, epoch: int, pending: list[str],
    dispatch: Dispatch, task_ids: list[str],
) -> None:  # fmt: skip
    with celery.producer_or_acquire() as producer:
        for case_id in pending:
            result = celery.send_task(EVAL_TASK, args=[run_key, case_id, epoch], queue=settings.eval_queue,
                                      producer=producer)  # fmt: skip
            task_ids.append(result.id)
            now = time.time()
            if dispatch.first_sent_at is None:
                dispatch.first_sent_at = now
            dispatch.last_sent_at = now
            dispatch.sent += 1


async def _follow(
    store: StateStore, run_key: str, pending: set[str], since: float, progress: Progress | None, dispatch: Dispatch
) -> None:
    """Until every pending case has a record, report each new one (from the store) to `progress`."""
    seen: set[str] = set()
    newest = since
    while not pending <= seen:
        rows = await asyncio.to_thread(store.recorded_since, run_key, newest - OVERLAP_S)
        for row in rows:
            newest = max(newest, row.recorded_at)
            if row.case_id in seen or row.case_id not in pending:
                continue
            seen.add(row.case_id)
            if progress is not None:
                progress(CaseRecord(case_id=row.case_id, status=row.status, error=row.error))
        if not pending <= seen:
            await asyncio.sleep(POLL_S)


def _cancel(store: StateStore, celery: Celery, run_key: str, task_ids: list[str]) -> None:
    """Stale the run's outstanding messages (the store's epoch, which every worker checks first)
    and revoke them (workers drop a revoked message unrun)."""
    store.bump_epoch(run_key)
    try:
        celery.control.revoke(task_ids)
    except Exception as exc:  # the epoch already makes them stale
        log.warning("revoking %d tasks failed: %s", len(task_ids), type(exc).__name__)


def _write_results(
    store: StateStore, run_key: str, folder: Path, in_folder: dict[str, CaseRecord], order: list[str]
) -> list[CaseRecord]:
    """cases.jsonl from the store's records (the folder's own kept where the store has none)."""
    latest = dict(in_folder)
    for line in store.run_records(run_key):
        record = CaseRecord.model_validate_json(line)
        latest[record.case_id] = record
    records = [latest[cid] for cid in order if cid in latest]
    atomic_write_text(folder / CASES_FILE, "".join(r.model_dump_json() + "\n" for r in records))
    last = max((r.finished_at for r in records), default=None)
    dispatch_path = folder / DISPATCH_FILE
    if dispatch_path.exists() and last:
        data = json.loads(dispatch_path.read_text(encoding="utf-8"))
        data["last_recorded_at"] = last
        atomic_write_text(dispatch_path, json.dumps(data, indent=2) + "\n")
    return records
