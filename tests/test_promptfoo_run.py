"""The real promptfoo CLI (0.123.1, on Node 22 from `make promptfoo`) on an exported golden:smoke:
the same per-case scores as `tailor eval`, the run imported where the gate finds it, a seeded
fabrication failing with Tailor's assertion named, a crash in one line, and the red team.

The pipeline runs on the stub server (an OpenAI-compatible endpoint in its own process: promptfoo's
Python worker cannot see a model registered in this process); the local model only in a slow test.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.settings import PROJECT_ROOT, get_settings
from evals.runner import CaseRecord, read_records
from tests.conftest import run_cli
from tests.stub import stub_server

SCORERS = "structure,jd_coverage,fabrication,narrative,length_and_style,usage"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]  # fmt: skip
FABRICATING = PROJECT_ROOT / "tests" / "fixtures" / "promptfoo" / "fabricating_provider.py"


def _promptfoo_missing() -> str | None:
    from evals.promptfoo import node_version, promptfoo_env
    from evals.promptfoo._run import tools_bin

    if not (tools_bin(get_settings()) / "promptfoo").exists():
        return "promptfoo is not installed in tools/promptfoo: run `make promptfoo`"
    try:
        node_version(promptfoo_env())
    except Exception as exc:
        return str(exc)
    return None


@pytest.fixture(autouse=True)
def needs_promptfoo() -> None:
    reason = _promptfoo_missing()
    if reason:
        pytest.skip(reason)


@pytest.fixture
def stub_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with stub_server(latency_ms=1) as stub:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-stub")
        monkeypatch.setenv("OPENAI_API_BASE", stub.base_url)
        yield "openai/stub"


def _export(tmp_path: Path, model: str | None) -> Path:
    done = run_cli(
        "promptfoo", "export", *(["--model", model] if model else []), "--out", str(tmp_path / "pf")
    )
    assert done.code == 0, done.stderr
    return tmp_path / "pf" / "promptfooconfig.yaml"


def _imported_folder() -> Path:
    folders = sorted((get_settings().data / "runs").glob("*-promptfoo-*"))
    assert len(folders) == 1, folders
    return folders[0]


def _scores(record: CaseRecord) -> dict[str, Any]:
    return {name: (s["value"], s["passed"], s["offenses"]) for name, s in record.scores.items()}


def _same_scores_as_tailor_eval(tmp_path: Path, model: str | None) -> Path:
    """Export, `tailor eval`, `tailor promptfoo run`: every case scored alike; the imported folder."""
    config = _export(tmp_path, model)
    evaluated = run_cli("eval", *(["--model", model] if model else []), "--dataset", "golden:smoke", "--scorers", SCORERS,
                        "--no-track", "--out", str(tmp_path / "eval"))  # fmt: skip
    assert evaluated.code == 0, evaluated.stderr
    ran = run_cli("promptfoo", "run", "--config", str(config))
    assert ran.code in (0, 1), ran.stderr  # 1: a test failed, which is a result
    folder = _imported_folder()
    expected = {r.case_id: r for r in read_records(tmp_path / "eval" / "cases.jsonl")}
    imported = {r.case_id: r for r in read_records(folder / "cases.jsonl")}
    assert sorted(imported) == sorted(expected) and len(imported) == 6
    for case_id, record in imported.items():
        assert record.status == "ok" and record.output_hash == expected[case_id].output_hash, case_id
        assert _scores(record) == _scores(expected[case_id]), case_id
    failed = [line for line in ran.stdout.splitlines() if line.startswith("FAIL ")]
    assert (ran.code == 1) == bool(failed)
    return folder


def test_a_promptfoo_run_scores_every_case_as_tailor_eval_and_lands_where_the_gate_looks(
    tmp_path: Path, stub_model: str
) -> None:
    folder = _same_scores_as_tailor_eval(tmp_path, stub_model)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["cases"] == {"total": 6, "ok": 6, "errors": 0}
    assert (folder / "report.html").is_file() and (folder / "promptfoo.json").is_file()

    from app.state import open_state
    from evals.gate import GATE_SCORERS

    entry = open_state(get_settings().state).get_run(summary["run"]["config_hash"])
    assert entry is not None and entry.status == "finished" and entry.folder == str(folder)
    assert set(GATE_SCORERS) <= set(entry.scorers) and entry.mlflow_run_id

    from evals.tracking import mlflow_client

    run = mlflow_client(get_settings().tracking).get_run(entry.mlflow_run_id)
    assert run.data.tags["tailor.source"] == "promptfoo"
    assert run.data.metrics["fabrication.mean"] == summary["metrics"]["fabrication"]["mean"]

    again = run_cli("promptfoo", "import", str(tmp_path / "pf" / "output.json"))
    assert again.code == 0 and "(imported before)" in again.stdout
    assert len(list((get_settings().data / "runs").glob("*-promptfoo-*"))) == 1

    from app.hashing import code_hash
    from evals.gate import GateRequest, run_gate

    if code_hash(get_settings().code_root) != entry.code_hash:  # someone edited Tailor meanwhile: the
        # gate would rightly reuse nothing; ask the run index what the gate asks, with the run's code
        found = open_state(get_settings().state).find_runs(
            pipeline_hash=entry.pipeline_hash, dataset_hash=entry.dataset_hash, code_hash=entry.code_hash
        )
        assert found and found[0].run_key == entry.run_key
        return
    request = GateRequest(candidate="production", baseline="production", dataset="golden:smoke",
                          model=stub_model, similarity=False, track=False)  # fmt: skip
    gate = asyncio.run(run_gate(request))
    assert gate.baseline.reused and gate.baseline.folder == folder


def test_a_seeded_fabrication_fails_promptfoo_with_tailors_assertion_named_and_viewed(tmp_path: Path) -> None:
    from evals.promptfoo import eval_args, read_output, run_promptfoo

    config_path = _export(tmp_path, None)  # Tailor's provider is replaced: no model is called
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config["providers"] = [{"id": f"file://{FABRICATING}:call_api", "label": "invents-an-employer"}]
    config["tests"] = config["tests"][:2]  # a JSON resume and a markdown one
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    output = tmp_path / "pf" / "output.json"
    done = run_promptfoo(eval_args(config_path, output), cwd=config_path.parent)
    assert done.exit_code == 100 and done.tests_failed  # tests failed: a result, not a crash
    ran = run_cli("promptfoo", "import", str(output))  # another provider's answers are no run of the pipeline
    assert ran.code == 2 and "provider is not Tailor's pipeline" in ran.stderr and "fabricating" in ran.stderr
    assert not (get_settings().data / "runs").exists()
    results = read_output(output).results.results
    assert len(results) == 2 and not any(r.success for r in results)
    for result in results:
        assert result.grading is not None
        fabrication = [
            c for c in result.grading.component_results if c.assertion and c.assertion.metric == "fabrication"
        ]
        assert fabrication and not fabrication[0].passed
        assert (
            fabrication[0].reason.startswith("fabrication FAILED")
            and "Globex Corporation" in fabrication[0].reason
        )
    assert "Globex Corporation" in result.grading.reason  # promptfoo's own summary of the test names it too
    _the_viewer_shows(read_output(output).eval_id, tmp_path / "view.png")


def _the_viewer_shows(eval_id: str, screenshot: Path) -> None:
    """`tailor promptfoo view` opens the eval in headless Chromium, Tailor's assertions on it."""
    if not Path(CHROMIUM).exists():
        return  # the viewer half needs Debian's chromium; the assertion half above stands
    from playwright.sync_api import sync_playwright

    with _viewer() as port, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(f"http://127.0.0.1:{port}/eval/{eval_id}", timeout=60_000)
        page.wait_for_selector("text=smoke-backend-python", timeout=90_000)
        text = page.inner_text("body")
        page.screenshot(path=str(screenshot))
        browser.close()
    assert "invents-an-employer" in text and "fabrication" in text and "0.00% passing" in text
    assert screenshot.stat().st_size > 10_000


@contextmanager
def _viewer() -> Iterator[int]:
    """`tailor promptfoo view` on a free port, in its own process group (stopped after)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    command = [sys.executable, "-m", "app", "promptfoo", "view", "--port", str(port)]
    proc = subprocess.Popen(command, cwd=PROJECT_ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.5)
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def test_a_promptfoo_crash_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "promptfooconfig.yaml"
    config.write_text(
        "description: broken\nprompts: [hi]\nproviders: 42\ntests:\n  - vars: {x: 1}\n", encoding="utf-8"
    )
    done = run_cli("promptfoo", "run", "--config", str(config))
    assert done.code == 6 and done.stderr.count("\n") == 1, done.stderr
    assert re.match(
        r"error: promptfoo eval failed \(exit 1\): Invalid configuration file .*provider", done.stderr
    )
    assert not (get_settings().data / "runs").exists()  # nothing imported


@pytest.mark.slow
def test_the_red_team_reports_its_attack_success_rate_beside_the_adversarial_split(stub_model: str) -> None:
    from evals.promptfoo import RedteamRequest, run_redteam

    report = run_redteam(RedteamRequest(model=stub_model))
    assert set(report.skipped) == {"pii:direct", "pii:session", "pii:social", "pii:api-db"}
    assert all("hosted model" in why for why in report.skipped.values())
    assert report.plugins.get("intent", 0) >= 4 and report.plugins.get("jailbreak-templates", 0) >= 4
    assert report.probes.attempts + report.probes.errors == sum(report.plugins.values())
    assert report.probes.rate is not None and 0 <= report.probes.rate <= 1
    assert report.adversarial is not None and report.adversarial.attempts + report.adversarial.errors == 12
    assert report.adversarial_injection is not None and report.adversarial_injection.attempts == 3
    assert (Path(report.folder) / "redteam.json").is_file()


@pytest.mark.slow
def test_on_the_local_model_promptfoo_scores_every_case_as_tailor_eval(tmp_path: Path) -> None:
    _same_scores_as_tailor_eval(tmp_path, None)
