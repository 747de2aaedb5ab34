"""The tailoring service: from user files (or bytes) to a result. The CLI and, later, the API call this."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.models import (
    BREAKERS,
    ModelClient,
    ResponseCache,
    cache_location,
    shared_response_cache,
    validate_model,
)
from app.pipeline import TailorResult, Tracer, tailor
from app.registry import Pipeline, Registry, open_registry
from app.resume import job_description_text, load_resume_source, read_text_file
from app.settings import TailorSettings, get_settings


@dataclass(frozen=True)
class TailorInputs:
    resume: dict[str, Any]
    jd_text: str


def read_inputs(resume_path: Path, jd_path: Path, settings: TailorSettings | None = None) -> TailorInputs:
    settings = settings or get_settings()
    resume_raw = read_text_file(resume_path, what="resume", max_bytes=settings.max_resume_bytes)
    jd_raw = read_text_file(jd_path, what="job description", max_bytes=settings.max_jd_bytes)
    return TailorInputs(load_resume_source(resume_raw), job_description_text(jd_raw))


def resolve_pipeline(ref: str, model: str | None = None, registry: Registry | None = None) -> Pipeline:
    """A pipeline by label, hash or alias, optionally moved to another model; every model validated."""
    from app.pipeline import check_pipeline_contract

    registry = registry or open_registry()
    pipeline = _manifest_file(ref, registry) or registry.resolve(ref)
    check_pipeline_contract(pipeline, registry.prompts_root)
    if model:
        pipeline = pipeline.with_model(model)
    for spec in pipeline.agents.values():
        if spec.prompt_ref is not None:
            validate_model(spec.model)
    return pipeline


def _manifest_file(ref: str, registry: Registry) -> Pipeline | None:
    """A manifest file outside the registry (`ci/regressions/*.yaml`), read against its prompts."""
    from app.registry import resolve_manifest

    if not ref.endswith((".yaml", ".yml")):
        return None
    path = Path(ref)
    if not path.is_file():
        from app.errors import NotFoundError

        raise NotFoundError(f"pipeline manifest {ref} not found")
    return resolve_manifest(path, registry.prompts_root)


def make_client(
    *, use_cache: bool, settings: TailorSettings | None = None, cache: ResponseCache | None = None
) -> ModelClient:
    """A client for one run. It holds no connection of its own: the cache is the process's shared one
    (opened once, closed at exit), and providers are loaded once per process."""
    settings = settings or get_settings()
    if use_cache and cache is None:
        cache = shared_response_cache(cache_location(settings))
    return ModelClient(
        cache=cache if use_cache else None,
        retries=settings.max_retries,
        timeout_s=settings.request_timeout_s,
        breakers=BREAKERS.configure(settings.circuit_failures, settings.circuit_open_s),  # per process
        fallback_model=settings.fallback_model,
    )


async def run_tailoring(
    inputs: TailorInputs,
    pipeline: Pipeline,
    client: ModelClient,
    *,
    tracer: Tracer | None = None,
    settings: TailorSettings | None = None,
) -> TailorResult:
    settings = settings or get_settings()
    return await tailor(
        inputs.resume,
        inputs.jd_text,
        pipeline,
        client=client,
        prompts_root=settings.registry / "prompts",
        tracer=tracer,
    )
