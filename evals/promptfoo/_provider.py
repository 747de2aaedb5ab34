"""The promptfoo provider: `file://…/evals/promptfoo/_provider.py:call_api` runs Tailor's pipeline.

promptfoo keeps this module loaded in a Python worker and calls `call_api(prompt, options,
context)` once per test. The pipeline is the exported version (pinned by hash), run by the same
solver as `tailor eval`, with Tailor's response cache: a golden case already evaluated costs no
model call. The answer's `output` is the tailored resume as markdown and its metadata carries the
runner's privacy-safe record (JSON Resume, suggestions, line changes, usage), pseudonymised:
promptfoo's database and viewer never see a contact detail.

This file is loaded by promptfoo as a script, not as `evals.promptfoo._provider`: it imports only
absolute names.
"""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from app.errors import TailorError

if TYPE_CHECKING:
    from app.registry import Pipeline
    from evals.promptfoo._models import ProviderReport


@lru_cache(maxsize=8)
def _pipeline(ref: str, model: str | None, expected_hash: str) -> Pipeline:
    from app.errors import RegistryError
    from app.services.tailoring import resolve_pipeline
    from evals.promptfoo._models import untag_hash

    expected_hash = untag_hash(expected_hash)
    pipeline = resolve_pipeline(untag_hash(ref), model)
    if expected_hash and pipeline.hash != expected_hash:
        raise RegistryError(
            f"pipeline {ref} is now {pipeline.short_hash}, not the exported {expected_hash[:12]}: export again"
        )
    return pipeline


@lru_cache(maxsize=1)
def _code_hash() -> str:
    from app.hashing import code_hash
    from app.settings import get_settings

    return code_hash(get_settings().code_root)


async def tailor_test(config: dict[str, Any], context: dict[str, Any]) -> ProviderReport:
    """Run the pipeline on the test's case; the runner's record of it, pseudonymised, without scores."""
    from app.errors import ConfigError
    from app.services.tailoring import make_client
    from app.settings import get_settings
    from evals.promptfoo._cases import resolve_case
    from evals.promptfoo._models import ProviderReport
    from evals.runner import privacy_safe_record, tailoring_solver

    settings = get_settings()
    if not config.get("pipeline"):
        raise ConfigError(
            "the provider's config names no pipeline: make the config with `tailor promptfoo export`"
        )
    pipeline = _pipeline(str(config["pipeline"]), config.get("model"), str(config.get("pipeline_hash") or ""))
    test = context.get("test") or {}
    resolved = resolve_case(context.get("vars") or {}, test.get("metadata"))
    client = make_client(use_cache=bool(config.get("cache", True)), settings=settings)
    solver = tailoring_solver(pipeline, settings)
    # A golden case runs as `tailor eval` runs it; other vars run as they stand (their tokens
    # stand in for contact details, and a contact detail typed into them is pseudonymised here).
    solved = await solver(resolved.case, client)
    record = privacy_safe_record(resolved.case, solved, {})
    record.usage.setdefault("model_calls", client.model_calls)
    return ProviderReport(
        golden=resolved.golden,
        dataset=resolved.dataset,
        pipeline_label=pipeline.label,
        pipeline_hash=pipeline.hash,
        code_hash=_code_hash(),
        record=record,
    )


def call_api(prompt: str, options: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """promptfoo's entry point: {"output": markdown, "metadata": {"tailor": …}, tokens and cost},
    or {"error": one line} when the case cannot be tailored."""
    from app.environment import apply_quiet_environment

    apply_quiet_environment()
    try:
        report = asyncio.run(tailor_test(options.get("config") or {}, context))
    except TailorError as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    except Exception as exc:  # promptfoo shows it as this test's error; the worker lives on
        first = str(exc).splitlines()[0][:200] if str(exc) else ""
        return {"error": f"internal error ({type(exc).__name__}): {first}"}
    from evals.promptfoo._models import META_KEY

    record = report.record
    usage = record.usage
    prompt_tokens, completion_tokens = int(usage.get("input_tokens", 0)), int(usage.get("output_tokens", 0))
    return {
        "output": record.output.get("markdown", ""),
        "metadata": {META_KEY: report.model_dump(mode="json")},
        "tokenUsage": {
            "prompt": prompt_tokens,
            "completion": completion_tokens,
            "total": prompt_tokens + completion_tokens,
            "numRequests": int(usage.get("calls", 0)),
        },
        "cost": float(usage.get("cost_usd", 0.0) or 0.0),
        "latencyMs": int(record.latency_ms or 0),
    }
