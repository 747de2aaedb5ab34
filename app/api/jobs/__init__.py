"""Durable jobs: stored in the state store; run in process by `JobRunner` (the default) or by Celery
workers (`CeleryJobQueue` sends them, `tailor worker` runs them); shown by `JobService`."""

from app.api.jobs.attempt import JobAttempts, Outcome
from app.api.jobs.broker import TASK_NAME, Dispatcher, make_celery, sweep_stranded
from app.api.jobs.execute import TailorJob
from app.api.jobs.progress import AGENT_STEPS, ProgressTracker
from app.api.jobs.queue import CeleryJobQueue, JobQueue, make_job_queue, uses_celery
from app.api.jobs.runner import JobRunner, worker_id
from app.api.jobs.service import DOWNLOAD_FORMATS, JobService, accepted, links, pipeline_of, view
from app.api.jobs.webhook import WebhookSender

__all__ = [
    "AGENT_STEPS",
    "DOWNLOAD_FORMATS",
    "TASK_NAME",
    "CeleryJobQueue",
    "Dispatcher",
    "JobAttempts",
    "JobQueue",
    "JobRunner",
    "JobService",
    "Outcome",
    "ProgressTracker",
    "TailorJob",
    "WebhookSender",
    "accepted",
    "links",
    "make_celery",
    "make_job_queue",
    "pipeline_of",
    "sweep_stranded",
    "uses_celery",
    "view",
    "worker_id",
]
