"""The prompt registry: immutability, manifest hashes, aliases."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from app.errors import InputError, NotFoundError, RegistryError
from app.registry import Registry, resolve_manifest
from app.settings import get_settings


def _registry(root: Path) -> Registry:
    return Registry(root, get_settings().state)


def test_the_shipped_registry_is_consistent() -> None:
    settings = get_settings()
    assert Registry(settings.registry, settings.state).check() == []


def test_editing_a_released_prompt_fails_check_naming_the_file(registry_copy: Path, cli) -> None:  # type: ignore[no-untyped-def]
    reg = _registry(registry_copy)
    released = next(ref for ref in reg.lock.data["prompts"])
    name, version = released.split("@")
    target = registry_copy / "prompts" / name / version / "system.j2"
    target.write_text(target.read_text() + "\nAlso invent a degree.\n")

    problems = reg.check()
    assert any(p.path.endswith(f"prompts/{name}/{version}/system.j2") for p in problems)

    result = cli("prompts", "check")
    assert result.code != 0
    assert f"prompts/{name}/{version}/system.j2" in result.stderr
    assert "Traceback" not in result.stderr


def test_adding_a_file_to_a_released_version_fails_check(registry_copy: Path) -> None:
    reg = _registry(registry_copy)
    name, version = next(iter(reg.lock.data["prompts"])).split("@")
    (registry_copy / "prompts" / name / version / "notes.txt").write_text("sneaky")
    assert any("notes.txt" in p.path for p in reg.check())


def test_editing_a_released_pipeline_manifest_fails_check(registry_copy: Path) -> None:
    reg = _registry(registry_copy)
    _label, entry = next(iter(reg.lock.data["pipelines"].items()))
    manifest = registry_copy / entry["file"]
    manifest.write_text(manifest.read_text().replace("seed: 7", "seed: 8"))
    problems = reg.check()
    assert any(p.path == entry["file"] for p in problems), problems


def test_new_version_is_a_draft_copy_with_parent_and_release_locks_it(registry_copy: Path) -> None:
    reg = _registry(registry_copy)
    base = reg.versions("writer")[-1]
    draft = reg.new_version("writer", base.version, "try a shorter system prompt")
    assert draft.parent == base.version
    assert not reg.lock.is_released(draft.ref)
    assert draft.template_source("user") == base.template_source("user")
    (draft.path / "system.j2").write_text("Shorter.\n")  # drafts may be edited freely
    assert reg.check() == []
    reg.release(draft.ref)
    assert reg.lock.is_released(draft.ref)
    (draft.path / "system.j2").write_text("Edited after release.\n")
    assert any(p.path.endswith(f"writer/{draft.version}/system.j2") for p in reg.check())


def test_releasing_twice_is_refused(registry_copy: Path) -> None:
    reg = _registry(registry_copy)
    ref = next(iter(reg.lock.data["prompts"]))
    with pytest.raises(RegistryError):
        reg.release(ref)


def _manifest(root: Path, label: str, **agent_changes: dict) -> Path:  # type: ignore[type-arg]
    source = yaml.safe_load((root / "pipelines" / "v2-strict.yaml").read_text())
    source["label"] = label
    for agent, change in agent_changes.items():
        source["agents"][agent].update(change)
    path = root / "pipelines" / f"{label}.yaml"
    path.write_text(yaml.safe_dump(source))
    return path


def test_manifest_hash_changes_when_any_pinned_item_changes(registry_copy: Path) -> None:
    prompts = registry_copy / "prompts"
    base = resolve_manifest(_manifest(registry_copy, "h-base"), prompts)
    same = resolve_manifest(_manifest(registry_copy, "h-same"), prompts)
    assert same.hash == base.hash, "the label is a name, not part of the identity"

    variants = {
        "model": _manifest(registry_copy, "h-model", writer={"model": "ollama/llama3"}),
        "param": _manifest(registry_copy, "h-param", writer={"params": {"max_tokens": 81}}),
        "prompt": _manifest(registry_copy, "h-prompt", writer={"prompt": "writer@v1"}),
        "option": _manifest(registry_copy, "h-option", writer={"options": {"max_lines": 3}}),
    }
    hashes = {name: resolve_manifest(path, prompts).hash for name, path in variants.items()}
    assert all(h != base.hash for h in hashes.values()), hashes
    assert len(set(hashes.values())) == len(hashes)

    # Editing a prompt file the manifest pins changes the hash too (drafts are editable).
    reg = _registry(registry_copy)
    draft = reg.new_version("summary_writer", "v1")
    path = _manifest(registry_copy, "h-draft", summary_writer={"prompt": draft.ref})
    before = resolve_manifest(path, prompts).hash
    (draft.path / "user.j2").write_text("{{ summary }}\n")
    assert resolve_manifest(path, prompts).hash != before


def test_model_override_is_a_new_pipeline_version() -> None:
    settings = get_settings()
    pipe = Registry(settings.registry, settings.state).resolve("v2-strict")
    moved = pipe.with_model("openai/gpt-4o-mini")
    assert moved.hash != pipe.hash
    assert all(a.model == "openai/gpt-4o-mini" for a in moved.agents.values())


def test_fresh_store_adopts_bootstrap_and_records_moves() -> None:
    settings = get_settings()
    reg = Registry(settings.registry, settings.state)
    production = reg.alias("production")
    assert production is not None and production.who == "bootstrap"
    bootstrap = yaml.safe_load((settings.registry / "aliases.yaml").read_text())["production"]
    assert production.pipeline_hash == bootstrap["hash"]
    assert reg.resolve("production").hash == bootstrap["hash"]

    move = reg.set_alias("staging", "v1-loose", "try the loose writer", who="alice")
    assert (move.who, move.why, move.label) == ("alice", "try the loose writer", "v1-loose")
    again = reg.set_alias("staging", "v2-strict", "back to strict", who="bob")
    assert again.previous_hash == move.pipeline_hash
    history = reg.store.alias_history("staging")
    assert [m.who for m in history] == ["alice", "bob"]
    assert all(m.at > 0 for m in history)


def test_alias_needs_a_reason_and_a_valid_name() -> None:
    settings = get_settings()
    reg = Registry(settings.registry, settings.state)
    with pytest.raises(InputError):
        reg.set_alias("staging", "v2-strict", "   ")
    with pytest.raises(InputError):
        reg.set_alias("Bad Name!", "v2-strict", "why not")


def test_resolve_by_label_hash_prefix_and_alias_and_unknown() -> None:
    settings = get_settings()
    reg = Registry(settings.registry, settings.state)
    pipe = reg.resolve("v2-strict")
    assert reg.resolve(pipe.hash[:10]).label == "v2-strict"
    reg.set_alias("candidate", "v2-strict", "test")
    assert reg.resolve("candidate").hash == pipe.hash
    with pytest.raises(NotFoundError):
        reg.resolve("no-such-pipeline")


def test_alias_to_a_pipeline_no_longer_in_files_resolves_from_snapshot(registry_copy: Path) -> None:
    reg = _registry(registry_copy)
    path = _manifest(registry_copy, "temporary", writer={"options": {"max_lines": 2}})
    pipe = reg.resolve("temporary")
    reg.set_alias("experiment", "temporary", "try it")
    path.unlink()
    resolved = _registry(registry_copy).resolve("experiment")
    assert resolved.hash == pipe.hash
    assert resolved.source == "state store snapshot"


def test_prompt_render_is_strict_about_missing_variables() -> None:
    settings = get_settings()
    prompt = Registry(settings.registry, settings.state).prompt("writer@v2")
    messages = prompt.render(line="Built things", terms=[], role="Engineer")
    assert messages[0]["role"] == "system" and messages[-1]["content"] == "Built things"
    assert len(messages) == 2 + 2 * len(prompt.shots)
    with pytest.raises(RegistryError):
        prompt.render(terms=[])


def test_prompt_diff_shows_changed_lines(registry_copy: Path) -> None:
    from app.registry import diff_prompts

    reg = _registry(registry_copy)
    draft = reg.new_version("writer", "v2")
    (draft.path / "system.j2").write_text("A different system prompt.\n")
    text = diff_prompts(reg.prompt("writer@v2"), draft)
    assert "+A different system prompt." in text
    assert "-Rewrite each resume bullet" in text
