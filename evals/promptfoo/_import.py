"""promptfoo's JSON output as a Tailor run: the folder `tailor eval` writes, registered and tracked.

    <data>/runs/<label>-<dataset>-<split>-promptfoo-<key>/
        run.json  cases.jsonl  summary.json  report.html   as `tailor eval` writes them
        promptfoo.json                                      the promptfoo eval it came from

Each record is the provider's privacy-safe record with the scores promptfoo's assertions gave
(Tailor's Score, carried in each assertion's metadata), plus `usage`, computed from what the
provider reported. The run enters the run index (`finished` when every case of the dataset passed
through the provider, so `tailor gate` may reuse it) and MLflow (tag `tailor.source=promptfoo`).

Nothing is half-imported: the folder is written under a temporary name and renamed; a failure to
log to MLflow removes it again, and the run index is written last. Importing the same promptfoo
eval twice finds the first import.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ValidationError

from app.errors import InputError
from app.hashing import sha256_json, short
from app.settings import get_settings
from evals.promptfoo._models import ExportInfo, PfOutput, untag_hash
from evals.promptfoo._records import failed_assertions, records_of
from evals.runner import CASES_FILE, SUMMARY_FILE, CaseRecord, RunSummary

if TYPE_CHECKING:
    from app.registry import Pipeline
    from evals.datasets import Dataset
    from evals.runner import RunMeta

IMPORT_FILE = "promptfoo.json"


class ImportInfo(BaseModel):
    """promptfoo.json: where an imported run came from."""

    eval_id: str
    output: str  # the JSON file imported
    promptfoo_version: str | None = None
    evaluated_at: str = ""
    imported_at: float = 0.0
    skipped: list[str] = []  # tests that were not the dataset's cases as exported


@dataclass
class ImportOutcome:
    folder: Path
    run_key: str
    summary: RunSummary
    status: str  # the run index's: finished (every case ok) or failed
    eval_id: str
    mlflow_run_id: str | None = None
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, list[str]] = field(default_factory=dict)  # case id -> assertions that failed
    already: bool = False  # this promptfoo eval was imported before


def read_output(path: Path) -> PfOutput:
    try:
        return PfOutput.model_validate_json(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read promptfoo's output ({exc.strerror or exc})") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "top level"
        raise InputError(f"{path}: not promptfoo's JSON output ({where}: {first['msg']})") from exc


def _pipeline(output: PfOutput, info: ExportInfo) -> Pipeline:
    from app.services.tailoring import resolve_pipeline
    from evals.promptfoo._export import PROVIDER_FILE

    providers = output.config.get("providers") or [{}]
    provider = providers[0] if len(providers) == 1 and isinstance(providers[0], dict) else {}
    if not str(provider.get("id", "")).startswith(f"file://{PROVIDER_FILE}:"):
        named = ", ".join(str(p.get("id") if isinstance(p, dict) else p) for p in providers)
        raise InputError(
            f"this eval's provider is not Tailor's pipeline ({named}): its results are not a run of it"
        )
    config = provider.get("config") or {}
    pipeline = resolve_pipeline(untag_hash(str(config.get("pipeline") or info.pipeline_hash)), info.model)
    if pipeline.hash != info.pipeline_hash:
        raise InputError(
            f"the export names pipeline {info.pipeline_hash[:12]}, which now resolves to {pipeline.short_hash}"
        )
    return pipeline


def _run_meta(
    info: ExportInfo, pipeline: Pipeline, dataset: Dataset, code: str, key: str, started: str
) -> RunMeta:
    from evals.runner import AgentIdentity, DatasetIdentity, PipelineIdentity, RunMeta

    agents = {
        name: AgentIdentity(
            prompt_ref=a.prompt_ref,
            prompt_hash=a.prompt_hash,
            model=a.model,
            params=a.params,
            options=a.options,
        )
        for name, a in pipeline.agents.items()
    }
    return RunMeta(
        config_hash=key,
        pipeline=PipelineIdentity(label=pipeline.label, hash=pipeline.hash, agents=agents),
        dataset=DatasetIdentity(
            name=dataset.name,
            version=dataset.manifest.version,
            split=dataset.split,
            hash=dataset.content_hash,
            cases=len(dataset.cases),
        ),
        scorers=[*info.scorers, "usage"],
        judge=None,
        git_commit=_git_commit(get_settings().home),
        code_hash=code,
        started_at=started,
        cache=True,
    )


def _git_commit(root: Path) -> str | None:
    import subprocess

    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def import_output(path: Path, *, track: bool = True) -> ImportOutcome:
    """Import promptfoo's JSON output at `path` (from an exported config) as a Tailor run."""
    from evals.datasets import open_dataset

    settings = get_settings()
    output = read_output(path)
    info = output.export_info()
    if info is None:
        raise InputError(f"{path}: this promptfoo eval did not run a config from `tailor promptfoo export`")
    dataset = open_dataset(info.dataset, settings.datasets)
    if dataset.content_hash != info.dataset_hash:
        raise InputError(f"{info.dataset} changed since the export: export and run again")
    pipeline = _pipeline(output, info)
    records, skipped, codes = records_of(output, info, dataset)
    if len(codes) > 1:
        raise InputError("the provider ran under more than one version of Tailor's code during this eval")
    code = codes.pop() if codes else info.code_hash
    scorers = [*info.scorers, "usage"]
    key = sha256_json({"code": code, "pipeline": pipeline.hash, "dataset": dataset.content_hash,
                       "scorers": sorted(scorers), "judge": None, "promptfoo": output.eval_id})  # fmt: skip
    name = f"{pipeline.label}-{dataset.name}-{dataset.split or 'all'}-promptfoo-{short(key, 10)}"
    folder = settings.data / "runs" / name.replace("/", "_").replace("+", "_")
    failed = {r.case_id: names for r in records if (names := failed_assertions(r))}
    ok = {r.case_id for r in records if r.status == "ok"}
    status = "finished" if ok == {c.id for c in dataset.cases} else "failed"
    if (folder / SUMMARY_FILE).is_file():  # imported before: the same folder, index entry and MLflow run
        from evals.runner import read_summary

        return ImportOutcome(folder, key, read_summary(folder), status, output.eval_id,
                             skipped=skipped, failed=failed, already=True)  # fmt: skip
    started = str(output.results.timestamp or output.metadata.get("evaluationCreatedAt") or "")
    meta = _run_meta(info, pipeline, dataset, code, key, started.replace("Z", "+00:00"))
    import_info = ImportInfo(
        eval_id=output.eval_id,
        output=str(path.resolve()),
        promptfoo_version=output.metadata.get("promptfooVersion"),
        evaluated_at=started,
        imported_at=time.time(),
        skipped=skipped,
    )
    summary = _write_folder(folder, meta, records, import_info)
    run_id = None
    try:
        if track:
            run_id = _track(folder, pipeline)
        _register(meta, pipeline, dataset, folder, status, len(ok), run_id)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return ImportOutcome(folder, key, summary, status, output.eval_id, run_id, skipped, failed)


def _write_folder(folder: Path, meta: RunMeta, records: list[CaseRecord], info: ImportInfo) -> RunSummary:
    """Write the whole folder under a temporary name, then rename it into place."""
    from app.fileio import atomic_write_text
    from evals.report import write_report
    from evals.runner import ResultsWriter, read_records, summarise, write_run_meta, write_summary

    part = folder.with_name(folder.name + ".part")
    shutil.rmtree(part, ignore_errors=True)
    part.mkdir(parents=True)
    try:
        write_run_meta(part, meta)
        writer = ResultsWriter(part)
        for record in records:
            writer.append(record)
        writer.close()
        summary = summarise(read_records(part / CASES_FILE), meta)
        write_summary(part, summary)
        atomic_write_text(part / IMPORT_FILE, info.model_dump_json(indent=2) + "\n")
        write_report(part)
        os.replace(part, folder)
    except BaseException:
        shutil.rmtree(part, ignore_errors=True)
        raise
    return summary


def _track(folder: Path, pipeline: Pipeline) -> str:
    from app.registry import open_registry
    from evals.tracking import log_eval_run, mlflow_client

    uri = get_settings().tracking
    run_id = log_eval_run(folder, tracking_uri=uri, pipeline=pipeline, registry=open_registry())
    client = mlflow_client(uri)
    client.set_tag(run_id, "tailor.source", "promptfoo")
    info = json.loads((folder / IMPORT_FILE).read_text(encoding="utf-8"))
    client.set_tag(run_id, "promptfoo.eval_id", info["eval_id"])
    return run_id


def _register(meta: RunMeta, pipeline: Pipeline, dataset: Dataset, folder: Path, status: str, done: int,
              run_id: str | None) -> None:  # fmt: skip
    from app.state import RunEntry, open_state

    store = open_state(get_settings().state)
    store.register_run(
        RunEntry(
            run_key=meta.config_hash,
            pipeline_hash=pipeline.hash,
            pipeline_label=pipeline.label,
            dataset_ref=dataset.ref,
            dataset_hash=dataset.content_hash,
            scorers=sorted(meta.scorers),
            judge_version=None,
            code_hash=meta.code_hash,
            folder=str(folder),
            mlflow_run_id=run_id,
            status="running",
            cases_total=len(dataset.cases),
            cases_done=done,
            started_at=time.time(),
        )
    )
    store.update_run(meta.config_hash, status=status, cases_done=done)
