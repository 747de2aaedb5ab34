"""Celery workers for the serving API's jobs (`tailor worker`, docs/api.md "Workers and durability").

Importing this package does not import Celery; `run_worker` does.
"""

from app.workers.main import Pool, WorkerOptions, run_worker
from app.workers.runtime import WorkerRuntime, current_runtime

__all__ = ["Pool", "WorkerOptions", "WorkerRuntime", "current_runtime", "run_worker"]
