"""Settings, from `TAILOR_*` environment variables or a `.env` file (pydantic-settings).

Every process of a team (CLI, CI runner, later the server) must agree on two locations:
`state_url` (aliases such as `production`) and `tracking_uri` (MLflow). Both are one setting each.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.environment import apply_quiet_environment

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class TailorSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TAILOR_", env_file=".env", extra="ignore")

    home: Path = Field(default=PROJECT_ROOT, description="Project root: registry, golden sets, data.")
    data_dir: Path | None = Field(default=None, description="Local state; default <home>/data.")
    registry_dir: Path | None = Field(default=None, description="Default <home>/prompt_registry.")
    datasets_dir: Path | None = Field(default=None, description="Default <home>/golden.")
    state_url: str | None = Field(default=None, description="State store (SQLite or PostgreSQL); default sqlite:///<data>/state.db")
    tracking_uri: str | None = Field(default=None, description="MLflow; default sqlite:///<data>/mlflow.db")
    cache_enabled: bool = True
    cache_path: Path | None = None
    judge_model: str = "local/smollm2"
    request_timeout_s: float = 180.0
    max_retries: int = 3
    max_resume_bytes: int = 100_000
    max_jd_bytes: int = 20_000
    local_threads: int = 2
    local_context: int = 2048
    local_seed: int = 7
    log_level: str = "WARNING"

    @model_validator(mode="after")
    def _derive_paths(self) -> TailorSettings:
        self.home = self.home.resolve()
        if self.data_dir is None:
            self.data_dir = self.home / "data"
        if self.registry_dir is None:
            self.registry_dir = self.home / "prompt_registry"
        if self.datasets_dir is None:
            self.datasets_dir = self.home / "golden"
        if self.state_url is None:
            self.state_url = f"sqlite:///{self.data_dir / 'state.db'}"
        if self.tracking_uri is None:
            self.tracking_uri = f"sqlite:///{self.data_dir / 'mlflow.db'}"
        if self.cache_path is None:
            self.cache_path = self.data_dir / "llm_cache.db"
        return self

    # Typed accessors: after validation these are never None.
    @property
    def data(self) -> Path:
        assert self.data_dir is not None
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir

    @property
    def registry(self) -> Path:
        assert self.registry_dir is not None
        return self.registry_dir

    @property
    def datasets(self) -> Path:
        assert self.datasets_dir is not None
        return self.datasets_dir

    @property
    def state(self) -> str:
        assert self.state_url is not None
        return self.state_url

    @property
    def tracking(self) -> str:
        assert self.tracking_uri is not None
        return self.tracking_uri

    @property
    def cache_file(self) -> Path:
        assert self.cache_path is not None
        return self.cache_path


@lru_cache(maxsize=1)
def get_settings() -> TailorSettings:
    apply_quiet_environment()
    return TailorSettings()


def reset_settings() -> None:
    """Forget cached settings (tests change the environment)."""
    get_settings.cache_clear()
