"""ci/gate.sh run as the workflow runs it, with the real `tailor`, end to end: a hosted-model path
(OPENAI_API_KEY set) answered by the local stub server, so no model API is reached."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.settings import PROJECT_ROOT
from tests.stub import stub_server


@pytest.mark.slow
def test_gate_script_runs_the_real_gate_and_fills_the_step_summary(tmp_path: Path) -> None:
    out, summary = tmp_path / "gate", tmp_path / "summary.md"
    with stub_server(latency_ms=5) as stub:
        env = {
            **os.environ,
            "TAILOR": str(Path(sys.executable).parent / "tailor"),
            "TAILOR_CANDIDATE": "production",
            "GATE_DATASET": "golden:smoke",
            "GATE_OUT": str(out),
            "GITHUB_STEP_SUMMARY": str(summary),
            "OPENAI_API_KEY": "sk-stub",
            "OPENAI_API_BASE": stub.base_url,
            "TAILOR_GATE_MODEL": "openai/stub",
            "TAILOR_DATA_DIR": str(tmp_path / "data"),
        }
        env.pop("TAILOR_STATE_URL", None)
        done = subprocess.run(
            ["bash", "ci/gate.sh"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600
        )
        assert stub.requests() > 0  # the gate really ran the pipeline, on the "hosted" model
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "hosted model openai/stub" in done.stdout
    verdict = json.loads((out / "verdict.json").read_text(encoding="utf-8"))
    assert verdict["passed"] is True and verdict["dataset_ref"] == "golden:smoke"
    assert summary.read_text(encoding="utf-8") == (out / "report.md").read_text(encoding="utf-8")
