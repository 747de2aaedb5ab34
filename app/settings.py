"""Settings, from `TAILOR_*` environment variables or a `.env` file (pydantic-settings).

Every process of a team (CLI, CI runner, later the server) must agree on two locations:
`state_url` (aliases such as `production`) and `tracking_uri` (MLflow). Both are one setting each.

The project (prompt registry, golden sets, data) is found where the user stands: the nearest
folder at or above the working directory that holds `prompt_registry/`, as git finds `.git`;
`TAILOR_HOME` overrides. Only what needs the project fails without one (see docs/settings.md).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, PrivateAttr, model_validator
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from app.environment import apply_quiet_environment
from app.errors import ConfigError

# Where Tailor's code is installed from (its hash keys results); not the user's project, which is
# `TailorSettings.home`. PROJECT_ROOT: the same folder, the checkout the tests run in.
CODE_ROOT = Path(__file__).resolve().parent.parent
PROJECT_ROOT = CODE_ROOT
PROJECT_MARKER = "prompt_registry"
ENV_FILE = ".env"


def find_project(start: Path) -> Path | None:
    """The nearest folder at or above `start` holding `prompt_registry/`, or None."""
    start = start.resolve()
    return next((folder for folder in (start, *start.parents) if (folder / PROJECT_MARKER).is_dir()), None)


class TailorSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TAILOR_", extra="ignore", validate_by_name=True)

    home_dir: Path | None = Field(
        default=None,
        validation_alias="TAILOR_HOME",
        description="Project root (registry, golden sets, data); default: found from the working directory.",
    )
    data_dir: Path | None = Field(default=None, description="Local state; default <home>/data.")
    registry_dir: Path | None = Field(default=None, description="Default <home>/prompt_registry.")
    datasets_dir: Path | None = Field(default=None, description="Default <home>/golden.")
    state_url: str | None = Field(default=None, description="State store (SQLite or PostgreSQL); default sqlite:///<data>/state.db")
    tracking_uri: str | None = Field(
        default=None, description="MLflow; default MLFLOW_TRACKING_URI, else sqlite:///<data>/mlflow.db"
    )
    mlflow_tracking_uri: str | None = Field(
        default=None, validation_alias="MLFLOW_TRACKING_URI", description="MLflow's own variable; TAILOR_TRACKING_URI wins."
    )
    mlflow_experiment_name: str | None = Field(
        default=None,
        validation_alias="MLFLOW_EXPERIMENT_NAME",
        description="One MLflow experiment for every evaluation, instead of tailor/<pipeline label>.",
    )
    cache_enabled: bool = True
    cache_path: Path | None = None
    cache_url: str | None = Field(
        default=None,
        description="Response cache: sqlite:///file, redis://host:6379/N or postgresql+psycopg://...; default the cache_path file",
    )
    judge_model: str = "local/smollm2"
    request_timeout_s: float = 180.0
    max_retries: int = 3
    max_resume_bytes: int = 100_000
    max_jd_bytes: int = 20_000
    local_threads: int = 2
    local_context: int = 2048
    local_seed: int = 7
    log_level: str = "WARNING"
    grounding_meaning: bool = Field(
        default=True, description="Fact scorers ask the local MiniLM as a second opinion (loads torch once)."
    )

    # The serving API (`tailor serve`, docs/api.md). Environment: TAILOR_API_*.
    api_alias: str = Field(default="production", description="The alias the API serves.")
    api_model: str | None = Field(default=None, description="Serve every agent on this model instead.")
    api_keys: str = Field(default="", description="Comma-separated API keys for /v1; empty: /v1 is open.")
    api_admin_token: str | None = Field(default=None, description="Bearer token for /v1/admin; unset: admin is off.")
    api_alias_ttl_s: float = Field(default=2.0, ge=0, description="How long a resolved alias is trusted.")
    api_sync_deadline_s: float = Field(default=20.0, gt=0, description="POST /v1/optimize answers 202 past it.")
    api_rate_per_minute: float = Field(default=120.0, gt=0, description="Requests a key may make per minute.")
    api_rate_burst: int = Field(default=30, ge=1, description="Requests a key may make at once.")
    api_max_running_jobs: int = Field(default=2, ge=1, description="Jobs a server process runs at once.")
    api_job_lease_s: float = Field(default=30.0, gt=0, description="A job whose worker is silent this long is re-run.")
    api_job_attempts: int = Field(default=3, ge=1, description="Tries before a job ends failed.")
    api_worker: bool = Field(default=True, description="Run jobs in the API process (off: only queue them).")
    api_webhook_secret: str | None = Field(default=None, description="HMAC-SHA256 key signing job webhooks.")
    api_require_keys: bool = Field(
        default=False, description="Require an API key on /v1 even before any key exists (else: once one does)."
    )
    api_key_cache_s: float = Field(default=2.0, ge=0, description="How long a checked key (or its revocation) is trusted.")
    api_cors_origins: str = Field(default="", description="Comma-separated origins allowed by CORS; empty: CORS off.")
    api_canary_share: float = Field(default=0.0, ge=0, le=1, description="Share of new jobs served by the canary alias.")
    api_canary_alias: str = Field(default="staging", description="The alias the canary share is served by.")
    redis_url: str | None = Field(
        default=None, validation_alias="REDIS_URL", description="Redis (rate limits; Celery's broker): redis://host:6379/0"
    )
    # Workers and provider faults (docs/api.md, "Workers and durability").
    api_job_backend: Literal["auto", "local", "celery"] = Field(
        default="auto", description="Who runs jobs: auto = Celery workers when redis_url is set, else the API process."
    )
    worker_queue: str = Field(default="jobs", description="The Celery queue jobs are sent to.")
    worker_visibility_s: float = Field(default=600.0, gt=0, description="Broker redelivers an unacked job after this.")
    celery_broker_url: str | None = Field(
        default=None,
        validation_alias="CELERY_BROKER_URL",
        description="Broker for distributed evaluations (amqp://guest:guest@host:5672//); default: REDIS_URL.",
    )
    eval_queue: str = Field(default="eval", description="The Celery queue evaluation cases are sent to.")
    eval_worker_wait_s: float = Field(
        default=30.0, ge=0, description="How long `--backend celery` waits for a worker on the eval queue."
    )
    fallback_model: str | None = Field(default=None, description="Answers when a model's provider is unavailable.")
    circuit_failures: int = Field(default=5, ge=1, description="Consecutive provider faults that open a model's circuit.")
    circuit_open_s: float = Field(default=30.0, gt=0, description="How long an open circuit fails calls fast.")
    otel_enabled: bool = Field(default=False, description="OpenTelemetry spans (requests, jobs, agents) as log lines.")

    _searched_from: Path = PrivateAttr(default_factory=Path.cwd)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """As pydantic-settings does, but `.env` is read from the project too, not only the cwd."""
        project_env = DotEnvSettingsSource(settings_cls, env_file=_env_files())
        return init_settings, env_settings, project_env, file_secret_settings

    @model_validator(mode="after")
    def _find_home(self) -> TailorSettings:
        if self.home_dir is not None:
            self.home_dir = self.home_dir.expanduser().resolve()
        else:
            self.home_dir = find_project(Path.cwd())
        return self

    # Typed accessors. Each one that needs the project raises ConfigError when there is none.
    @property
    def home(self) -> Path:
        if self.home_dir is None:
            raise ConfigError(
                f"no Tailor project in {self._searched_from} or above (no {PROJECT_MARKER}/ folder); "
                "run tailor inside a checkout or set TAILOR_HOME"
            )
        return self.home_dir

    @property
    def code_root(self) -> Path:
        """The folder holding the running `app` and `evals` packages (hashed into results keys)."""
        return CODE_ROOT

    @property
    def data(self) -> Path:
        folder = self._data_folder()
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    @property
    def registry(self) -> Path:
        if self.registry_dir is not None:
            return self.registry_dir
        folder = self.home / PROJECT_MARKER
        if not folder.is_dir():
            raise ConfigError(f"TAILOR_HOME={self.home} has no {PROJECT_MARKER}/ folder")
        return folder

    @property
    def datasets(self) -> Path:
        return self.datasets_dir if self.datasets_dir is not None else self.home / "golden"

    @property
    def state(self) -> str:
        return self.state_url or f"sqlite:///{self._data_folder() / 'state.db'}"

    @property
    def tracking(self) -> str:
        """The MLflow tracking URI every run, trace and prompt copy goes to (and the CLI prints)."""
        return self.tracking_uri or self.mlflow_tracking_uri or f"sqlite:///{self._data_folder() / 'mlflow.db'}"

    @property
    def experiment(self) -> str | None:
        """The MLflow experiment every evaluation logs to, when the user named one (else per pipeline)."""
        return self.mlflow_experiment_name or None

    @property
    def cache_file(self) -> Path:
        return self.cache_path if self.cache_path is not None else self._data_folder() / "llm_cache.db"

    def _data_folder(self) -> Path:
        return self.data_dir if self.data_dir is not None else self.home / "data"


def _env_files() -> tuple[Path, ...]:
    """The project's `.env` (so a subfolder sees the same settings), then the working directory's."""
    named = os.environ.get("TAILOR_HOME")
    home = Path(named).expanduser() if named else find_project(Path.cwd())
    local = Path(ENV_FILE)
    if home is None or (home / ENV_FILE).resolve() == local.resolve():
        return (local,)
    return (home / ENV_FILE, local)


@lru_cache(maxsize=1)
def get_settings() -> TailorSettings:
    apply_quiet_environment()
    return TailorSettings()


def reset_settings() -> None:
    """Forget cached settings (tests change the environment)."""
    get_settings.cache_clear()
