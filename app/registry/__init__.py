"""The prompt registry: immutable prompt versions, pipeline manifests, the lock, and aliases.

The package's public surface: other packages import from `app.registry`, never from its `_private`
modules (`.importlinter`).
"""

from app.registry._aliases import AliasMove, current_actor, read_bootstrap
from app.registry._diff import diff_pipelines, diff_prompts
from app.registry._lock import Problem, RegistryLock
from app.registry._manifest import AgentSpec, Pipeline, pipeline_hash, resolve_manifest
from app.registry._prompts import TEMPLATE_ROLES, PromptVersion
from app.registry._registry import Registry

__all__ = [
    "TEMPLATE_ROLES",
    "AgentSpec",
    "AliasMove",
    "Pipeline",
    "Problem",
    "PromptVersion",
    "Registry",
    "RegistryLock",
    "current_actor",
    "diff_pipelines",
    "diff_prompts",
    "open_registry",
    "pipeline_hash",
    "read_bootstrap",
    "resolve_manifest",
]


def open_registry() -> Registry:
    from app.settings import get_settings

    settings = get_settings()
    return Registry(settings.registry, settings.state)
