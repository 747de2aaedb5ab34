"""`tailor prompts diff` of two pipelines shows the prompt changes they imply; `prompts new` keeps the
parent's description and says to gate before releasing. Every test writes only to a registry copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from app.registry import Registry, diff_pipelines, resolve_manifest
from app.settings import PROJECT_ROOT, get_settings

REWORDED = PROJECT_ROOT / "ci" / "regressions" / "reworded.yaml"


def _registry(root: Path) -> Registry:
    return Registry(root, get_settings().state)


def _try_manifest(root: Path, label: str, **agent_changes: dict[str, Any]) -> Path:
    """v7-strict under another label, with some agents' entries changed."""
    source = yaml.safe_load((root / "pipelines" / "v7-strict.yaml").read_text())
    source["label"] = label
    for agent, change in agent_changes.items():
        source["agents"][agent] = {**source["agents"].get(agent, {}), **change}
    path = root / "pipelines" / f"{label}.yaml"
    path.write_text(yaml.safe_dump(source))
    return path


def test_diff_of_a_label_and_a_manifest_file_shows_the_changed_prompt(registry_copy: Path, cli: Any) -> None:
    result = cli("prompts", "diff", "v7-strict", str(REWORDED))
    assert result.code == 0, result.stderr
    assert '-    "prompt_ref": "writer@v3"' in result.stdout  # the pins, as before
    assert "# agent writer: prompt writer@v3 -> writer@v4" in result.stdout
    assert "--- v7-strict:writer@v3/system.j2" in result.stdout
    assert "-Rewrite each resume bullet" in result.stdout
    assert "+Rewrite every resume bullet" in result.stdout
    assert "# agent jd_analyst" not in result.stdout, "an unchanged prompt is not diffed"


def test_diff_shows_shots_and_params_of_a_draft_pinned_by_a_pipeline(registry_copy: Path, cli: Any) -> None:
    reg = _registry(registry_copy)
    draft = reg.new_version("writer", "v3", "fewer tokens, one example")
    meta_file = draft.path / "prompt.yaml"
    meta = yaml.safe_load(meta_file.read_text())
    meta["params"]["max_tokens"] = 64
    meta["shots"] = meta["shots"][:1]
    meta_file.write_text(yaml.safe_dump(meta))
    _try_manifest(registry_copy, "my-try", writer={"prompt": draft.ref})

    result = cli("prompts", "diff", "v7-strict", "my-try")
    assert result.code == 0, result.stderr
    assert f"# agent writer: prompt writer@v3 -> {draft.ref}" in result.stdout
    assert f"+++ my-try:{draft.ref}/params" in result.stdout
    assert '-  "max_tokens": 80,' in result.stdout and '+  "max_tokens": 64,' in result.stdout
    assert f"+++ my-try:{draft.ref}/shots" in result.stdout
    assert "Helped reduce report errors by 20%" in result.stdout  # the dropped example, as a - line
    assert f"my-try:{draft.ref}/system.j2" not in result.stdout, "an unchanged template has no diff"


def test_an_agent_that_gains_a_prompt_shows_it_whole(registry_copy: Path) -> None:
    prompts = registry_copy / "prompts"
    base = resolve_manifest(registry_copy / "pipelines" / "v7-strict.yaml", prompts)
    gains = resolve_manifest(
        _try_manifest(registry_copy, "gains", evidence_mapper={"prompt": "summary_writer@v1"}), prompts
    )
    text = diff_pipelines(base, gains, prompts)
    assert "# agent evidence_mapper: prompt no prompt -> summary_writer@v1" in text
    user_template = (prompts / "summary_writer" / "v1" / "user.j2").read_text().splitlines()
    assert f"+{user_template[0]}" in text.splitlines()


def test_diff_without_the_prompts_folder_lists_only_the_pins(registry_copy: Path) -> None:
    prompts = registry_copy / "prompts"
    base = resolve_manifest(registry_copy / "pipelines" / "v7-strict.yaml", prompts)
    text = diff_pipelines(base, resolve_manifest(REWORDED, prompts))
    assert '+    "prompt_ref": "writer@v4"' in text
    assert "# agent" not in text


def test_the_same_pipeline_twice_has_no_differences(registry_copy: Path, cli: Any) -> None:
    reg = _registry(registry_copy)
    result = cli("prompts", "diff", "v7-strict", reg.resolve("v7-strict").short_hash)
    assert result.code == 0, result.stderr
    assert result.stdout.strip() == "no differences"


def test_new_keeps_the_parents_description_and_says_to_gate_before_release(
    registry_copy: Path, cli: Any
) -> None:
    reg = _registry(registry_copy)
    parent = reg.prompt("writer@v3")
    result = cli("prompts", "new", "writer", "--from", "v3")
    assert result.code == 0, result.stderr
    draft = reg.versions("writer")[-1]
    assert draft.parent == "v3"
    assert draft.description == f"Draft from v3: {parent.description}"
    assert "tailor gate --candidate" in result.stdout and "--baseline production" in result.stdout
    assert f"tailor prompts release {draft.ref}" in result.stdout
    assert not reg.lock.is_released(draft.ref)


def test_new_with_a_description_uses_it(registry_copy: Path, cli: Any) -> None:
    result = cli("prompts", "new", "writer", "--from", "v3", "--description", "shorter system prompt")
    assert result.code == 0, result.stderr
    assert _registry(registry_copy).versions("writer")[-1].description == "shorter system prompt"
