"""`--out` is a file or a folder by one rule in every command (app.fileio.out_target): an existing
folder is a folder; a path with one of the command's file suffixes is a file; anything else is a
folder, created when written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import evaluate, gate, optimize
from app.errors import InputError
from app.fileio import out_target
from evals.runner import REPORT_FILE, read_summary
from tests.conftest import SAMPLES, CliResult, run_cli
from tests.fakes import ScriptedLLM

COMMANDS = {
    "optimize": optimize.OUT_FILE_SUFFIXES,
    "eval": evaluate.OUT_FILE_SUFFIXES,
    "gate": gate.OUT_FILE_SUFFIXES,
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_the_rule_is_the_same_for_every_command(tmp_path: Path, command: str) -> None:
    suffixes = COMMANDS[command]
    for suffix in suffixes:
        for spelt in (suffix, suffix.upper()):
            target = out_target(tmp_path / f"result{spelt}", suffixes)
            assert not target.is_folder and target.file_in_folder("x") == tmp_path / f"result{spelt}"
    for name in ("results", "v7.1", "runs.d"):  # no suffix, or one that is not a file suffix here
        target = out_target(tmp_path / name, suffixes)
        assert target.is_folder and target.file_in_folder("x") == tmp_path / name / "x"
    existing = tmp_path / f"old{suffixes[0]}"
    existing.mkdir()
    assert out_target(existing, suffixes).is_folder, "an existing folder is always a folder"
    (tmp_path / "plain").write_text("a file without a suffix")
    with pytest.raises(InputError, match="is a file, but a path without a file suffix"):
        out_target(tmp_path / "plain", suffixes)


def test_the_commands_know_their_own_file_suffixes() -> None:
    assert set(COMMANDS["optimize"]) >= {".md", ".json"}
    assert set(COMMANDS["eval"]) == {".json", ".html"}
    assert set(COMMANDS["gate"]) == {".json", ".md", ".html"}


# -- optimize ------------------------------------------------------------------------------------
def _optimize(*extra: str) -> CliResult:
    return run_cli("optimize", "--resume", str(SAMPLES / "resume.md"), "--jd", str(SAMPLES / "job.txt"),
                   "--model", "fake/model", "-q", *extra)  # fmt: skip


def test_optimize_writes_a_file_or_into_a_folder(tmp_path: Path, fake_llm: ScriptedLLM) -> None:
    as_file = tmp_path / "tailored-for-acme.md"
    assert _optimize("--out", str(as_file)).code == 0
    markdown = as_file.read_text(encoding="utf-8")
    assert markdown.startswith("#")

    folder = tmp_path / "out"  # new, no suffix: a folder
    assert _optimize("--out", str(folder)).code == 0
    assert (folder / "tailored.md").read_text(encoding="utf-8") == markdown
    assert _optimize("--json", "--out", str(folder)).code == 0
    assert "tailored_resume" in json.loads((folder / "tailored.json").read_text(encoding="utf-8"))

    dotted = tmp_path / "drafts.md"  # an existing folder, whatever its name says
    dotted.mkdir()
    assert _optimize("--out", str(dotted)).code == 0
    assert (dotted / "tailored.md").is_file()


def test_optimize_refuses_a_file_where_the_rule_means_a_folder(tmp_path: Path, fake_llm: ScriptedLLM) -> None:
    plain = tmp_path / "resume-out"
    plain.write_text("kept")
    result = _optimize("--out", str(plain))
    assert result.code == InputError.exit_code and "is a file" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert plain.read_text() == "kept" and not fake_llm.calls, "refused before any model call"


# -- eval ----------------------------------------------------------------------------------------
def _eval(*extra: str) -> CliResult:
    return run_cli("eval", "--pipeline", "production", "--model", "fake/model", "--dataset", "golden:smoke",
                   "--scorers", "structure", "--no-track", *extra)  # fmt: skip


def test_eval_out_is_the_results_folder_or_one_file(
    tmp_path: Path, isolated_data: Path, fake_llm: ScriptedLLM
) -> None:
    folder = tmp_path / "run"
    result = _eval("--out", str(folder))
    assert result.code == 0, result.stderr
    assert (folder / "summary.json").is_file() and not (isolated_data / "runs").exists()

    summary_file = tmp_path / "smoke-summary.json"
    result = _eval("--out", str(summary_file))
    assert result.code == 0, result.stderr
    [default] = list((isolated_data / "runs").iterdir())  # the results: in the default folder
    assert summary_file.read_text(encoding="utf-8") == read_summary(default).to_json()
    assert "written to" in result.stdout

    report_file = tmp_path / "smoke.html"
    assert _eval("--out", str(report_file)).code == 0
    assert report_file.read_text(encoding="utf-8") == (default / REPORT_FILE).read_text(encoding="utf-8")


# -- gate ----------------------------------------------------------------------------------------
def _gate(*extra: str) -> CliResult:
    return run_cli("gate", "--candidate", "production", "--model", "fake/model", "--dataset", "golden:smoke",
                   "--no-similarity", "--no-track", *extra)  # fmt: skip


def test_gate_out_is_the_reports_folder_or_one_report(
    tmp_path: Path, isolated_data: Path, fake_llm: ScriptedLLM
) -> None:
    folder = tmp_path / "gate"
    result = _gate("--out", str(folder))
    assert result.code == 0, result.stderr + result.stdout
    assert {p.name for p in folder.iterdir()} >= {"verdict.json", "report.md", "report.html"}
    assert not (isolated_data / "gates").exists()

    for name, report in (("summary.md", "report.md"), ("verdict.json", "verdict.json")):
        target = tmp_path / name
        result = _gate("--out", str(target))  # reuses the finished runs: no model call
        assert result.code == 0, result.stderr + result.stdout
        [reports] = list((isolated_data / "gates").iterdir())  # the reports: in the default folder
        assert target.read_text(encoding="utf-8") == (reports / report).read_text(encoding="utf-8")

    plain = tmp_path / "gate-report"
    plain.write_text("kept")
    result = _gate("--out", str(plain))
    assert result.code == gate.GATE_ERROR and result.stderr.startswith("error: --out")
    assert plain.read_text() == "kept"
