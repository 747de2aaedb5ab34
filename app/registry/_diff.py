"""Readable diffs: unified diffs of templates, and deepdiff of parameters and agents."""

from __future__ import annotations

import difflib
import json
from typing import Any

from app.registry._manifest import Pipeline
from app.registry._prompts import TEMPLATE_ROLES, PromptVersion


def _unified(old: str, new: str, old_name: str, new_name: str) -> list[str]:
    return list(
        difflib.unified_diff(
            old.splitlines(), new.splitlines(), fromfile=old_name, tofile=new_name, lineterm=""
        )
    )


def _meta(p: PromptVersion) -> dict[str, Any]:
    return {
        "params": p.params,
        "output_schema": p.output_schema,
        "shots": [list(s) for s in p.shots],
        "description": p.description,
    }


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def diff_prompts(old: PromptVersion, new: PromptVersion) -> str:
    out: list[str] = []
    for role in TEMPLATE_ROLES:
        out += _unified(
            old.template_source(role),
            new.template_source(role),
            f"{old.ref}/{role}.j2",
            f"{new.ref}/{role}.j2",
        )
    out += _unified(
        _pretty(_meta(old)), _pretty(_meta(new)), f"{old.ref}/prompt.yaml", f"{new.ref}/prompt.yaml"
    )
    return "\n".join(out)


def diff_pipelines(old: Pipeline, new: Pipeline) -> str:
    """Per agent: what changed (prompt version, model, parameters, options), as a unified diff."""
    old_view = {name: a.identity() for name, a in sorted(old.agents.items())}
    new_view = {name: a.identity() for name, a in sorted(new.agents.items())}
    return "\n".join(
        _unified(
            _pretty(old_view),
            _pretty(new_view),
            f"{old.label} ({old.short_hash})",
            f"{new.label} ({new.short_hash})",
        )
    )
