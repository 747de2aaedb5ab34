"""The runner: append-only results, resume after a kill, zero model calls on a warm re-run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.settings import PROJECT_ROOT
from evals.runner import CaseRecord, ResultsWriter, read_records
from tests.stub import Stub, stub_server

SCORERS = "structure,fabrication,jd_coverage,usage"


def _dataset(tmp_path: Path, n: int) -> Path:
    """A dataset folder of n cases copied from golden:core (JSON resumes, so no parsing differences)."""
    lines = (PROJECT_ROOT / "golden" / "core.jsonl").read_text().splitlines()
    cases = [json.loads(line) for line in lines if line.strip()]
    chosen = [c for c in cases if isinstance(c["resume"], dict)][:n]
    folder = tmp_path / "ds"
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps({"name": "mini", "version": "1", "description": "test"}))
    (folder / "all.jsonl").write_text("\n".join(json.dumps(c) for c in chosen) + "\n")
    return folder


def _eval_cmd(dataset: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "app", "eval", "--pipeline", "v2-strict", "--model", "openai/stub",
            "--dataset", f"{dataset}:all", "--scorers", SCORERS, "--no-track", "--out", str(out),
            "--concurrency", "1", *extra]  # fmt: skip


def _env(stub: Stub, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "OPENAI_API_KEY": "sk-stub", "OPENAI_API_BASE": stub.base_url,
            "TAILOR_DATA_DIR": str(tmp_path / "data")}  # fmt: skip


@pytest.mark.slow
def test_a_killed_run_resumes_without_rerunning_finished_cases(tmp_path: Path) -> None:
    dataset, out = _dataset(tmp_path, 6), tmp_path / "run"
    with stub_server(latency_ms=150) as stub:
        env = _env(stub, tmp_path)
        proc = subprocess.Popen(_eval_cmd(dataset, out, "--no-cache"), env=env, cwd=PROJECT_ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
        cases_file = out / "cases.jsonl"
        deadline = time.time() + 120
        while time.time() < deadline:
            if cases_file.exists() and len(cases_file.read_text().splitlines()) >= 2:
                break
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        first = read_records(cases_file)
        assert 2 <= len(first) < 6, "the kill must land mid-run"
        requests_before = stub.requests()

        done = subprocess.run(_eval_cmd(dataset, out, "--no-cache"), env=env, cwd=PROJECT_ROOT,
                              capture_output=True, text=True, timeout=300)  # fmt: skip
        assert done.returncode == 0, done.stderr
        lines = cases_file.read_text().splitlines()
        records = read_records(cases_file)
        assert len(records) == 6 and all(r.status == "ok" for r in records)
        assert len(lines) == 6, "finished cases were not written again"
        resumed = [r for r in records if r.case_id not in {f.case_id for f in first}]
        new_requests = stub.requests() - requests_before
        assert new_requests == sum(r.usage["calls"] for r in resumed) > 0
        summary = json.loads((out / "summary.json").read_text())
        assert summary["cases"] == {"total": 6, "ok": 6, "errors": 0}


@pytest.mark.slow
def test_an_unchanged_rerun_with_the_cache_makes_no_model_call(tmp_path: Path) -> None:
    dataset = _dataset(tmp_path, 3)
    with stub_server(latency_ms=20) as stub:
        env = _env(stub, tmp_path)
        first = subprocess.run(_eval_cmd(dataset, tmp_path / "a"), env=env, cwd=PROJECT_ROOT,
                               capture_output=True, text=True, timeout=300)  # fmt: skip
        assert first.returncode == 0, first.stderr
        calls = stub.requests()
        assert calls > 0
        again = subprocess.run(_eval_cmd(dataset, tmp_path / "b"), env=env, cwd=PROJECT_ROOT,
                               capture_output=True, text=True, timeout=300)  # fmt: skip
        assert again.returncode == 0, again.stderr
        assert stub.requests() == calls, "a warm re-run must not reach the model"
        summary = json.loads((tmp_path / "b" / "summary.json").read_text())
        assert summary["usage"]["cache_misses"] == 0 and summary["usage"]["cache_hits"] > 0


def test_a_torn_last_line_is_cut_and_the_rest_kept(tmp_path: Path) -> None:
    writer = ResultsWriter(tmp_path)
    writer.append(CaseRecord(case_id="a", status="ok"))
    writer.append(CaseRecord(case_id="b", status="ok"))
    writer.close()
    with (tmp_path / "cases.jsonl").open("a") as handle:
        handle.write('{"case_id": "c", "stat')  # killed mid-write
    reopened = ResultsWriter(tmp_path)
    assert reopened.finished_ids() == {"a", "b"}
    reopened.append(CaseRecord(case_id="c", status="ok"))
    reopened.close()
    assert [r.case_id for r in read_records(tmp_path / "cases.jsonl")] == ["a", "b", "c"]


def test_an_error_case_is_retried_on_resume(tmp_path: Path) -> None:
    writer = ResultsWriter(tmp_path)
    writer.append(CaseRecord(case_id="a", status="error", error="model down"))
    assert writer.finished_ids() == set()
    writer.append(CaseRecord(case_id="a", status="ok"))
    writer.close()
    records = read_records(tmp_path / "cases.jsonl")
    assert [(r.case_id, r.status) for r in records] == [("a", "ok")]


def test_the_summary_counts_what_the_fact_checker_did_with_the_rewrites() -> None:
    from evals.runner import CaseRecord, RunMeta, summarise
    from evals.tracking._mlflow import run_metrics

    def change(status: str, *reasons: str) -> dict[str, object]:
        return {"path": "work[0].highlights[0]", "status": status, "reasons": list(reasons), "terms": []}

    records = [
        CaseRecord(case_id="a", status="ok", changes=[
            change("accepted"),
            change("reverted", "numbers: '20%' is not in the original", "numbers: '30%' is not in the original",
                   "jd_terms: copies sql from the job description"),
        ]),
        CaseRecord(case_id="b", status="ok", changes=[change("reverted", "numbers: '5' is not in the original"),
                                                      change("unchanged")]),
        CaseRecord(case_id="c", status="error", changes=[change("accepted")]),  # failed cases do not count
    ]  # fmt: skip
    summary = summarise(records, RunMeta(pipeline={"label": "p", "hash": "h"}, dataset={"name": "d"}))
    assert summary.rewrites is not None and summary.rewrites.model_dump() == {
        "accepted": 1,
        "reverted": 2,
        "unchanged": 1,
        "reverted_by": {"numbers": 2, "jd_terms": 1},  # a check counts once per reverted line
    }
    metrics = run_metrics(summary)
    assert metrics["rewrites.reverted"] == 2.0 and metrics["rewrites.reverted_by.numbers"] == 2.0
    no_changes = summarise([CaseRecord(case_id="d", status="ok")], summary.run)
    assert "rewrites" not in no_changes.model_dump(), "no changes, no tally"
