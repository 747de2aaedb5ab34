"""The CLI as a new user meets it: usage mistakes, bare commands, help text, piped output, one spelling."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.settings import PROJECT_ROOT
from tests.conftest import FIXTURES, SAMPLES, CliResult, run_cli
from tests.fakes import ScriptedLLM

RESUME = FIXTURES / "jsonresume" / "new-grad.resume.json"
JD = SAMPLES / "job.txt"


@pytest.fixture(autouse=True)
def piped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Output goes to a pipe: rich falls back to 80 columns unless COLUMNS says otherwise."""
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)


def _assert_usage_error(result: CliResult, message: str) -> None:
    assert result.code == 2, (result.code, result.stderr)
    assert "internal error" not in result.stderr
    assert "Usage: tailor" in result.stderr
    assert f"Error: {message}" in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("optimize", "--resume", str(RESUME)), "Missing option '--jd'"),
        (
            ("optimize", "--resume", "r.md", "--jd", "j.txt", "--format", "yaml"),
            "Invalid value for '--format'",
        ),
        (("optimize", "--resume", "r.md", "--jd", "j.txt", "--colour"), "No such option: --colour"),
        (("tailour",), "No such command 'tailour'"),
        (("eval", "--concurrency", "abc"), "Invalid value for '--concurrency'"),
        (("prompts", "alias", "staging", "v7-strict"), "Missing option '--why'"),
        (("judge", "calibrate", "--labels", "l.jsonl", "--judge-n", "0"), "Invalid value for '--judge-n'"),
    ],
)
def test_a_usage_mistake_prints_clicks_message_and_exits_2(args: tuple[str, ...], message: str) -> None:
    _assert_usage_error(run_cli(*args), message)


def test_contradicting_spellings_are_a_usage_error() -> None:
    both = run_cli("optimize", "--resume", str(RESUME), "--jd", str(JD), "--json", "--format", "md")
    _assert_usage_error(both, "Invalid value for '--format': --format md contradicts --json")
    samples = run_cli("judge", "calibrate", "--labels", "l.jsonl", "--judge-n", "2", "--n", "3")
    _assert_usage_error(samples, "Invalid value for '--n': --n 3 contradicts --judge-n 2")


@pytest.mark.parametrize("args", [(), ("prompts",), ("judge",)])
def test_a_bare_command_shows_its_help_and_exits_0(args: tuple[str, ...]) -> None:
    result = run_cli(*args)
    assert result.code == 0, result.stderr
    assert "Usage: tailor" in result.stdout
    assert "error" not in result.stderr


def _command_paths(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from _command_paths(sub, (*path, name))


def test_no_help_page_shows_a_bool_metavar() -> None:
    from app.cli import app
    from app.cli._usage import build_command

    paths = list(_command_paths(build_command(app)))
    assert ("eval",) in paths and ("gate",) in paths and ("judge", "calibrate") in paths
    for path in paths:
        result = run_cli(*path, "--help")
        assert result.code == 0, (path, result.stderr)
        assert "--help" in result.stdout
        assert "<bool>" not in result.stdout, f"tailor {' '.join(path)} --help:\n{result.stdout}"


def test_calibrate_spells_judge_n_as_eval_does_and_hides_the_old_n() -> None:
    help_text = run_cli("judge", "calibrate", "--help").stdout
    assert "--judge-n" in help_text
    assert not re.search(r"--n\b", help_text), "the old spelling stays hidden"
    assert "--judge-n" in run_cli("eval", "--help").stdout


@pytest.mark.parametrize(("spelling", "expected"), [(("--judge-n", "3"), 3), (("--n", "4"), 4), ((), 1)])
def test_calibrate_passes_judge_n_to_the_judge(
    spelling: tuple[str, ...],
    expected: int,
    fake_llm: ScriptedLLM,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import evals.judge
    from app.errors import InputError

    seen: list[int] = []

    async def capture(labels: Path, config: Any, *args: Any, **kwargs: Any) -> None:
        seen.append(config.n)
        raise InputError("stopped by the test")

    monkeypatch.setattr(evals.judge, "calibrate", capture)
    labels = tmp_path / "labels.jsonl"
    labels.write_text("{}\n")
    result = run_cli("judge", "calibrate", "--labels", str(labels), "--judge-model", "fake/model", *spelling)
    assert "stopped by the test" in result.stderr
    assert seen == [expected]


def _optimize(resume: Path, *extra: str) -> CliResult:
    return run_cli("optimize", "--resume", str(resume), "--jd", str(JD), "--model", "fake/model", *extra)


def test_optimize_json_and_its_old_spelling_agree(fake_llm: ScriptedLLM, tmp_path: Path) -> None:
    new, old = tmp_path / "new.json", tmp_path / "old.json"
    assert _optimize(RESUME, "--json", "--out", str(new), "-q").code == 0
    assert _optimize(RESUME, "--format", "json", "--out", str(old), "-q").code == 0
    first, second = json.loads(new.read_text()), json.loads(old.read_text())
    assert first["tailored_resume"] == second["tailored_resume"]
    assert first["pipeline"] == second["pipeline"]
    markdown = _optimize(RESUME, "-q")
    assert markdown.code == 0 and not markdown.stdout.lstrip().startswith("{")


def test_the_run_summary_stays_one_line_when_piped(fake_llm: ScriptedLLM) -> None:
    result = _optimize(RESUME)
    assert result.code == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("pipeline ") and lines[0].endswith("s")
    assert len(lines[0]) > 80, "the summary is long enough that rich would have wrapped it"


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ({"name": "pizza", "toppings": ["cheese", "basil"]}, "no resume content"),
        ([1, 2, 3], "JSON array"),
        ({"basics": {"email": "pizza@example.com", "name": "  "}, "work": [{}]}, "no resume content"),
        ({"$schema": "https://jsonresume.org/schema", "meta": {"version": "v1"}}, "no resume content"),
    ],
)
def test_a_json_file_that_is_not_a_resume_is_refused_before_any_model_call(
    document: Any, reason: str, fake_llm: ScriptedLLM, tmp_path: Path
) -> None:
    path = tmp_path / "not-a-resume.json"
    path.write_text(json.dumps(document))
    result = _optimize(path)
    assert result.code == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and reason in lines[0], result.stderr
    assert fake_llm.calls == []


@pytest.mark.parametrize(
    "path", sorted((FIXTURES / "jsonresume").glob("*.resume.json")), ids=lambda p: p.name
)
def test_real_json_resumes_are_still_accepted(path: Path) -> None:
    from app.resume import load_resume_source

    assert load_resume_source(path.read_text(encoding="utf-8"))["basics"]["name"]


@pytest.mark.parametrize(
    "document",
    [
        {"skills": [{"name": "Python"}]},
        {"basics": {"label": "Nurse"}},
        {"education": [{"institution": "MIT"}]},
    ],
)
def test_one_section_with_content_is_enough(document: dict[str, Any]) -> None:
    from app.resume import load_resume_source

    assert load_resume_source(json.dumps(document)) == document


def test_a_text_resume_starting_with_a_bracket_is_still_text() -> None:
    from app.resume import load_resume_source

    assert load_resume_source("[Draft] Jane Roe\nNurse\n")["basics"]["name"]


def test_prompts_list_is_readable_at_80_columns_when_piped() -> None:
    from app.registry import open_registry

    result = run_cli("prompts", "list")
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    registry = open_registry()
    for name in registry.prompt_names():
        for prompt in registry.versions(name):
            row = next(line for line in lines if prompt.content_hash[:12] in line)  # the full short hash
            assert re.match(rf"{re.escape(name)}\s+{prompt.version}\s+(released|draft)\s", row), row
    for pipe in registry.pipelines():
        assert any(line.startswith(pipe.label) and pipe.short_hash in line for line in lines), pipe.label
    assert "…" in result.stdout, "long descriptions end in an ellipsis instead of widening the table"


def test_make_ui_takes_a_port() -> None:
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^PORT \?= 5000$", makefile, re.MULTILINE)
    ui_recipe = makefile.split("\nui:", 1)[1].split("\n\n", 1)[0]
    assert "--port $(PORT)" in ui_recipe
