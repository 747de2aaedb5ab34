"""The worker side of distributed evaluations: `tailor worker --queues eval` registers `EVAL_TASK`,
which runs one case of a run and records it in the state store exactly once.

One `EvalWorker` per process holds the state store, the shared response cache, the plans of the
runs it has seen, and one event loop in a thread of its own. Celery's thread pool runs tasks in
threads (`--concurrency` of them), each handing its case to that loop and waiting: the cases of a
process share one loop, one HTTP client pool and one cache connection, as in a local run.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
from typing import TYPE_CHECKING, Literal

from app.errors import RegistryError, TailorError
from app.hashing import code_hash
from app.models import ResponseCache, cache_location
from app.settings import TailorSettings
from app.state import open_state
from evals.datasets import Case
from evals.distributed._celery import EVAL_TASK
from evals.distributed._spec import RunSpec, WorkerPlan, worker_plan
from evals.runner import CaseRecord, evaluate_one

if TYPE_CHECKING:
    from celery import Celery

log = logging.getLogger("tailor.worker")

Outcome = Literal["recorded", "duplicate", "done", "stale"]


class EvalWorker:
    def __init__(self, settings: TailorSettings, code: str | None = None) -> None:
        self.pid = os.getpid()
        self.settings = settings
        self.name = f"{socket.gethostname()}:{self.pid}"
        self.store = open_state(settings.state)
        self.code = code or code_hash(settings.code_root)
        self._cache: ResponseCache | None = None
        self._plans: dict[str, tuple[int, WorkerPlan | TailorError]] = {}
        self._lock = threading.Lock()
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, name="tailor-eval-loop", daemon=True).start()

    def run_case(self, run_key: str, case_id: str, epoch: int) -> Outcome:
        """One delivery of a case: run and record it, unless it is recorded already or stale."""
        inputs = self.store.start_case(run_key, case_id, worker=self.name, epoch=epoch)
        if inputs is None:
            return "stale" if self.store.run_spec(run_key)[1] != epoch else "done"
        case = Case.model_validate_json(inputs)
        plan = self._plan(run_key, epoch)
        if isinstance(plan, TailorError):
            record = CaseRecord(case_id=case.id, status="error", error=str(plan), tags=case.tags,
                                input_hash=case.input_hash())  # fmt: skip
        else:
            cache = self._shared_cache() if plan.use_cache else None
            coroutine = evaluate_one(
                case, solver=plan.solver, scorers=plan.scorers, scorer_kwargs=plan.scorer_kwargs,
                cache=cache, settings=self.settings,
            )  # fmt: skip
            record = asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()
        wrote = self.store.record_case(
            run_key, case_id, record_json=record.model_dump_json(), status="ok" if record.status == "ok" else "error",
            worker=self.name,
        )  # fmt: skip
        return "recorded" if wrote else "duplicate"

    def _plan(self, run_key: str, epoch: int) -> WorkerPlan | TailorError:
        """The run's plan for this epoch (each submission stores its spec with a new epoch)."""
        with self._lock:
            known = self._plans.get(run_key)
            if known is not None and known[0] == epoch:
                return known[1]
            spec_json = self.store.run_spec(run_key)[0] or "{}"
            try:
                plan: WorkerPlan | TailorError = worker_plan(
                    RunSpec.model_validate_json(spec_json), self.settings, self.code
                )
            except ValueError as exc:  # a spec this code cannot read
                plan = RegistryError(f"this worker cannot read run {run_key[:12]}'s spec: deploy the same commit")
                log.warning("cannot run %s: %s", run_key[:12], str(exc).splitlines()[0])
            except TailorError as exc:
                log.warning("cannot run %s: %s", run_key[:12], exc, extra={"event": "eval.plan_refused"})
                plan = exc
            self._plans[run_key] = (epoch, plan)
            return plan

    def _shared_cache(self) -> ResponseCache:
        with self._lock:
            if self._cache is None:
                self._cache = ResponseCache(cache_location(self.settings))
            return self._cache


# Modules the first model call would import (litellm's OpenAI handler and the OpenAI client's chat
# resources, about a second here): imported when the worker starts, not inside its first cases.
CALL_PATH_MODULES = (
    "openai.resources.chat.completions",
    "litellm.llms.openai.openai",
    "litellm.litellm_core_utils.prompt_templates.common_utils",
    "psycopg",
)


def _import_call_path() -> None:
    import importlib

    for name in CALL_PATH_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:  # another litellm layout: the first call imports what it needs
            log.debug("warm-up: %s not importable", name)


_worker: EvalWorker | None = None
_worker_lock = threading.Lock()
_code: str | None = None  # the code hash, taken once when the task is registered


def current_eval_worker(settings: TailorSettings) -> EvalWorker:
    """This process's EvalWorker (a forked child builds its own)."""
    global _worker
    with _worker_lock:
        if _worker is None or _worker.pid != os.getpid():
            _worker = EvalWorker(settings, _code)
        return _worker


def register_eval_task(celery: Celery, settings: TailorSettings) -> None:
    """Register `EVAL_TASK` on this worker's Celery app. The code hash is taken now: a worker runs
    the code it started with, and says so when a run needs other code."""
    global _code
    _code = code_hash(settings.code_root)
    from celery.signals import worker_process_init

    def warm_child(**_: object) -> None:  # a prefork child: ready before its first case
        current_eval_worker(settings)

    worker_process_init.connect(warm_child, weak=False)
    _import_call_path()

    def eval_case(run_key: str, case_id: str, epoch: int) -> str:
        return current_eval_worker(settings).run_case(run_key, case_id, epoch)

    celery.task(name=EVAL_TASK, ignore_result=True)(eval_case)
