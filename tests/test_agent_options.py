"""Typed agent options: every manifest option is declared, validated and read; a misspelt one fails in
one line naming the agent and the option; and typing them changed no pipeline's hash."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.errors import RegistryError
from app.models import ModelClient
from app.pipeline import (
    AGENT_OPTIONS,
    AGENT_VARIABLES,
    PipelineOptions,
    agent_options,
    pipeline_options,
    tailor,
)
from app.registry import open_registry, resolve_manifest
from app.services import resolve_pipeline
from tests.conftest import FIXTURES, SAMPLES, run_cli
from tests.fakes import ScriptedLLM

ROOT = Path(__file__).resolve().parents[1]
PIPELINE_SOURCES = ROOT / "app" / "pipeline"
PROMPTS = ROOT / "prompt_registry" / "prompts"

# Every shipped manifest's hash before options were typed (commit 62a716c): typing must keep them all.
HASHES_BEFORE_TYPED_OPTIONS = {
    "prompt_registry/pipelines/v1-loose.yaml": "c41cf345b9b34c0cf858b8d915e432ce43e4933e60a7e75578c6fd2bbe743beb",
    "prompt_registry/pipelines/v2-strict.yaml": "fee587d98e1015b8d682edb1de1eaaa4c6beefb41114c2950e65e2b643b7d27f",
    "prompt_registry/pipelines/v3-strict.yaml": "33bb1eace8eed368611f35c09dbbc9c6c7595d23580a2d1e5a54201ad9346bf4",
    "prompt_registry/pipelines/v4-veto.yaml": "8bab74b08d928a8ed6e109b13c710a43b3b3a20024e6068628199a8a0af85d77",
    "prompt_registry/pipelines/v5-strict.yaml": "4c7c8557a83bb9c19bb10db139b604900b078c19993e215815213ceabf074d0f",
    "prompt_registry/pipelines/v6-strict.yaml": "a754f72034ed610793963aec8dfec20f7d7ba9ca5606369f95623b901267150c",
    "prompt_registry/pipelines/v7-strict.yaml": "9bcf204ed90ae9d36027eb897f0affe74db1509daf47fc365b3964a15116c458",
    "prompt_registry/pipelines/v8-grounded.yaml": "62f286d29b38a1a68cbb683fa37a71c7137665386857237ab4ef442e8c1766f1",
    "ci/regressions/broken-format.yaml": "753a1f916f574c4e8fee176fcc9449cf0a878462f17166f5411e66cb45c27500",
    "ci/regressions/hot-loose.yaml": "d9ac96b93b3b28b5beab9c7a8f4e2e9ab3486f857a895fc39674a90f8880da1e",
    "ci/regressions/leaky-shots.yaml": "b409a8a02106620a5503ab76a5eb25a64bf5b8dd98680736993fa1edb13e7d80",
    "ci/regressions/loose-checks.yaml": "0082bbc8b0045562f4ab0d2cab526bbefcd993b89e8aa407b3fe82efcf05535e",
    "ci/regressions/lossy-analyst.yaml": "62aaece2203c1aed596bbbe6b96162f65fdc859440a70d829c876daafc37bc39",
    "ci/regressions/reworded.yaml": "aa75b0ec405475075545e0dce049385d7d15c1ff81478d1a320622b4d9c189fc",
    "ci/regressions/token-hungry.yaml": "76b7879d68b4ab27b86d22a2b4fa606d0c19d5397c8e92724e31584754717896",
}


def _shipped_manifests() -> list[Path]:
    return sorted((ROOT / "prompt_registry" / "pipelines").glob("*.yaml")) + sorted(
        (ROOT / "ci" / "regressions").glob("*.yaml")
    )


def _with_options(registry: Path, label: str, agent: str, options: dict[str, Any]) -> Path:
    """A copy of v7-strict whose `agent` has `options`, written into the registry; its path."""
    manifest = yaml.safe_load((registry / "pipelines" / "v7-strict.yaml").read_text())
    manifest["label"] = label
    manifest["agents"].setdefault(agent, {})["options"] = options
    path = registry / "pipelines" / f"{label}.yaml"
    path.write_text(yaml.safe_dump(manifest))
    return path


def test_every_shipped_manifest_keeps_its_hash() -> None:
    found = {
        path.relative_to(ROOT).as_posix(): resolve_pipeline(str(path)).hash for path in _shipped_manifests()
    }
    assert found == HASHES_BEFORE_TYPED_OPTIONS


def test_the_hash_is_over_the_options_as_written_not_their_defaults() -> None:
    """Writing a default out is a different manifest: the typed defaults never leak into the hash."""
    written = resolve_manifest(ROOT / "prompt_registry" / "pipelines" / "v7-strict.yaml", PROMPTS)
    assert written.agents["writer"].options == {"scope": "line", "only_evidencing": True, "max_lines": 8}
    assert pipeline_options(written).writer.parallel_calls == 4


def test_the_shipped_manifests_pass_prompts_check_and_read_as_typed() -> None:
    check = run_cli("prompts", "check")
    assert check.code == 0, check.stdout + check.stderr
    assert "registry ok" in check.stdout
    loose = pipeline_options(open_registry().resolve("v1-loose"))
    assert (loose.writer.scope, loose.writer.only_evidencing, loose.writer.max_lines) == (
        "section",
        False,
        12,
    )
    assert loose.fact_checker.checks == ("empty", "numbers", "tokens")
    lossy = pipeline_options(resolve_pipeline(str(ROOT / "ci" / "regressions" / "lossy-analyst.yaml")))
    assert lossy.jd_analyst.max_requirements == 1
    assert lossy.evidence_mapper.method == "lexical"


def test_every_agent_has_options_and_every_option_is_read_by_the_pipeline() -> None:
    assert set(AGENT_OPTIONS) == set(AGENT_VARIABLES) == set(PipelineOptions.model_fields)
    code = "\n".join(p.read_text() for p in PIPELINE_SOURCES.glob("_*.py") if p.name != "_options.py")
    unread = [
        f"{agent}.{name}"
        for agent, model in AGENT_OPTIONS.items()
        for name in model.model_fields
        if not re.search(rf"\.{name}\b", code)
    ]
    assert unread == [], "declared options that no pipeline code reads"


@pytest.mark.parametrize(
    ("agent", "option"),
    [(agent, name) for agent, model in AGENT_OPTIONS.items() for name in model.model_fields],
)
def test_a_misspelt_option_is_refused_naming_the_agent_and_the_option(agent: str, option: str) -> None:
    misspelt = option[:-1]
    with pytest.raises(RegistryError) as raised:
        agent_options("my-try", agent, {misspelt: 1})
    message = str(raised.value)
    assert message.startswith(f"pipeline my-try: agent {agent!r} has no option {misspelt!r} (options: ")
    assert option in message and "\n" not in message


@pytest.mark.parametrize(
    ("agent", "options", "needle"),
    [
        ("writer", {"scope": "page"}, "option 'scope': Input should be 'line' or 'section' (got 'page')"),
        ("writer", {"parallel_calls": 0}, "option 'parallel_calls'"),
        ("evidence_mapper", {"method": "embedding"}, "option 'method': Input should be 'lexical'"),
        (
            "fact_checker",
            {"checks": ["numbers", "keep_numbers"]},
            "unknown fact_checker check 'keep_numbers'",
        ),
        ("fact_checker", {"checks": "numbers"}, "option 'checks'"),
        ("fact_checker", {"length_bounds": [1.6, 0.5]}, "option 'length_bounds': must be [low, high]"),
        ("fact_checker", {"max_novelty": 2}, "option 'max_novelty'"),
        ("jd_analyst", {"max_requirements": -1}, "option 'max_requirements'"),
        ("summary_writer", {"max_terms": "many"}, "option 'max_terms'"),
    ],
)
def test_a_value_of_the_wrong_kind_is_refused_in_one_line(
    agent: str, options: dict[str, Any], needle: str
) -> None:
    with pytest.raises(RegistryError) as raised:
        agent_options("my-try", agent, options)
    assert needle in str(raised.value) and f"agent {agent!r}" in str(raised.value)


def test_a_misspelt_option_fails_prompts_check_optimize_and_eval(
    registry_copy: Path, fake_llm: ScriptedLLM
) -> None:
    path = _with_options(registry_copy, "my-try", "writer", {"scope": "line", "max_line": 3})
    expected = "pipeline my-try: agent 'writer' has no option 'max_line' (options: max_lines, "

    check = run_cli("prompts", "check")
    assert check.code != 0
    assert any(line.startswith("pipelines/my-try.yaml: " + expected) for line in check.stdout.splitlines())

    for args in (
        ("optimize", "--resume", str(SAMPLES / "resume.md"), "--jd", str(SAMPLES / "job.txt"),
         "--pipeline", str(path), "--model", "fake/model", "--quiet"),
        ("eval", "--pipeline", str(path), "--dataset", "golden:smoke", "--model", "fake/model"),
    ):  # fmt: skip
        result = run_cli(*args)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert result.code != 0 and len(lines) == 1 and expected in lines[0], (args[0], result.stderr)
    assert fake_llm.calls == []


def test_a_run_refuses_invalid_options_even_when_the_contract_was_skipped(fake_llm: ScriptedLLM) -> None:
    pipeline = open_registry().resolve("v7-strict").with_model("fake/model")
    writer = pipeline.agents["writer"].model_copy(update={"options": {"max_line": 1}})
    broken = pipeline.model_copy(update={"agents": {**pipeline.agents, "writer": writer}})
    resume = json.loads((FIXTURES / "jsonresume" / "senior-engineer.resume.json").read_text())
    with pytest.raises(RegistryError, match="has no option 'max_line'"):
        asyncio.run(tailor(resume, "Python", broken, client=ModelClient(), prompts_root=PROMPTS))
    assert fake_llm.calls == []


def test_typed_options_reach_their_agents(fake_llm: ScriptedLLM) -> None:
    """max_lines caps the lines the writer rewrites; only_evidencing leaves out lines that evidence nothing."""
    pipeline = open_registry().resolve("v2-strict").with_model("fake/model")
    resume = json.loads((FIXTURES / "jsonresume" / "senior-engineer.resume.json").read_text())
    jd = (SAMPLES / "job.txt").read_text()

    def rewritten_lines(options: dict[str, Any]) -> int:
        writer = pipeline.agents["writer"].model_copy(update={"options": options})
        variant = pipeline.model_copy(update={"agents": {**pipeline.agents, "writer": writer}})
        result = asyncio.run(tailor(resume, jd, variant, client=ModelClient(), prompts_root=PROMPTS))
        return sum(change.path != "basics.summary" for change in result.changes)

    assert rewritten_lines({"only_evidencing": False, "max_lines": 1}) == 1
    assert rewritten_lines({"only_evidencing": False, "max_lines": 3}) == 3
    assert rewritten_lines({"only_evidencing": True, "max_lines": 3}) < 3
