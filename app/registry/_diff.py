"""Readable diffs: of two prompt versions, and of two pipelines with the prompt changes they imply."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

from app.registry._manifest import Pipeline
from app.registry._prompts import TEMPLATE_ROLES, PromptVersion, load_prompt_version


def _unified(old: str, new: str, old_name: str, new_name: str) -> list[str]:
    return list(
        difflib.unified_diff(
            old.splitlines(), new.splitlines(), fromfile=old_name, tofile=new_name, lineterm=""
        )
    )


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def _sections(prompt: PromptVersion | None) -> dict[str, str]:
    """A prompt as named texts to diff one by one; no prompt (a rules-only agent) is all empty."""
    if prompt is None:
        return dict.fromkeys((*(f"{role}.j2" for role in TEMPLATE_ROLES), "shots", "params"), "")
    texts = {f"{role}.j2": prompt.template_source(role) for role in TEMPLATE_ROLES}
    texts["shots"] = _pretty([{"user": user, "assistant": assistant} for user, assistant in prompt.shots])
    texts["params"] = _pretty(prompt.params)
    texts["output_schema"] = _pretty(prompt.output_schema)
    texts["description"] = prompt.description
    return texts


def _diff_sections(
    old: PromptVersion | None, new: PromptVersion | None, old_name: str, new_name: str
) -> list[str]:
    old_texts, new_texts = _sections(old), _sections(new)
    out: list[str] = []
    for section in dict.fromkeys([*old_texts, *new_texts]):
        out += _unified(
            old_texts.get(section, ""),
            new_texts.get(section, ""),
            f"{old_name}/{section}",
            f"{new_name}/{section}",
        )
    return out


def diff_prompts(old: PromptVersion, new: PromptVersion) -> str:
    """Templates, shots, parameters, output schema and description, each as a unified diff."""
    return "\n".join(_diff_sections(old, new, old.ref, new.ref))


def _agent_prompt(pipeline: Pipeline, prompts_root: Path, agent: str) -> PromptVersion | None:
    """The prompt's files as they are now (a snapshot's pin may predate an edit of a draft)."""
    spec = pipeline.agents.get(agent)
    if spec is None or spec.prompt_ref is None:
        return None
    name, _, version = spec.prompt_ref.partition("@")
    return load_prompt_version(prompts_root, name, version)


def _prompt_changes(old: Pipeline, new: Pipeline, prompts_root: Path) -> list[str]:
    """For each agent whose pinned prompt differs: a header line, then the diff of that prompt."""
    out: list[str] = []
    for agent in sorted(old.agents.keys() | new.agents.keys()):
        old_spec, new_spec = old.agents.get(agent), new.agents.get(agent)
        old_pin = (old_spec.prompt_ref, old_spec.prompt_hash) if old_spec else (None, None)
        new_pin = (new_spec.prompt_ref, new_spec.prompt_hash) if new_spec else (None, None)
        if old_pin == new_pin:
            continue
        old_ref, new_ref = old_pin[0] or "no prompt", new_pin[0] or "no prompt"
        edited = " (same version, edited since one side pinned it)" if old_ref == new_ref else ""
        out.append(f"# agent {agent}: prompt {old_ref} -> {new_ref}{edited}")
        out += _diff_sections(
            _agent_prompt(old, prompts_root, agent),
            _agent_prompt(new, prompts_root, agent),
            f"{old.label}:{old_ref}",
            f"{new.label}:{new_ref}",
        )
    return out


def diff_pipelines(old: Pipeline, new: Pipeline, prompts_root: Path | None = None) -> str:
    """Per agent, what changed (prompt pin, model, parameters, options), as a unified diff; given the
    registry's prompts folder, then the diff of every prompt whose pin changed."""
    old_view = {name: a.identity() for name, a in sorted(old.agents.items())}
    new_view = {name: a.identity() for name, a in sorted(new.agents.items())}
    out = _unified(
        _pretty(old_view),
        _pretty(new_view),
        f"{old.label} ({old.short_hash})",
        f"{new.label} ({new.short_hash})",
    )
    if prompts_root is not None:
        out += _prompt_changes(old, new, prompts_root)
    return "\n".join(out)
