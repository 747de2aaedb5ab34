"""What running a job means: the tailoring service on the job's stored inputs, with the exact pipeline
version it was submitted with, a model client of its own (usage metered per job; the response cache
is the process's shared one), and per-agent progress through the pipeline's tracer."""

from __future__ import annotations

from typing import Any

from app.api.jobs.progress import ProgressTracker
from app.api.render import compare_markdown
from app.api.serving import pipeline_from_snapshot
from app.errors import InputError
from app.resume import render_markdown
from app.services.tailoring import make_client, run_tailoring
from app.services.text_inputs import inputs_from_text
from app.settings import TailorSettings
from app.state import JobEntry


class TailorJob:
    def __init__(self, settings: TailorSettings) -> None:
        self.settings = settings

    async def __call__(self, job: JobEntry, tracker: ProgressTracker) -> dict[str, Any]:
        if job.resume_text is None or job.jd_text is None:
            raise InputError(f"job {job.id} has no inputs (erased)")
        inputs = inputs_from_text(job.resume_text, job.jd_text)
        pipeline = pipeline_from_snapshot(job.pipeline_snapshot)
        client = make_client(use_cache=self.settings.cache_enabled, settings=self.settings)
        result = await run_tailoring(inputs, pipeline, client, tracer=tracker, settings=self.settings)
        payload: dict[str, Any] = result.model_dump(mode="json")
        payload["comparison"] = compare_markdown(render_markdown(inputs.resume), result.markdown)
        payload["fallback_used"] = bool(result.usage.get("fallback_used"))  # a fallback model answered
        return payload
