"""A pipeline manifest pins, for each agent, its prompt version, model and parameters.

The content hash of the *resolved* manifest (every agent's prompt content hash, model, merged
parameters and options) is the pipeline version's identity; the label is a human name for it.
Changing any prompt file, model or parameter therefore yields a new hash.

Options are kept and hashed exactly as written: the registry does not know the agents, so each
agent's options are typed and validated by the pipeline (`app.pipeline`'s options models, run by
`tailor prompts check` and before every run). A default added there never changes a hash.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.errors import RegistryError
from app.hashing import sha256_json, short
from app.registry._prompts import PromptVersion, load_prompt_version


class AgentEntry(BaseModel):
    """One agent as written in a manifest file."""

    model_config = ConfigDict(extra="forbid")

    prompt: str | None = None  # name@version; None for an agent that runs on rules only
    model: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    options: dict[str, Any] = Field(default_factory=dict)  # as written; validated by the pipeline


class ManifestFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str
    description: str = ""
    parent: str | None = None
    model: str = "local/smollm2"
    params: dict[str, Any] = Field(default_factory=dict)
    agents: dict[str, AgentEntry]


class AgentSpec(BaseModel):
    """One agent, resolved: what it actually runs with."""

    model_config = ConfigDict(frozen=True)

    name: str
    prompt_ref: str | None
    prompt_hash: str | None
    model: str
    params: dict[str, Any]
    options: dict[str, Any]  # as written in the manifest (hashed so); typed by the pipeline

    def identity(self) -> dict[str, Any]:
        return self.model_dump(exclude={"name"})


class Pipeline(BaseModel):
    """A resolved pipeline version; `hash` is over the agents only, not the label or description."""

    model_config = ConfigDict(frozen=True)

    label: str
    description: str
    hash: str
    agents: dict[str, AgentSpec]
    source: str = ""  # the manifest file, or where the snapshot came from

    @property
    def short_hash(self) -> str:
        return short(self.hash)

    def prompt(self, registry_prompts: Path, agent: str) -> PromptVersion:
        spec = self.agents[agent]
        if spec.prompt_ref is None:
            raise RegistryError(f"agent {agent!r} of pipeline {self.label} has no prompt")
        name, _, version = spec.prompt_ref.partition("@")
        prompt = load_prompt_version(registry_prompts, name, version)
        if prompt.content_hash != spec.prompt_hash:
            raise RegistryError(
                f"prompt {spec.prompt_ref} changed since pipeline {self.label} ({self.short_hash}) pinned it"
            )
        return prompt

    def with_model(self, model: str) -> Pipeline:
        """The same pipeline on another model: a different pipeline version, with its own hash."""
        agents = {n: a.model_copy(update={"model": model}) for n, a in self.agents.items()}
        return Pipeline(
            label=f"{self.label}+{model}",
            description=f"{self.label} with every agent on {model}",
            hash=pipeline_hash(agents),
            agents=agents,
            source=self.source,
        )

    def snapshot(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def pipeline_hash(agents: dict[str, AgentSpec]) -> str:
    return sha256_json({name: spec.identity() for name, spec in sorted(agents.items())})


def read_manifest_file(path: Path) -> ManifestFile:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return ManifestFile.model_validate(raw)
    except (yaml.YAMLError, ValidationError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise RegistryError(f"{path}: invalid pipeline manifest ({first})") from exc


def resolve_manifest(path: Path, prompts_root: Path) -> Pipeline:
    """Load every pinned prompt, merge parameters (prompt defaults < pipeline < agent), hash."""
    manifest = read_manifest_file(path)
    agents: dict[str, AgentSpec] = {}
    for name, entry in manifest.agents.items():
        prompt_hash = None
        params: dict[str, Any] = {}
        if entry.prompt is not None:
            prompt_name, sep, version = entry.prompt.partition("@")
            if not sep:
                raise RegistryError(f"{path}: agent {name!r} must pin prompt as name@version")
            prompt = load_prompt_version(prompts_root, prompt_name, version)
            prompt_hash = prompt.content_hash
            params.update(prompt.params)
        params.update(manifest.params)
        params.update(entry.params)
        agents[name] = AgentSpec(
            name=name,
            prompt_ref=entry.prompt,
            prompt_hash=prompt_hash,
            model=entry.model or manifest.model,
            params=params,
            options=entry.options,
        )
    return Pipeline(
        label=manifest.label,
        description=manifest.description.strip(),
        hash=pipeline_hash(agents),
        agents=agents,
        source=str(path),
    )
