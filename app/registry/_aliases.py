"""Alias helpers for the registry: the committed bootstrap file and who is moving an alias.

The aliases themselves live in the shared state store (`app.state`): its location is the one
setting `state_url`, so every CLI run, CI job and server of a team reads the same `production`.
A fresh store adopts the committed bootstrap file (`prompt_registry/aliases.yaml`).
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import yaml

from app.errors import RegistryError
from app.state import ALIAS_RE, AliasMove

__all__ = ["ALIAS_RE", "BOOTSTRAP_NAME", "AliasMove", "current_actor", "read_bootstrap"]

BOOTSTRAP_NAME = "aliases.yaml"


def read_bootstrap(registry_root: Path) -> dict[str, dict[str, str]]:
    """`{alias: {pipeline: label, hash: ...}}` from the committed bootstrap file."""
    path = registry_root / BOOTSTRAP_NAME
    if not path.is_file():
        return {}
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise RegistryError(f"{path}: not valid YAML") from exc
    out = {}
    for alias, entry in raw.items():
        if not isinstance(entry, dict) or "pipeline" not in entry or "hash" not in entry:
            raise RegistryError(f"{path}: alias {alias!r} needs 'pipeline' (label) and 'hash'")
        out[str(alias)] = {"pipeline": str(entry["pipeline"]), "hash": str(entry["hash"])}
    return out


def current_actor() -> str:
    """Who moves an alias: TAILOR_ACTOR, else CI's actor, else the OS user."""
    for key in ("TAILOR_ACTOR", "GITHUB_ACTOR"):
        if os.environ.get(key):
            return os.environ[key]
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"
