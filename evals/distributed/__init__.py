"""Distributed evaluations: `tailor eval --backend celery` sends each case to Celery workers
(`tailor worker --queues eval`); the state store holds every case's inputs and its one record.

Submitting: `run_eval_distributed` (the harness calls it for `backend="celery"`).
Working: `register_eval_task` (the worker registers the task) and `EvalWorker`.
"""

from evals.distributed._celery import EVAL_TASK, broker_url, make_eval_celery
from evals.distributed._spec import RunSpec, WorkerPlan, worker_plan
from evals.distributed._submit import DISPATCH_FILE, Dispatch, run_eval_distributed
from evals.distributed._worker import EvalWorker, current_eval_worker, register_eval_task

__all__ = [
    "DISPATCH_FILE",
    "EVAL_TASK",
    "Dispatch",
    "EvalWorker",
    "RunSpec",
    "WorkerPlan",
    "broker_url",
    "current_eval_worker",
    "make_eval_celery",
    "register_eval_task",
    "run_eval_distributed",
    "worker_plan",
]
