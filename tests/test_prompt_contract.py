"""The agents' contract: which template variables each agent provides to its prompt.

A prompt change written elsewhere must fail in one line, before any model call, when it names a
variable its agent does not provide; and every variable the contract lists must really reach the
prompt.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from app.errors import RegistryError
from app.pipeline import AGENT_VARIABLES, check_pipeline_contract
from app.registry import Registry, resolve_manifest
from app.settings import get_settings
from tests.conftest import FIXTURES, SAMPLES, run_cli
from tests.fakes import ScriptedLLM

RESUME = FIXTURES / "jsonresume" / "new-grad.resume.json"
JD = SAMPLES / "job.txt"


def _writer_draft(registry: Path, system: str) -> str:
    """A new writer version whose system template is `system`, pinned by a new pipeline; its label."""
    reg = Registry(registry, get_settings().state)
    draft = reg.new_version("writer", reg.versions("writer")[-1].version, "contract test")
    (draft.path / "system.j2").write_text(system)
    manifest = yaml.safe_load((registry / "pipelines" / "v5-strict.yaml").read_text())
    manifest["label"] = "contract-test"
    manifest["agents"]["writer"]["prompt"] = draft.ref
    (registry / "pipelines" / "contract-test.yaml").write_text(yaml.safe_dump(manifest))
    return "contract-test"


def _optimize(label: str) -> list[str]:
    result = run_cli(
        "optimize", "--resume", str(RESUME), "--jd", str(JD), "--pipeline", label,
        "--model", "fake/model", "--quiet", "--format", "json",
    )  # fmt: skip
    assert "Traceback" not in result.stderr
    return [result.stdout, result.stderr, str(result.code)]


def test_the_shipped_pipelines_meet_the_contract() -> None:
    settings = get_settings()
    registry = Registry(settings.registry, settings.state)
    assert registry.check(contract=check_pipeline_contract) == []


def test_a_variable_the_agent_does_not_provide_fails_in_one_line_before_any_call(
    registry_copy: Path, fake_llm: ScriptedLLM
) -> None:
    label = _writer_draft(registry_copy, "Rewrite for this job: {{ job_description }}")
    _out, err, code = _optimize(label)
    assert code != "0"
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "job_description" in lines[0] and "'writer'" in lines[0], lines
    assert fake_llm.calls == []

    check = run_cli("prompts", "check")
    assert check.code != 0
    assert "contract-test.yaml" in check.stdout and "job_description" in check.stdout


def test_every_listed_writer_variable_reaches_the_prompt(registry_copy: Path, fake_llm: ScriptedLLM) -> None:
    system = "ROLE<{{ role }}> TERMS<{{ terms | join(',') }}> JD<{{ jd[:40] }}>"
    label = _writer_draft(registry_copy, system)
    _out, err, code = _optimize(label)
    assert code == "0", err
    sent = [call[0]["content"] for call in fake_llm.calls if call[0]["content"].startswith("ROLE<")]
    assert sent, "the writer was never called"
    jd_start = " ".join(JD.read_text().split())[:20]
    assert all("ROLE<>" not in s and "JD<>" not in s for s in sent)
    assert any(jd_start[:15] in " ".join(s.split()) for s in sent), sent[0]


def test_an_unknown_agent_check_or_a_prompt_for_a_rules_agent_is_refused(registry_copy: Path) -> None:
    prompts = registry_copy / "prompts"
    source = yaml.safe_load((registry_copy / "pipelines" / "v5-strict.yaml").read_text())
    for agent, entry, needle in (
        ("writter", {"prompt": "writer@v3"}, "unknown agent 'writter'"),
        ("evidence_mapper", {"prompt": "writer@v3"}, "takes no prompt"),
        (
            "fact_checker",
            {"options": {"checks": ["numbers", "keep_numbers"]}},
            "unknown fact_checker check 'keep_numbers'",
        ),
    ):
        manifest = {**source, "label": "contract-agents", "agents": {**source["agents"], agent: entry}}
        path = registry_copy / "pipelines" / "contract-agents.yaml"
        path.write_text(yaml.safe_dump(manifest))
        try:
            check_pipeline_contract(resolve_manifest(path, prompts), prompts)
        except RegistryError as exc:
            assert needle in str(exc)
        else:
            raise AssertionError(f"{agent} was accepted")
    assert set(AGENT_VARIABLES) == {
        "jd_analyst",
        "evidence_mapper",
        "writer",
        "summary_writer",
        "fact_checker",
    }
