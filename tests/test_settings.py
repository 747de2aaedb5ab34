"""Settings: the project is found where the user stands; MLflow's own variables are honoured."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.errors import ConfigError
from app.settings import PROJECT_ROOT, get_settings, reset_settings
from tests.conftest import run_cli
from tests.fakes import ScriptedLLM

EDITED_PROMPT = Path("prompts") / "writer" / "v1" / "system.j2"  # released, so locked


def make_project(root: Path) -> Path:
    (root / "prompt_registry").mkdir(parents=True)
    return root


def stand_in(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run as a user would: from `folder`, with no TAILOR_HOME (tests set it in conftest)."""
    folder.mkdir(parents=True, exist_ok=True)
    monkeypatch.delenv("TAILOR_HOME", raising=False)
    monkeypatch.chdir(folder)
    reset_settings()


def tailor(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`tailor ARGS` as a separate process started in `cwd`, without the tests' TAILOR_HOME."""
    environ = {k: v for k, v in os.environ.items() if k not in {"TAILOR_HOME", "TAILOR_DATA_DIR"}}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-m", "app", *args], cwd=cwd, env=environ, capture_output=True, text=True, timeout=120
    )


# ---- finding the project


def test_the_project_is_found_from_a_subfolder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path / "checkout")
    stand_in(project / "golden" / "samples", monkeypatch)
    monkeypatch.delenv("TAILOR_DATA_DIR")
    reset_settings()
    settings = get_settings()
    assert settings.home == project.resolve()
    assert settings.registry == project.resolve() / "prompt_registry"
    assert settings.datasets == project.resolve() / "golden"
    assert settings.data == project.resolve() / "data"
    assert settings.state == f"sqlite:///{project.resolve() / 'data' / 'state.db'}"


def test_the_nearest_project_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_project(tmp_path / "outer")
    inner = make_project(tmp_path / "outer" / "vendor" / "inner")
    stand_in(inner / "sub", monkeypatch)
    assert get_settings().home == inner.resolve()


def test_tailor_home_overrides_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    here = make_project(tmp_path / "here")
    there = make_project(tmp_path / "there")
    stand_in(here, monkeypatch)
    monkeypatch.setenv("TAILOR_HOME", str(there))
    reset_settings()
    assert get_settings().home == there.resolve()
    assert get_settings().registry == there.resolve() / "prompt_registry"


def test_a_tailor_home_without_a_registry_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAILOR_HOME", str(tmp_path / "empty"))
    reset_settings()
    with pytest.raises(ConfigError, match=r"TAILOR_HOME=.*empty has no prompt_registry/ folder"):
        _ = get_settings().registry


def test_the_project_env_file_is_read_from_a_subfolder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path / "checkout")
    (project / ".env").write_text("TAILOR_JUDGE_MODEL=openai/from-the-project\n", encoding="utf-8")
    stand_in(project / "golden", monkeypatch)
    assert get_settings().judge_model == "openai/from-the-project"


def test_outside_a_project_only_what_needs_one_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nowhere = tmp_path / "nowhere"
    stand_in(nowhere, monkeypatch)
    settings = get_settings()  # building the settings needs no project
    assert settings.tracking.endswith("mlflow.db") and settings.judge_model  # the data dir is set
    for needs_the_project in ("registry", "datasets", "home"):
        with pytest.raises(ConfigError, match=f"no Tailor project in {re.escape(str(nowhere))} or above"):
            getattr(settings, needs_the_project)


def test_prompts_check_outside_a_project_is_one_line(tmp_path: Path) -> None:
    nowhere = tmp_path / "nowhere"
    nowhere.mkdir()
    result = tailor("prompts", "check", cwd=nowhere)
    assert result.returncode == ConfigError.exit_code, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: no Tailor project in ")
    assert str(nowhere) in lines[0] and "TAILOR_HOME" in lines[0]


def test_a_second_checkout_is_checked_not_this_one(tmp_path: Path) -> None:
    """A colleague's branch in another folder: `prompts check` there reports its own edited prompt."""
    checkout = tmp_path / "second-checkout"
    shutil.copytree(PROJECT_ROOT / "prompt_registry", checkout / "prompt_registry")
    with (checkout / "prompt_registry" / EDITED_PROMPT).open("a", encoding="utf-8") as handle:
        handle.write("\nOne more instruction, added after release.\n")
    (checkout / "golden").mkdir()
    result = tailor("prompts", "check", cwd=checkout / "golden")
    assert result.returncode == 4, result.stdout + result.stderr
    assert EDITED_PROMPT.as_posix() in result.stdout
    assert result.stderr.startswith("error: ") and "problem(s) in the prompt registry" in result.stderr


# ---- MLflow's own variables


def test_mlflow_tracking_uri_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://mlflow.team.example:5000")
    reset_settings()
    assert get_settings().tracking == "http://mlflow.team.example:5000"


def test_tailor_tracking_uri_wins_over_mlflow_tracking_uri(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://mlflow.team.example:5000")
    monkeypatch.setenv("TAILOR_TRACKING_URI", "sqlite:///tailor-wins.db")
    reset_settings()
    assert get_settings().tracking == "sqlite:///tailor-wins.db"


def test_tailor_tracking_uri_in_env_file_wins_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path / "checkout")
    (project / ".env").write_text("TAILOR_TRACKING_URI=sqlite:///from-env-file.db\n", encoding="utf-8")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://mlflow.team.example:5000")
    stand_in(project, monkeypatch)
    assert get_settings().tracking == "sqlite:///from-env-file.db"


def test_without_either_the_store_is_in_the_data_dir(isolated_data: Path) -> None:
    assert get_settings().tracking == f"sqlite:///{isolated_data / 'mlflow.db'}"
    assert get_settings().experiment is None


def one_case_dataset(folder: Path) -> Path:
    """`golden:smoke` cut to its first case: the run is what matters here, not the scores."""
    folder.mkdir()
    shutil.copyfile(PROJECT_ROOT / "golden" / "manifest.json", folder / "manifest.json")
    first = (PROJECT_ROOT / "golden" / "smoke.jsonl").read_text(encoding="utf-8").splitlines()[0]
    (folder / "smoke.jsonl").write_text(first + "\n", encoding="utf-8")
    return folder


def test_eval_logs_where_mlflow_variables_point_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_llm: ScriptedLLM, isolated_data: Path
) -> None:
    """The URI `tailor eval` prints is the store that holds the run, in the experiment the user named."""
    team_uri = f"sqlite:///{tmp_path / 'team' / 'mlflow.db'}"
    (tmp_path / "team").mkdir()
    monkeypatch.setenv("MLFLOW_TRACKING_URI", team_uri)
    monkeypatch.setenv("MLFLOW_EXPERIMENT_NAME", "team-evals")
    monkeypatch.setenv("MLFLOW_ENABLE_ASYNC_TRACE_LOGGING", "false")
    monkeypatch.setenv("TAILOR_DATASETS_DIR", str(one_case_dataset(tmp_path / "datasets")))
    reset_settings()
    result = run_cli("eval", "--pipeline", "production", "--model", "fake/model", "--dataset", "golden:smoke",
                     "--scorers", "structure")  # fmt: skip
    assert result.code == 0, result.stderr
    shown = re.search(r"^mlflow run: (\w+) \((.+)\)$", result.stdout, re.MULTILINE)
    assert shown is not None, result.stdout
    run_id, uri = shown.groups()
    assert uri == team_uri
    assert not (isolated_data / "mlflow.db").exists(), "nothing logged to the local default store"

    from evals.tracking import mlflow_client

    client = mlflow_client(uri)
    run = client.get_run(run_id)
    experiment = client.get_experiment(run.info.experiment_id)
    assert experiment.name == "team-evals"
    assert "tailor.pipeline_hash" not in experiment.tags, "a shared experiment is not one pipeline's"
    assert run.data.params["pipeline.label"]
