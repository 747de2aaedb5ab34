"""Every bad input gives one clear line on stderr, a non-zero exit, no traceback, nothing half-written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, SAMPLES, CliResult, run_cli
from tests.fakes import ScriptedLLM

RESUME = FIXTURES / "jsonresume" / "new-grad.resume.json"
JD = SAMPLES / "job.txt"


def _assert_clean_failure(result: CliResult, *needles: str) -> None:
    assert result.code != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr + result.stdout
    for needle in needles:
        assert needle in lines[0], lines[0]


def _optimize(resume: Path, jd: Path, *extra: str) -> CliResult:
    return run_cli("optimize", "--resume", str(resume), "--jd", str(jd), "--quiet", *extra)


def test_missing_file(tmp_path: Path) -> None:
    _assert_clean_failure(_optimize(tmp_path / "nope.json", JD), "not found", "nope.json")
    _assert_clean_failure(_optimize(RESUME, tmp_path / "nojd.txt"), "job description", "not found")


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.md"
    empty.write_text("  \n\u200b\n")
    _assert_clean_failure(_optimize(empty, JD), "resume is empty")
    _assert_clean_failure(_optimize(RESUME, empty), "job description is empty")


def test_non_utf8(tmp_path: Path) -> None:
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Résumé of José".encode("latin-1"))
    _assert_clean_failure(_optimize(latin, JD), "not UTF-8")


def test_resume_over_100_kb_and_jd_over_20_kb(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    big.write_text("# Big\n" + "- did things\n" * 9000)
    _assert_clean_failure(_optimize(big, JD), "limit is 100,000 bytes")
    big_jd = tmp_path / "big_jd.txt"
    big_jd.write_text("Requirements: Python\n" * 1100)
    _assert_clean_failure(_optimize(RESUME, big_jd), "limit is 20,000 bytes")


def test_invalid_json_resume(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"basics": {"name": "X"')
    _assert_clean_failure(_optimize(broken, JD), "not valid JSON")
    wrong = tmp_path / "wrong.json"
    wrong.write_text(
        json.dumps({"basics": {"name": "X"}, "work": [{"name": "Acme", "startDate": "last spring"}]})
    )
    _assert_clean_failure(_optimize(wrong, JD), "invalid JSON Resume", "work.0.startDate")


def test_unknown_pipeline_alias_and_model() -> None:
    _assert_clean_failure(_optimize(RESUME, JD, "--pipeline", "v9-imaginary"), "unknown pipeline")
    _assert_clean_failure(_optimize(RESUME, JD, "--pipeline", "deadbeef00"), "deadbeef00")
    _assert_clean_failure(_optimize(RESUME, JD, "--model", "local/gpt-99"), "unknown local model")
    _assert_clean_failure(_optimize(RESUME, JD, "--model", "nosuchprovider/x"), "unknown model")


def test_model_call_failing_after_retries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.models import register_provider, unregister_provider

    monkeypatch.setenv("TAILOR_MAX_RETRIES", "2")
    from app.settings import reset_settings

    reset_settings()
    broken = ScriptedLLM(fail_with=ConnectionError)
    register_provider("broken", broken.handler())
    out = tmp_path / "out.md"
    try:
        result = _optimize(RESUME, JD, "--model", "broken/model", "--out", str(out))
    finally:
        unregister_provider("broken")
    _assert_clean_failure(result, "failed after 2 attempt")
    assert len(broken.calls) == 2
    assert not out.exists(), "nothing half-written"
    assert not list(tmp_path.glob(".out.md.*")), "no temporary file left behind"


def test_success_writes_the_output_atomically(tmp_path: Path, fake_llm: ScriptedLLM) -> None:
    out = tmp_path / "tailored.json"
    result = _optimize(RESUME, JD, "--model", "fake/model", "--format", "json", "--out", str(out))
    assert result.code == 0, result.stderr
    data = json.loads(out.read_text())
    for key in ("tailored_resume", "markdown", "suggestions", "pipeline", "usage", "latency_ms"):
        assert key in data
    assert set(data["pipeline"]) >= {"label", "hash"}
    assert set(data["usage"]) >= {"input_tokens", "output_tokens", "cost_usd"}


def test_registry_problems_are_one_line_too(registry_copy: Path) -> None:
    (registry_copy / "pipelines" / "bad.yaml").write_text("label: bad\nagents: [not, a, mapping]\n")
    _assert_clean_failure(run_cli("prompts", "check"), "bad.yaml")


def test_unknown_dataset_and_scorer() -> None:
    _assert_clean_failure(run_cli("datasets", "check", "nosuchset"), "unknown dataset")
    _assert_clean_failure(
        run_cli("eval", "--dataset", "golden:smoke", "--scorers", "structure,vibes", "--no-track"), "vibes"
    )
