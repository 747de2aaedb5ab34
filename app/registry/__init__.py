"""The prompt registry: immutable prompt versions, pipeline manifests, the lock, and aliases."""

from app.registry._aliases import AliasMove, current_actor, read_bootstrap
from app.registry._lock import Problem, RegistryLock
from app.registry._manifest import AgentSpec, Pipeline, pipeline_hash, resolve_manifest
from app.registry._prompts import PromptVersion
from app.registry._registry import Registry

__all__ = [
    "AgentSpec",
    "AliasMove",
    "Pipeline",
    "Problem",
    "PromptVersion",
    "Registry",
    "RegistryLock",
    "current_actor",
    "pipeline_hash",
    "read_bootstrap",
    "resolve_manifest",
]


def open_registry() -> Registry:
    from app.settings import get_settings

    settings = get_settings()
    return Registry(settings.registry, settings.state)
