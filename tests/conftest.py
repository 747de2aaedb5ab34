"""Shared fixtures: an isolated data folder per test, the scripted fake LLM, and CLI invocation."""

from __future__ import annotations

import io
import json
import shutil
import sys
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.environment import apply_quiet_environment
from app.models import close_response_caches
from app.settings import PROJECT_ROOT, reset_settings
from tests.fakes import ScriptedLLM, echo_last_user

apply_quiet_environment()
SAMPLES = PROJECT_ROOT / "golden" / "samples"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def isolated_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own state store, cache and MLflow folder; nothing touches ./data."""
    data = tmp_path / "data"
    monkeypatch.setenv("TAILOR_DATA_DIR", str(data))
    monkeypatch.setenv("TAILOR_HOME", str(PROJECT_ROOT))  # this checkout, whatever the test's cwd
    for key in ("TAILOR_STATE_URL", "TAILOR_TRACKING_URI", "TAILOR_CACHE_PATH", "TAILOR_CACHE_URL", "TAILOR_REGISTRY_DIR",
                "MLFLOW_TRACKING_URI", "MLFLOW_EXPERIMENT_NAME"):
        monkeypatch.delenv(key, raising=False)
    reset_settings()
    yield data
    close_response_caches()  # the process's shared cache for this test's data folder
    reset_settings()


@pytest.fixture
def registry_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the prompt registry, used by the settings for this test."""
    root = tmp_path / "prompt_registry"
    shutil.copytree(PROJECT_ROOT / "prompt_registry", root)
    monkeypatch.setenv("TAILOR_REGISTRY_DIR", str(root))
    reset_settings()
    return root


@pytest.fixture
def fake_llm() -> Iterator[ScriptedLLM]:
    """A scripted model at `fake/model`; echoes the line it is asked to rewrite unless told otherwise."""
    from app.models import register_provider, unregister_provider

    fake = ScriptedLLM(echo_last_user)
    register_provider("fake", fake.handler())
    yield fake
    unregister_provider("fake")


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str) -> CliResult:
    """Run `tailor ARGS` in process (so a registered fake model is visible), capturing everything."""
    from app.cli import main

    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["tailor", *args]
    code = 0
    try:
        with redirect_stdout(out), redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = int(exc.code or 0) if not isinstance(exc.code, str) else 1
    finally:
        sys.argv = argv
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli() -> Any:
    return run_cli


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session (dropped after); skips if no server answers."""
    import secrets

    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    admin = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    name = f"tailor_test_{secrets.token_hex(4)}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        reason = str(exc.orig or exc).splitlines()[0]
        pytest.skip(f"PostgreSQL unreachable at 127.0.0.1:5432: {reason}")
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                {"name": name},
            )
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
