"""A real `mlflow server` (PostgreSQL backend store, artifacts on local disk) receives `tailor eval`'s run.

The server gets a throwaway PostgreSQL database of its own (MLflow runs its own Alembic migrations
there, so it must not share the state store's) and a temporary artifacts folder; `tailor eval` runs
the scripted fake model with `MLFLOW_TRACKING_URI=http://127.0.0.1:<port>`, and the run is read back
through `mlflow.search_runs`. Skipped, with the reason, only when PostgreSQL does not answer.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_SERVER, run_cli
from tests.fakes import ScriptedLLM

MLFLOW = Path(sys.executable).with_name("mlflow")
START_TIMEOUT_S = 120
pytestmark = pytest.mark.slow  # the server's start (migrations on a new database) takes ~20-40 s here


@pytest.fixture
def mlflow_database() -> Iterator[str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    admin = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    name = f"tailor_mlflow_{secrets.token_hex(4)}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL unreachable at 127.0.0.1:5432: {str(exc.orig or exc).splitlines()[0]}")
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"), {"name": name}
            )
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_health(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"mlflow server exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"mlflow server not healthy after {START_TIMEOUT_S} s:\n{log.read_text()[-3000:]}")


@pytest.fixture
def mlflow_server(mlflow_database: str, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """(tracking URL, artifacts folder) of a running server; stopped (its whole process group) after."""
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    port = _free_port()
    log = tmp_path / "mlflow-server.log"
    env = {**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true"}
    env.pop("OTEL_SDK_DISABLED", None)
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(MLFLOW), "server", "--backend-store-uri", mlflow_database, "--artifacts-destination", str(artifacts),
             "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(url, server, log)
        yield url, artifacts
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)


@pytest.fixture
def mlflow_state_reset() -> Iterator[None]:
    yield
    if "mlflow" in sys.modules:
        import mlflow

        while mlflow.active_run() is not None:
            mlflow.end_run()
        mlflow.tracking.fluent._active_experiment_id = None  # set_experiment has no undo
        os.environ.pop("MLFLOW_EXPERIMENT_ID", None)
        mlflow.set_tracking_uri(None)


def test_tailor_eval_logs_to_a_real_mlflow_server(
    mlflow_server: tuple[str, Path],
    mlflow_state_reset: None,
    fake_llm: ScriptedLLM,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.settings import reset_settings

    url, artifacts = mlflow_server
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OTEL_SDK_DISABLED", raising=False)
    monkeypatch.setenv("MLFLOW_DISABLE_TELEMETRY", "true")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", url)
    reset_settings()
    out = tmp_path / "results"
    result = run_cli("eval", "--pipeline", "production", "--model", "fake/model", "--dataset", "golden:smoke",
                     "--scorers", "structure,fabrication,jd_coverage,usage", "--out", str(out))  # fmt: skip
    assert result.code == 0, result.stderr
    assert fake_llm.calls, "the scripted model was asked"

    import mlflow
    from mlflow import MlflowClient

    mlflow.set_tracking_uri(url)
    runs = mlflow.search_runs(search_all_experiments=True, output_format="list")
    assert len(runs) == 1
    run = runs[0]
    assert run.info.status == "FINISHED"
    assert run.data.params["dataset.split"] == "smoke"
    assert run.data.params["agent.writer.model"] == "fake/model"
    assert run.data.tags["tailor.dataset_ref"] == "golden:smoke"
    metrics = run.data.metrics
    assert (metrics["cases.ok"], metrics["cases.errors"]) == (6, 0)
    assert 0.0 <= metrics["fabrication.mean"] <= 1.0

    mlflow.set_experiment(experiment_id=run.info.experiment_id)  # load_table reads the active experiment
    table = mlflow.load_table("eval_results.json", run_ids=[run.info.run_id])
    assert len(table) == 6 and table["case_id"].is_unique
    assert {"fabrication", "structure", "jd_coverage"} <= set(table.columns)

    names = {f.path for f in MlflowClient(url).list_artifacts(run.info.run_id)}
    assert {"eval_results.json", "summary.json", "run.json"} <= names
    on_disk = {p.name for p in artifacts.rglob("*") if p.is_file()}
    assert {"eval_results.json", "summary.json"} <= on_disk, "artifacts are on the server's local disk"
    assert not (tmp_path / "mlruns").exists() and not (tmp_path / "mlartifacts").exists()
