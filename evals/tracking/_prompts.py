"""Mirror registry prompt versions into MLflow's prompt registry, for lineage and the MLflow UI.

The Tailor registry stays the source of truth (pipelines render from it); MLflow gets a read-only
copy: prompt `tailor.<name>`, one MLflow version per Tailor content hash, as a chat template
(system, few-shot turns, user) with the Jinja source kept as is. MLflow numbers its versions
itself (1, 2, ...), so each carries the tags `tailor.version` (v2) and `tailor.content_hash`,
and mirroring is idempotent on the content hash. Pipeline aliases (`production`) become MLflow
prompt aliases on the versions the aliased pipeline pins.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from app.errors import InputError

if TYPE_CHECKING:
    from mlflow import MlflowClient
    from mlflow.entities.model_registry import PromptVersion as MlflowPromptVersion

    from app.registry import Pipeline, PromptVersion, Registry

PREFIX = "tailor."
VERSION_TAG, HASH_TAG = "tailor.version", "tailor.content_hash"
_RESERVED_ALIAS = re.compile(r"^(latest|[vV]\d+)$")


def mlflow_prompt_name(prompt_name: str) -> str:
    return f"{PREFIX}{prompt_name}"


def chat_template(prompt: PromptVersion) -> list[dict[str, str]]:
    """The messages `PromptVersion.render` produces, unrendered: MLflow reads `{{ x }}` as variables."""
    system = prompt.template_source("system").strip()
    messages = [{"role": "system", "content": system}] if system else []
    for user, assistant in prompt.shots:
        messages += [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]
    messages.append({"role": "user", "content": prompt.template_source("user").strip()})
    return messages


def _model_config(params: dict[str, Any]) -> dict[str, Any] | None:
    """The prompt's default parameters, in MLflow's shape (unknown ones go to extra params)."""
    from mlflow.entities.model_registry.prompt_version import PromptModelConfig
    from pydantic import ValidationError

    if not params:
        return None
    mapped = {("stop_sequences" if k == "stop" else k): v for k, v in params.items()}
    try:
        return PromptModelConfig.from_dict(mapped).to_dict()
    except (ValidationError, TypeError, ValueError):
        return None  # informative only: never block mirroring on it


def find_version(client: MlflowClient, name: str, content_hash: str) -> MlflowPromptVersion | None:
    """The MLflow version of prompt `name` tagged with `content_hash`, if any."""
    if client.get_prompt(name) is None:
        return None
    token: str | None = None
    while True:
        page = client.search_prompt_versions(name, max_results=100, page_token=token)
        for version in page:
            if version.tags.get(HASH_TAG) == content_hash:
                return version
        token = page.token
        if not token:
            return None


def ensure_version(client: MlflowClient, prompt: PromptVersion) -> MlflowPromptVersion:
    """The MLflow copy of `prompt`, registered unless one with its content hash exists."""
    name = mlflow_prompt_name(prompt.name)
    existing = find_version(client, name, prompt.content_hash)
    if existing is not None:
        return existing
    tags = {VERSION_TAG: prompt.version, HASH_TAG: prompt.content_hash}
    version = client.register_prompt(
        name=name,
        template=chat_template(prompt),
        commit_message=prompt.description or f"{prompt.ref} (Tailor prompt registry)",
        tags=tags,
        response_format=prompt.output_schema or None,
        model_config=_model_config(prompt.params),
    )
    # NB: MLflow also copies these tags onto the prompt itself (there they describe the latest
    # registration). Deleting them races MLflow's own background prompt-tagging thread, which can
    # lose the prompt's `is_prompt` marker; so they stay.
    return version


def mirror_pipeline_prompts(
    client: MlflowClient, pipeline: Pipeline, registry: Registry
) -> list[MlflowPromptVersion]:
    """Every prompt version the pipeline pins, mirrored (checked against its pinned hash first)."""
    versions: dict[str, MlflowPromptVersion] = {}
    for agent, spec in sorted(pipeline.agents.items()):
        if spec.prompt_ref is None or spec.prompt_ref in versions:
            continue
        prompt = pipeline.prompt(registry.prompts_root, agent)  # RegistryError if edited since pinned
        versions[spec.prompt_ref] = ensure_version(client, prompt)
    return list(versions.values())


def mirror_prompts(
    pipeline: Pipeline,
    registry: Registry,
    *,
    tracking_uri: str,
    aliases: dict[str, str] | None = None,
) -> list[str]:
    """Mirror the pipeline's prompt versions (and, for `aliases` {alias: pipeline hash}, those of
    each aliased pipeline, with the alias set on them); returns the "name/version" mirrored."""
    from evals.tracking._client import mlflow_client

    for alias in aliases or {}:
        if _RESERVED_ALIAS.match(alias) or not re.match(r"^[\w-]+$", alias):
            raise InputError(f"alias {alias!r} cannot be an MLflow prompt alias (reserved or invalid)")
    client = mlflow_client(tracking_uri)
    mirrored: dict[str, MlflowPromptVersion] = {}
    for version in mirror_pipeline_prompts(client, pipeline, registry):
        mirrored[f"{version.name}/{version.version}"] = version
    for alias, target_hash in sorted((aliases or {}).items()):
        target = pipeline if target_hash == pipeline.hash else registry.resolve(target_hash)
        pinned = mirror_pipeline_prompts(client, target, registry)
        for version in pinned:
            mirrored[f"{version.name}/{version.version}"] = version
            client.set_prompt_alias(version.name, alias, int(version.version))
        _drop_alias_elsewhere(client, alias, keep={v.name for v in pinned})
    return list(mirrored)


def _drop_alias_elsewhere(client: MlflowClient, alias: str, keep: set[str]) -> None:
    """An alias moved to a pipeline without some prompt: that prompt must not keep the alias."""
    from mlflow.exceptions import MlflowException

    for prompt in client.search_prompts(filter_string=f"name LIKE '{PREFIX}%'"):
        if prompt.name in keep:
            continue
        try:
            client.get_prompt_version_by_alias(prompt.name, alias)
        except MlflowException:
            continue  # not set there
        client.delete_prompt_alias(prompt.name, alias)
