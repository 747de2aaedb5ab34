"""The prompt registry: immutable prompt versions, pipeline manifests, the lock, and aliases."""

from app.registry._aliases import AliasMove, AliasStore, SQLiteAliasStore, open_alias_store
from app.registry._lock import Problem, RegistryLock
from app.registry._manifest import AgentSpec, Pipeline, pipeline_hash, resolve_manifest
from app.registry._prompts import PromptVersion
from app.registry._registry import Registry

__all__ = [
    "AgentSpec",
    "AliasMove",
    "AliasStore",
    "Pipeline",
    "Problem",
    "PromptVersion",
    "Registry",
    "RegistryLock",
    "SQLiteAliasStore",
    "open_alias_store",
    "pipeline_hash",
    "resolve_manifest",
]


def open_registry() -> Registry:
    from app.settings import get_settings

    settings = get_settings()
    return Registry(settings.registry, settings.state)
