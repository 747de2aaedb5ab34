"""MLflow plumbing shared by run logging, prompt mirroring and tracing.

MLflow is imported inside the functions (it costs ~1.5 s). MLflow's fluent and tracing APIs are
process-wide, so `mlflow_client` also points the process at the tracking URI it is given.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from app.errors import ConfigError
from app.heavy import load

if TYPE_CHECKING:
    from mlflow import MlflowClient

    from app.registry import Pipeline

MAX_TRACE_LINKS = 100  # per MLflow request


def mlflow_client(tracking_uri: str) -> MlflowClient:
    """A client on `tracking_uri` (tracking and prompt registry), with the process pointed there too."""
    from app.environment import apply_quiet_environment

    apply_quiet_environment()
    check_environment()
    mlflow = load("mlflow")
    from mlflow import MlflowClient

    if mlflow.get_tracking_uri() != tracking_uri:
        mlflow.set_tracking_uri(tracking_uri)  # resets MLflow's tracer provider: only on a change
    return MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)


def check_environment() -> None:
    """OTEL_SDK_DISABLED=true turns every MLflow span into a no-op without a word: refuse it."""
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() in {"1", "true", "yes"}:
        raise ConfigError(
            "OTEL_SDK_DISABLED is set: MLflow would silently drop traces and per-row results; unset it"
        )


def shared_experiment() -> str | None:
    """The experiment the user named in `MLFLOW_EXPERIMENT_NAME`, shared by every pipeline."""
    from app.settings import get_settings

    return get_settings().experiment


def experiment_name(pipeline: Pipeline) -> str:
    return shared_experiment() or f"tailor/{pipeline.label}"


def artifact_location(tracking_uri: str, name: str) -> str | None:
    """For a local SQLite store, artifacts beside the database (not in ./mlruns of the cwd)."""
    if not tracking_uri.startswith("sqlite:///"):
        return None  # a tracking server decides
    db = Path(tracking_uri.removeprefix("sqlite:///").split("?", 1)[0])  # relative: to the cwd, as MLflow
    folder = re.sub(r"[^A-Za-z0-9._-]+", "_", name)
    return (db.resolve().parent / "mlartifacts" / folder).as_uri()


def ensure_experiment(client: MlflowClient, pipeline: Pipeline, tracking_uri: str) -> str:
    """The pipeline's experiment id, created (or restored) if need be; tagged with the pipeline hash
    unless the user chose an experiment that every pipeline shares (runs carry `pipeline.hash`)."""
    from mlflow.exceptions import MlflowException

    name = experiment_name(pipeline)
    tags: dict[str, str] = {}
    if shared_experiment() is None:
        tags = {"tailor.pipeline_label": pipeline.label, "tailor.pipeline_hash": pipeline.hash}
    experiment = client.get_experiment_by_name(name)
    if experiment is None:
        try:
            return client.create_experiment(name, artifact_location(tracking_uri, name), tags)
        except MlflowException:  # created meanwhile by another process
            experiment = client.get_experiment_by_name(name)
            if experiment is None:
                raise
    if experiment.lifecycle_stage == "deleted":
        client.restore_experiment(experiment.experiment_id)
    for key, value in tags.items():
        if experiment.tags.get(key) != value:
            client.set_experiment_tag(experiment.experiment_id, key, value)
    return str(experiment.experiment_id)


def link_traces(client: MlflowClient, trace_ids: list[str], run_id: str) -> None:
    """Link traces recorded before the run existed (MLflow takes at most 100 per request)."""
    import mlflow

    mlflow.flush_trace_async_logging()
    real = [t for t in dict.fromkeys(trace_ids) if t and not t.startswith("MLFLOW_NO_OP")]
    for start in range(0, len(real), MAX_TRACE_LINKS):
        client.link_traces_to_run(real[start : start + MAX_TRACE_LINKS], run_id)
