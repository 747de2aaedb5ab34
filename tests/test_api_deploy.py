"""The deployment files, read without a Docker engine: the Dockerfile (multi-stage, non-root, a
healthcheck on the app's health route) and docker-compose.yml (api, worker, postgres, redis, mlflow)
name only commands, options, ports, paths and settings that exist in the app."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from app.settings import PROJECT_ROOT, TailorSettings

DOCKERFILE = PROJECT_ROOT / "Dockerfile"
COMPOSE = PROJECT_ROOT / "docker-compose.yml"
SERVICES = {"api", "worker", "eval-worker", "postgres", "redis", "mlflow"}
KNOWN_FOREIGN_ENV = {  # read by the libraries Tailor runs, not by its settings
    "PATH", "PYTHONUNBUFFERED", "LITELLM_LOCAL_MODEL_COST_MAP", "CREWAI_DISABLE_TELEMETRY", "CREWAI_DISABLE_TRACKING",
    "CREWAI_DISABLE_VERSION_CHECK", "MLFLOW_DISABLE_TELEMETRY", "HF_HUB_OFFLINE", "PIP_NO_CACHE_DIR",
    "PIP_DISABLE_PIP_VERSION_CHECK",
}  # fmt: skip


def _instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per instruction: comments dropped, continuation lines joined."""
    joined, current = [], ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        current = f"{current} {line[:-1].strip()}" if line.endswith("\\") else f"{current} {line}"
        if not line.endswith("\\"):
            joined.append(current.strip())
            current = ""
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in joined]


def _exec_form(arguments: str) -> list[str]:
    parsed = json.loads(arguments)
    assert isinstance(parsed, list) and all(isinstance(a, str) for a in parsed), arguments
    return parsed


def _settings_env_names() -> set[str]:
    names = set()
    for name, field in TailorSettings.model_fields.items():
        alias = field.validation_alias
        names.add(alias if isinstance(alias, str) else f"TAILOR_{name.upper()}")
    return names


def _tailor_command(argv: list[str]) -> Any:
    """Parse `tailor ...` with the real CLI (typer's click): an unknown command or option fails here."""
    from app.cli import app

    assert argv[0] == "tailor", argv
    group = typer.main.get_command(app)
    command = getattr(group, "commands", {}).get(argv[1])
    assert command is not None, f"`tailor {argv[1]}` is no command of the app"
    return command.make_context(f"tailor {argv[1]}", list(argv[2:]))


def _app_paths() -> set[str]:
    from app.api.app import create_app

    return set(create_app().openapi()["paths"])


def _health_url(argv: list[str]) -> str:
    found = re.search(r"https?://[^'\" ]+", " ".join(argv))
    assert found, argv
    return found.group(0)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


def test_the_dockerfile_builds_in_stages_and_runs_tailor_serve_as_a_user_with_a_healthcheck() -> None:
    steps = _instructions(DOCKERFILE)
    stages = [args.split() for kind, args in steps if kind == "FROM"]
    assert len(stages) >= 2 and stages[0][-2].upper() == "AS" and stages[-1][-1] == "runtime"
    final = steps[max(i for i, (kind, _) in enumerate(steps) if kind == "FROM") :]
    users = [args for kind, args in final if kind == "USER"]
    assert users and users[-1] not in ("root", "0"), "the runtime stage must not run as root"
    assert any(kind == "COPY" and "--from=build" in args for kind, args in final)
    assert not any(kind == "RUN" and "build-essential" in args for kind, args in final), "no compiler at runtime"

    cmd = _exec_form(next(args for kind, args in final if kind == "CMD"))
    serve = _tailor_command(cmd)
    assert serve.command.name == "serve"
    port = int(serve.params["port"])
    exposed = {int(p.split("/")[0]) for kind, args in final if kind == "EXPOSE" for p in args.split()}
    assert port in exposed and serve.params["host"] == "0.0.0.0"

    healthcheck = next(args for kind, args in final if kind == "HEALTHCHECK")
    probe = _exec_form(healthcheck[healthcheck.index("CMD") + 3 :].strip())
    url = _health_url(probe)
    assert url == f"http://127.0.0.1:{port}/health" and "/health" in _app_paths()


def test_the_dockerfile_copies_what_exists_and_sets_only_known_settings() -> None:
    steps = _instructions(DOCKERFILE)
    for kind, args in steps:
        if kind == "COPY" and "--from=" not in args:
            sources = [a for a in shlex.split(args) if not a.startswith("--")][:-1]
            for source in sources:
                assert (PROJECT_ROOT / source).exists(), f"COPY {source}: no such file in the project"
    env_names = {m.group(1) for kind, args in steps if kind == "ENV" for m in re.finditer(r"(\w+)=", args)}
    tailor = {n for n in env_names if n.startswith(("TAILOR_", "REDIS_", "MLFLOW_TRACKING"))}
    assert tailor and tailor <= _settings_env_names(), tailor - _settings_env_names()
    assert env_names - tailor <= KNOWN_FOREIGN_ENV, env_names - tailor - KNOWN_FOREIGN_ENV
    ignored = (PROJECT_ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".venv", "data", ".git"} <= set(ignored)


def test_compose_has_every_service_and_names_real_commands_settings_and_ports(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == SERVICES
    api, worker = services["api"], services["worker"]
    serve = _tailor_command(api["command"])
    assert serve.command.name == "serve"
    assert [f"{serve.params['port']}:{serve.params['port']}"] == api["ports"]
    assert _health_url(api["healthcheck"]["test"]).endswith(f":{serve.params['port']}/health")
    assert _tailor_command(worker["command"]).command.name == "worker"
    evals = _tailor_command(services["eval-worker"]["command"])
    assert evals.command.name == "worker" and evals.params["queues"] == "eval"
    assert services["eval-worker"]["deploy"]["replicas"] >= 1

    known = _settings_env_names()
    for name in ("api", "worker", "eval-worker"):
        env = services[name]["environment"]
        assert set(env) <= known, set(env) - known
        settings = TailorSettings.model_validate({  # every value is valid for its setting
            **{field: env[alias] for field, alias in _aliases().items() if alias in env},
        })
        assert settings.redis_url == "redis://redis:6379/0"
        assert settings.state.startswith("postgresql://tailor:tailor@postgres:5432/")
        assert settings.tracking == "http://mlflow:5000"
        assert set(services[name]["depends_on"]) <= SERVICES

    postgres = services["postgres"]["environment"]
    assert settings.state == (
        f"postgresql://{postgres['POSTGRES_USER']}:{postgres['POSTGRES_PASSWORD']}@postgres:5432/{postgres['POSTGRES_DB']}"
    )
    mlflow = services["mlflow"]["command"]
    assert mlflow[:2] == ["mlflow", "server"] and mlflow[mlflow.index("--port") + 1] == "5000"
    assert set(compose["volumes"]) >= {v.split(":")[0] for s in services.values() for v in s.get("volumes", [])}


def _aliases() -> dict[str, str]:
    return {
        name: (field.validation_alias if isinstance(field.validation_alias, str) else f"TAILOR_{name.upper()}")
        for name, field in TailorSettings.model_fields.items()
    }
