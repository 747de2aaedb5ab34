"""One tailoring run: pseudonymise, run the crew, restore, render, account."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any

from app.grounding import strip_injections
from app.hashing import sha256_json, sha256_text
from app.heavy import load
from app.models import ModelClient
from app.pipeline._context import NoTracer, RunContext, Tracer
from app.pipeline._types import TailorResult
from app.registry import Pipeline
from app.resume import ContactVault, render_markdown

log = logging.getLogger("tailor.pipeline")


async def tailor(
    resume: dict[str, Any],
    jd_text: str,
    pipeline: Pipeline,
    *,
    client: ModelClient,
    prompts_root: Path,
    tracer: Tracer | None = None,
) -> TailorResult:
    """Tailor a valid JSON Resume to a JD with one pipeline version. Never mutates `resume`."""
    load("crewai")  # imported when a run starts, not at CLI start
    from app.pipeline._flow import TailorFlow

    started = time.perf_counter()
    vault = ContactVault.from_resume(resume, extra_texts=[jd_text])
    ctx = RunContext(
        pipeline=pipeline,
        prompts_root=prompts_root,
        client=client,
        vault=vault,
        jd_text=vault.pseudonymise(strip_injections(jd_text)),  # injected lines are not requirements
        tracer=tracer or NoTracer(),
    )
    before = client.meter.mark()
    flow = TailorFlow().bind(ctx, resume)
    await flow.kickoff_async()
    state = flow.state
    latency_ms = round((time.perf_counter() - started) * 1000, 3)
    usage = client.meter.summary(since=before)  # this run's calls only (a client may serve several)
    log.info(
        "tailored resume=%s jd=%s pipeline=%s accepted=%d reverted=%d ms=%.0f",
        sha256_json(resume)[:12],
        sha256_text(jd_text)[:12],
        pipeline.short_hash,
        sum(c.status == "accepted" for c in state.changes),
        sum(c.status == "reverted" for c in state.changes),
        latency_ms,
    )
    return TailorResult(
        tailored_resume=state.tailored,
        markdown=render_markdown(state.tailored),
        suggestions=state.suggestions,
        pipeline={"label": pipeline.label, "hash": pipeline.hash},
        usage=usage,
        latency_ms=latency_ms,
        requirements=state.requirements,
        changes=state.changes,
        steps_ms=state.steps_ms,
    )


def tailor_sync(*args: Any, **kwargs: Any) -> TailorResult:
    return asyncio.run(tailor(*args, **kwargs))
