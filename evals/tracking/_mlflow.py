"""Log a finished results folder to MLflow: one run per evaluation, one experiment per pipeline.

    experiment  tailor/<pipeline label>            tagged with the pipeline hash
                (or MLFLOW_EXPERIMENT_NAME, shared by every pipeline: see docs/settings.md)
    run         <dataset>:<split> @ <start time>   params, metrics, the per-case table, artifacts

Idempotent: the run id is kept in `<run dir>/mlflow.json` ({tracking_uri: run_id}); logging the
same folder again returns that run, or brings it up to date if the folder changed since (a resumed
evaluation), never a second run. Privacy: only the per-case table (ids, hashes, scores, counts)
and the run's own JSON files are logged, never resume or job description text.

MLflow is imported on the first call, not with this module.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.errors import ConfigError, InputError
from app.hashing import sha256_json
from evals.tracking._client import ensure_experiment, link_traces, mlflow_client

if TYPE_CHECKING:
    from mlflow import MlflowClient

    from app.registry import Pipeline, Registry
    from evals.runner import RunMeta, RunSummary

MLFLOW_FILE = "mlflow.json"
TABLE_FILE = "eval_results.json"
MAX_PARAM_CHARS = 499
# Columns that may hold resume text; the per-case table must never carry them.
_TEXT_COLUMNS = {
    "source",
    "source_markdown",
    "output",
    "markdown",
    "tailored_resume",
    "changes",
    "suggestions",
}


# -- what is logged ----------------------------------------------------------------------------
def _param(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= MAX_PARAM_CHARS else text[: MAX_PARAM_CHARS - 1] + "…"


def run_params(run: RunMeta, pipeline: Pipeline) -> dict[str, str]:
    params: dict[str, Any] = {"pipeline.label": pipeline.label, "pipeline.hash": pipeline.hash}
    for name, agent in sorted(pipeline.agents.items()):
        params[f"agent.{name}.prompt"] = agent.prompt_ref or "rules"
        params[f"agent.{name}.model"] = agent.model
        params[f"agent.{name}.temperature"] = agent.params.get("temperature", 0)
    dataset = run.dataset
    params |= {
        "dataset.name": dataset.name,
        "dataset.version": dataset.version,
        "dataset.split": dataset.split,
        "dataset.hash": dataset.hash,
        "dataset.cases": dataset.cases,
    }
    judge = run.judge
    if judge is not None:
        params |= {
            "judge.model": judge.model,
            "judge.version": judge.version,
            "judge.calibrated": judge.calibrated,
            "judge.n": judge.n,
        }
    params["git.commit"] = run.git_commit
    params["code.hash"] = run.code_hash or None
    params["concurrency"] = run.concurrency
    params["scorers"] = ",".join(run.scorers) or None
    return {key: _param(value) for key, value in params.items() if value is not None}


def run_metrics(summary: RunSummary) -> dict[str, float]:
    metrics: dict[str, float | int | None] = {}
    for name, stats in summary.metrics.items():
        metrics |= {
            f"{name}.mean": stats.mean,
            f"{name}.pass_rate": stats.pass_rate,
            f"{name}.missing": stats.missing,
            f"{name}.mean_lift": stats.mean_lift,
        }
    latency, usage, cases = summary.latency_ms, summary.usage, summary.cases
    metrics |= {"latency_ms.p50": latency.p50, "latency_ms.p95": latency.p95}
    metrics |= {
        "usage.input_tokens": usage.input_tokens,
        "usage.output_tokens": usage.output_tokens,
        "usage.cost_usd": usage.cost_usd,
        "usage.calls": usage.calls,
        "usage.cache_hits": usage.cache_hits,
    }
    metrics |= {"cases.total": cases.total, "cases.ok": cases.ok, "cases.errors": cases.errors}
    rewrites = summary.rewrites
    if rewrites is not None:
        metrics |= {
            "rewrites.accepted": rewrites.accepted,
            "rewrites.reverted": rewrites.reverted,
            "rewrites.unchanged": rewrites.unchanged,
        }
        for check, count in rewrites.reverted_by.items():
            metrics[f"rewrites.reverted_by.{check}"] = count
    return {k: float(v) for k, v in metrics.items() if v is not None}


def dataset_ref(run: RunMeta) -> str:
    name = run.dataset.name or "dataset"
    return f"{name}:{run.dataset.split}" if run.dataset.split else name


def run_name(run: RunMeta) -> str:
    started = _started(run) or datetime.now(UTC)
    return f"{run.dataset.name or 'dataset'}:{run.dataset.split or 'all'} @ {started:%Y-%m-%d %H:%M}"


def _started(run: RunMeta) -> datetime | None:
    try:
        return datetime.fromisoformat(run.started_at)
    except ValueError:
        return None


def case_table(records: Sequence[Any]) -> Any:
    """`per_case_table`, minus any column that could carry text (a guard should the table grow)."""
    from evals.runner import per_case_table

    table = per_case_table(list(records))
    drop = [c for c in table.columns if c in _TEXT_COLUMNS]
    table = table.drop(columns=drop)
    if "error" in table.columns:
        table["error"] = table["error"].astype(str).str.slice(0, 300)
    return table


# -- the run id, kept beside the results -------------------------------------------------------
def _run_ids(run_dir: Path) -> dict[str, str]:
    """`mlflow.json`: {tracking uri: run id}; empty when there is none yet."""
    path = run_dir / MLFLOW_FILE
    data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return {str(k): v for k, v in data.items() if isinstance(v, str)} if isinstance(data, dict) else {}


def known_run_id(run_dir: Path, run: RunMeta, tracking_uri: str) -> str | None:
    """From `mlflow.json`, else from a `mlflow_run_id` in an older run.json ({uri: id}, or an id)."""
    ids = _run_ids(run_dir)
    if tracking_uri in ids:
        return ids[tracking_uri]
    legacy = run.mlflow_run_id
    if isinstance(legacy, dict):
        return legacy.get(tracking_uri)
    if isinstance(legacy, str) and (run.mlflow_tracking_uri or tracking_uri) == tracking_uri:
        return legacy
    return None


def remember_run_id(run_dir: Path, tracking_uri: str, run_id: str) -> None:
    from app.fileio import atomic_write_text

    ids = _run_ids(run_dir)
    if ids.get(tracking_uri) != run_id:
        ids[tracking_uri] = run_id
        atomic_write_text(run_dir / MLFLOW_FILE, json.dumps(ids, indent=2, sort_keys=True) + "\n")


def _existing_run(client: MlflowClient, run_id: str | None) -> Any:
    from mlflow.exceptions import MlflowException

    if run_id is None:
        return None
    try:
        run = client.get_run(run_id)
    except MlflowException:
        return None  # another store, or deleted for good
    return None if run.info.lifecycle_stage == "deleted" else run


# -- the entry point ---------------------------------------------------------------------------
def log_eval_run(
    run_dir: Path,
    *,
    tracking_uri: str,
    pipeline: Pipeline,
    registry: Registry | None = None,
    trace_ids: Sequence[str] = (),
) -> str:
    """Log the results folder `run_dir` as one MLflow run; returns its run id.

    `registry`: also mirror the pipeline's prompts into MLflow's prompt registry and link them to
    the run. `trace_ids`: traces recorded while the evaluation ran (`MlflowTracer.trace_ids`),
    linked to the run.
    """
    from evals.runner import (
        CASES_FILE,
        REPORT_FILE,
        RUN_FILE,
        SUMMARY_FILE,
        read_records,
        read_run_meta,
        read_summary,
        summarise,
    )

    run_dir = Path(run_dir).resolve()
    run = read_run_meta(run_dir)  # InputError: not a results folder
    logged_hash = run.pipeline.hash
    if logged_hash and logged_hash != pipeline.hash:
        raise InputError(
            f"{run_dir} was run with pipeline {str(logged_hash)[:12]}, "
            f"not {pipeline.label} ({pipeline.short_hash})"
        )
    records = read_records(run_dir / CASES_FILE)
    summary = read_summary(run_dir) if (run_dir / SUMMARY_FILE).is_file() else summarise(records, run)
    summary_hash = sha256_json(
        {"summary": summary.model_dump(mode="json"), "cases": sorted((r.case_id, r.status) for r in records)}
    )

    client = mlflow_client(tracking_uri)
    experiment_id = ensure_experiment(client, pipeline, tracking_uri)
    existing = _existing_run(client, known_run_id(run_dir, run, tracking_uri))
    if existing is not None and existing.data.tags.get("tailor.summary_hash") == summary_hash:
        remember_run_id(run_dir, tracking_uri, existing.info.run_id)
        if registry is not None and "mlflow.linkedPrompts" not in existing.data.tags:
            _link_prompts(client, existing.info.run_id, pipeline, registry, tracking_uri)
        if trace_ids:
            link_traces(client, list(trace_ids), existing.info.run_id)
        return str(existing.info.run_id)

    if existing is None:
        started = _started(run)
        created = client.create_run(
            experiment_id,
            start_time=int(started.timestamp() * 1000) if started else None,
            run_name=run_name(run),
        )
        run_id = str(created.info.run_id)
        already: dict[str, str] = {}
    else:
        run_id = str(existing.info.run_id)
        already = dict(existing.data.params)
    remember_run_id(run_dir, tracking_uri, run_id)  # before anything else: a crash must not duplicate

    _log_values(client, run_id, run, pipeline, summary, already)
    client.set_tag(run_id, "tailor.run_dir", str(run_dir))
    client.set_tag(run_id, "tailor.dataset_ref", dataset_ref(run))
    if run.config_hash:
        client.set_tag(run_id, "tailor.config_hash", run.config_hash)
    _log_table(client, run_id, case_table(records), replace=existing is not None)
    for name in (RUN_FILE, REPORT_FILE):
        if (run_dir / name).is_file():
            client.log_artifact(run_id, str(run_dir / name))
    if (run_dir / SUMMARY_FILE).is_file():
        client.log_artifact(run_id, str(run_dir / SUMMARY_FILE))
    else:
        client.log_dict(run_id, summary.model_dump(mode="json"), SUMMARY_FILE)
    if registry is not None:
        _link_prompts(client, run_id, pipeline, registry, tracking_uri)
    if trace_ids:
        link_traces(client, list(trace_ids), run_id)
    client.set_tag(run_id, "tailor.summary_hash", summary_hash)  # last: marks the run complete
    client.set_terminated(run_id, "FINISHED", end_time=_end_time(records, run))
    return run_id


def _log_values(
    client: MlflowClient,
    run_id: str,
    run: RunMeta,
    pipeline: Pipeline,
    summary: RunSummary,
    already: dict[str, str],
) -> None:
    import time

    from mlflow.entities import Metric, Param

    params = [Param(k, v) for k, v in run_params(run, pipeline).items() if k not in already]
    now = int(time.time() * 1000)
    metrics = [Metric(k, v, now, 0) for k, v in run_metrics(summary).items()]
    for start in range(0, max(len(params), 1), 100):  # MLflow takes at most 100 params per batch
        client.log_batch(run_id, metrics=metrics if start == 0 else [], params=params[start : start + 100])


def _log_table(client: MlflowClient, run_id: str, table: Any, *, replace: bool) -> None:
    """`log_table` appends to an existing table file; on an update, remove the old one first."""
    if replace and any(f.path == TABLE_FILE for f in client.list_artifacts(run_id)):
        from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository

        uri = client.get_run(run_id).info.artifact_uri
        get_artifact_repository(uri, tracking_uri=client.tracking_uri).delete_artifacts(TABLE_FILE)
    client.log_table(run_id, data=table, artifact_file=TABLE_FILE)
    if len(table) and not any(
        f.path == TABLE_FILE and (f.file_size or 0) > 0 for f in client.list_artifacts(run_id)
    ):
        raise ConfigError(f"MLflow did not store the per-case table of run {run_id}")


def _link_prompts(
    client: MlflowClient, run_id: str, pipeline: Pipeline, registry: Registry, uri: str
) -> None:
    """The MLflow copies of the pipeline's prompt versions, listed on the run (MLflow dedupes links)."""
    from evals.tracking._prompts import mirror_pipeline_prompts

    for version in mirror_pipeline_prompts(client, pipeline, registry):
        client.link_prompt_version_to_run(run_id, version)


def _end_time(records: Sequence[Any], run: RunMeta) -> int | None:
    started = _started(run)
    last = max((float(r.finished_at) for r in records), default=0.0)
    if started is None or last <= started.timestamp():
        return None  # now
    return int(last * 1000)
