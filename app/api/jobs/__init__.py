"""Durable jobs: stored in the state store, run in process by `JobRunner`, shown by `JobService`."""

from app.api.jobs.execute import TailorJob
from app.api.jobs.progress import AGENT_STEPS, ProgressTracker
from app.api.jobs.runner import JobRunner
from app.api.jobs.service import DOWNLOAD_FORMATS, JobService, accepted, links, pipeline_of, view
from app.api.jobs.webhook import WebhookSender

__all__ = [
    "AGENT_STEPS",
    "DOWNLOAD_FORMATS",
    "JobRunner",
    "JobService",
    "ProgressTracker",
    "TailorJob",
    "WebhookSender",
    "accepted",
    "links",
    "pipeline_of",
    "view",
]
