"""MLflow tracking: eval runs (params, metrics, per-case table, artifacts), prompt mirroring, tracing.

Every test gets its own SQLite tracking store under tmp_path and runs with tmp_path as the working
directory, so nothing lands in ./data or ./mlruns.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.errors import ConfigError, InputError
from app.registry import Pipeline, open_registry
from app.settings import PROJECT_ROOT
from evals.runner import (
    CaseRecord,
    ResultsWriter,
    RunMeta,
    read_records,
    read_run_meta,
    summarise,
    write_summary,
)
from evals.tracking import (
    MLFLOW_FILE,
    MlflowTracer,
    known_run_id,
    log_eval_run,
    mirror_prompts,
    safe_attributes,
)
from tests.run_fixtures import make_run_dir

EXPERIMENT = "tailor/v2-strict"
RESUME_TEXT = ("Lakeside Analytics", "Cut latency", "Built ETL jobs", "[NAME_1]", "[EMAIL_1]")


@pytest.fixture(scope="session")
def blank_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty, migrated MLflow database: creating one costs ~2 s, copying it nothing."""
    db = tmp_path_factory.mktemp("mlflow-blank") / "mlflow.db"
    code = ("import os; os.environ['MLFLOW_DISABLE_TELEMETRY'] = 'true'; from mlflow import MlflowClient; "
            f"MlflowClient({f'sqlite:///{db}'!r}).search_experiments()")  # fmt: skip
    subprocess.run([sys.executable, "-c", code], check=True, cwd=db.parent, capture_output=True)
    return db


@pytest.fixture
def tracking_uri(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, blank_store: Path) -> Iterator[str]:
    """A fresh SQLite tracking store for this test; MLflow's process-wide state reset afterwards."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("OTEL_SDK_DISABLED", raising=False)
    monkeypatch.setenv("MLFLOW_DISABLE_TELEMETRY", "true")
    monkeypatch.setenv("MLFLOW_ENABLE_ASYNC_TRACE_LOGGING", "false")  # traces written before spans close
    shutil.copyfile(blank_store, tmp_path / "mlflow.db")
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    yield uri
    if "mlflow" in sys.modules:
        import mlflow

        while mlflow.active_run() is not None:
            mlflow.end_run()
        mlflow.tracking.fluent._active_experiment_id = None  # set_experiment has no undo
        os.environ.pop("MLFLOW_EXPERIMENT_ID", None)
        mlflow.set_tracking_uri(None)


def strict_pipeline() -> Pipeline:
    return open_registry().resolve("v2-strict")


def results_folder(tmp_path: Path, pipeline: Pipeline, n_cases: int = 3) -> Path:
    """`make_run_dir`, with run.json naming the real pipeline and a report beside it."""
    folder = make_run_dir(tmp_path / "runs" / "r1", n_cases=n_cases)
    run = json.loads((folder / "run.json").read_text())
    run["pipeline"] = {
        "label": pipeline.label,
        "hash": pipeline.hash,
        "agents": {n: a.identity() for n, a in pipeline.agents.items()},
    }
    (folder / "run.json").write_text(json.dumps(run))
    (folder / "report.html").write_text("<html><body>report</body></html>")
    return folder


def load_table(run_id: str) -> Any:
    """`mlflow.load_table` looks in the active experiment only."""
    import mlflow

    mlflow.set_experiment(EXPERIMENT)
    return mlflow.load_table("eval_results.json", run_ids=[run_id])


def add_case(folder: Path, case_id: str) -> None:
    """A resumed evaluation: one more finished case, and a fresh summary."""
    writer = ResultsWriter(folder)
    score = {
        "name": "fabrication",
        "value": 1.0,
        "passed": True,
        "offenses": [],
        "details": {},
        "missing_reason": None,
    }
    writer.append(
        CaseRecord(
            case_id=case_id,
            status="ok",
            input_hash="9" * 64,
            output_hash="8" * 64,
            scores={"fabrication": score},
            usage={"input_tokens": 10},
            latency_ms=900.0,
        )
    )
    writer.close()
    write_summary(folder, summarise(read_records(folder / "cases.jsonl"), read_run_meta(folder)))


# -- fast: no MLflow ---------------------------------------------------------------------------
def test_importing_the_package_does_not_import_mlflow() -> None:
    code = "import sys, evals.tracking; assert 'mlflow' not in sys.modules, 'mlflow imported eagerly'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PROJECT_ROOT)


def test_safe_attributes_keeps_counts_and_redacts_text() -> None:
    safe = safe_attributes(
        {
            "lines": 3,
            "ok": True,
            "ratio": 0.5,
            "none": None,
            "agent": "writer",
            "who": "jane.doe@example.com",
            "call": "+44 20 7946 0958",
            "link": "https://x.io/me",
            "text": "x" * 200,
            "terms": ["a", "b"],
            "obj": object(),
        }
    )
    assert safe == {
        "lines": 3,
        "ok": True,
        "ratio": 0.5,
        "none": None,
        "agent": "writer",
        "who": "[redacted: 20 chars]",
        "call": "[redacted: 16 chars]",
        "link": "[redacted: 15 chars]",
        "text": "[redacted: 200 chars]",
        "terms": 2,
        "obj": "[object]",
    }
    assert safe_attributes({"hash": "0" * 16}) == {"hash": "0" * 16}  # digits alone are not a phone number


def test_known_run_id_reads_mlflow_json_then_run_json(tmp_path: Path) -> None:
    uri = "sqlite:////somewhere/mlflow.db"
    run = lambda **legacy: RunMeta(pipeline={"label": "p", "hash": "h"}, dataset={"name": "d"}, **legacy)  # noqa: E731
    assert known_run_id(tmp_path, run(), uri) is None
    assert known_run_id(tmp_path, run(mlflow_run_id={uri: "r-legacy"}), uri) == "r-legacy"
    assert known_run_id(tmp_path, run(mlflow_run_id={"other": "r-x"}), uri) is None
    assert known_run_id(tmp_path, run(mlflow_run_id="r-plain", mlflow_tracking_uri=uri), uri) == "r-plain"
    assert known_run_id(tmp_path, run(mlflow_run_id="r-plain", mlflow_tracking_uri="other"), uri) is None
    (tmp_path / MLFLOW_FILE).write_text(json.dumps({uri: "r-new"}))
    assert known_run_id(tmp_path, run(mlflow_run_id={uri: "r-legacy"}), uri) == "r-new"


def test_a_results_folder_of_another_pipeline_is_refused(tmp_path: Path) -> None:
    folder = make_run_dir(tmp_path / "r")  # run.json names pipeline "abab..."
    with pytest.raises(InputError, match="was run with pipeline abababababab"):
        log_eval_run(folder, tracking_uri=f"sqlite:///{tmp_path}/mlflow.db", pipeline=strict_pipeline())
    assert not (tmp_path / "mlflow.db").exists()


def test_otel_sdk_disabled_is_refused_loudly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tracking_uri = f"sqlite:///{tmp_path}/mlflow.db"
    pipeline = strict_pipeline()
    folder = results_folder(tmp_path, pipeline)
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    with pytest.raises(ConfigError, match="OTEL_SDK_DISABLED"):
        MlflowTracer()
    with pytest.raises(ConfigError, match="OTEL_SDK_DISABLED"):
        log_eval_run(folder, tracking_uri=tracking_uri, pipeline=pipeline)
    assert not (folder / MLFLOW_FILE).exists()


# -- log_eval_run ------------------------------------------------------------------------------
@pytest.mark.slow
def test_log_eval_run_records_params_metrics_table_and_artifacts(tmp_path: Path, tracking_uri: str) -> None:
    import mlflow
    from mlflow import MlflowClient

    pipeline = strict_pipeline()
    folder = results_folder(tmp_path, pipeline)
    run_id = log_eval_run(folder, tracking_uri=tracking_uri, pipeline=pipeline)

    mlflow.set_tracking_uri(tracking_uri)
    runs = mlflow.search_runs(experiment_names=[EXPERIMENT], output_format="pandas")
    assert list(runs["run_id"]) == [run_id]
    client = MlflowClient(tracking_uri)
    run = client.get_run(run_id)
    assert run.info.run_name == "golden:smoke @ 2026-11-23 10:00"
    assert run.info.status == "FINISHED"
    experiment = client.get_experiment_by_name(EXPERIMENT)
    assert experiment is not None and experiment.tags["tailor.pipeline_hash"] == pipeline.hash

    params = run.data.params
    assert params["pipeline.hash"] == pipeline.hash
    assert params["pipeline.label"] == "v2-strict"
    assert params["dataset.hash"] == "cd" * 32
    assert (params["dataset.name"], params["dataset.version"], params["dataset.split"]) == (
        "golden",
        "1.0.0",
        "smoke",
    )
    assert params["agent.writer.prompt"] == "writer@v2"
    assert params["agent.jd_analyst.prompt"] == "jd_analyst@v1"
    assert params["agent.evidence_mapper.prompt"] == "rules"
    assert params["agent.writer.model"] == "local/smollm2"
    assert params["agent.writer.temperature"] == "0"
    assert params["judge.model"] == "local/smollm2"
    assert params["judge.calibrated"] == "false"
    assert params["git.commit"] == "0123456789abcdef"
    assert params["concurrency"] == "2"
    assert all(len(v) < 500 for v in params.values())

    summary = json.loads((folder / "summary.json").read_text())
    metrics = run.data.metrics
    assert metrics["fabrication.mean"] == pytest.approx(summary["metrics"]["fabrication"]["mean"])
    assert metrics["fabrication.pass_rate"] == pytest.approx(summary["metrics"]["fabrication"]["pass_rate"])
    assert metrics["jd_coverage.mean_lift"] == pytest.approx(0.25)
    assert metrics["judge_relevance.missing"] == 1
    assert "structure.mean_lift" not in metrics
    assert metrics["latency_ms.p50"] == pytest.approx(summary["latency_ms"]["p50"])
    assert metrics["usage.input_tokens"] == 303
    assert (metrics["cases.ok"], metrics["cases.errors"]) == (3, 0)

    tags = run.data.tags
    assert tags["tailor.run_dir"] == str(folder.resolve())
    assert tags["tailor.dataset_ref"] == "golden:smoke"

    artifacts = {f.path for f in client.list_artifacts(run_id)}
    assert {"eval_results.json", "summary.json", "run.json", "report.html"} <= artifacts
    assert not (tmp_path / "mlruns").exists()  # artifacts beside the database, not in the cwd
    assert (tmp_path / "mlartifacts").is_dir()

    table = load_table(run_id).set_index("case_id")
    assert sorted(table.index) == ["c0", "c1", "c2"]
    assert {"fabrication", "fabrication_passed", "jd_coverage", "judge_relevance", "input_hash"} <= set(
        table.columns
    )
    assert table.loc["c1", "fabrication"] == 0.5 and not table.loc["c1", "fabrication_passed"]
    assert not {"source", "source_markdown", "output", "markdown"} & set(table.columns)

    # privacy: no resume text anywhere MLflow stored it
    stored = json.dumps([params, tags]) + "".join(
        Path(client.download_artifacts(run_id, name, str(tmp_path / "dl"))).read_text()
        for name in ("eval_results.json", "summary.json", "run.json")
    )
    assert not [t for t in RESUME_TEXT if t in stored]
    assert json.loads((folder / MLFLOW_FILE).read_text()) == {tracking_uri: run_id}


@pytest.mark.slow
def test_relogging_reuses_the_run_and_updates_a_resumed_folder(tmp_path: Path, tracking_uri: str) -> None:
    import mlflow
    from mlflow import MlflowClient

    pipeline = strict_pipeline()
    folder = results_folder(tmp_path, pipeline)
    first = log_eval_run(folder, tracking_uri=tracking_uri, pipeline=pipeline)
    assert log_eval_run(folder, tracking_uri=tracking_uri, pipeline=pipeline) == first
    mlflow.set_tracking_uri(tracking_uri)
    assert len(mlflow.search_runs(experiment_names=[EXPERIMENT], output_format="list")) == 1
    assert len(load_table(first)) == 3  # not appended twice

    add_case(folder, "c3")  # the evaluation was resumed and finished one more case
    assert log_eval_run(folder, tracking_uri=tracking_uri, pipeline=pipeline) == first
    assert len(mlflow.search_runs(experiment_names=[EXPERIMENT], output_format="list")) == 1
    table = load_table(first)
    assert sorted(table["case_id"]) == ["c0", "c1", "c2", "c3"]
    assert MlflowClient(tracking_uri).get_run(first).data.metrics["cases.ok"] == 4

    # a run id recorded only in run.json (older layout) is honoured too
    (folder / MLFLOW_FILE).unlink()
    run = json.loads((folder / "run.json").read_text())
    (folder / "run.json").write_text(json.dumps({**run, "mlflow_run_id": {tracking_uri: first}}))
    assert log_eval_run(folder, tracking_uri=tracking_uri, pipeline=pipeline) == first
    assert len(mlflow.search_runs(experiment_names=[EXPERIMENT], output_format="list")) == 1


@pytest.mark.slow
def test_the_per_case_table_is_not_silently_empty(tmp_path: Path, tracking_uri: str) -> None:
    """Guards the OTEL_SDK_DISABLED trap: rows logged must be rows stored, and spans real spans."""

    pipeline = strict_pipeline()
    folder = results_folder(tmp_path, pipeline, n_cases=5)
    run_id = log_eval_run(folder, tracking_uri=tracking_uri, pipeline=pipeline)
    table = load_table(run_id)
    assert len(table) == 5
    assert table["fabrication"].notna().all()
    tracer = MlflowTracer(tracking_uri=tracking_uri)
    with tracer.case_span("c0", "0" * 64):
        pass
    assert len(tracer.trace_ids) == 1 and not tracer.trace_ids[0].startswith("MLFLOW_NO_OP")


# -- prompts -----------------------------------------------------------------------------------
@pytest.mark.slow
def test_mirror_prompts_is_idempotent_and_sets_aliases(tracking_uri: str) -> None:
    import mlflow
    from mlflow import MlflowClient

    registry = open_registry()
    pipeline = registry.resolve("v2-strict")
    pinned = {a.prompt_ref for a in pipeline.agents.values() if a.prompt_ref}
    mirrored = mirror_prompts(
        pipeline, registry, tracking_uri=tracking_uri, aliases={"production": pipeline.hash}
    )
    assert {m.split("/")[0] for m in mirrored} == {f"tailor.{ref.split('@')[0]}" for ref in pinned}
    assert (
        mirror_prompts(pipeline, registry, tracking_uri=tracking_uri, aliases={"production": pipeline.hash})
        == mirrored
    )
    client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
    for name in {m.split("/")[0] for m in mirrored}:
        assert len(client.search_prompt_versions(name)) == 1  # the second call created nothing

    writer = client.get_prompt_version_by_alias("tailor.writer", "production")
    source = pipeline.prompt(registry.prompts_root, "writer")
    assert writer.tags["tailor.version"] == "v2"
    assert writer.tags["tailor.content_hash"] == source.content_hash
    assert writer.commit_message == source.description
    assert [m["role"] for m in writer.template] == [
        "system",
        "user",
        "assistant",
        "user",
        "assistant",
        "user",
    ]
    assert writer.template[-1]["content"] == source.template_source("user").strip()
    assert writer.variables == {"line"}
    mlflow.set_tracking_uri(tracking_uri)
    loaded = mlflow.genai.load_prompt("prompts:/tailor.writer@production")
    assert loaded.version == writer.version


@pytest.mark.slow
def test_an_alias_moves_with_the_pipeline_it_names(registry_copy: Path, tracking_uri: str) -> None:
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    (registry_copy / "pipelines" / "v3-lean.yaml").write_text(
        "label: v3-lean\nmodel: local/smollm2\nagents:\n  jd_analyst: {prompt: jd_analyst@v1}\n"
        "  writer: {prompt: writer@v1}\n"
    )
    registry = open_registry()
    strict, lean = registry.resolve("v2-strict"), registry.resolve("v3-lean")
    mirror_prompts(strict, registry, tracking_uri=tracking_uri, aliases={"production": strict.hash})
    client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
    assert client.get_prompt_version_by_alias("tailor.summary_writer", "production") is not None

    mirrored = mirror_prompts(strict, registry, tracking_uri=tracking_uri, aliases={"production": lean.hash})
    assert "tailor.writer/2" in mirrored  # writer@v1 mirrored because the aliased pipeline pins it
    assert client.get_prompt_version_by_alias("tailor.writer", "production").tags["tailor.version"] == "v1"
    with pytest.raises(MlflowException):
        client.get_prompt_version_by_alias("tailor.summary_writer", "production")  # v3-lean has none


def test_an_alias_mlflow_reserves_is_refused(tmp_path: Path) -> None:
    registry = open_registry()
    pipeline = registry.resolve("v2-strict")
    uri = f"sqlite:///{tmp_path}/mlflow.db"
    for alias in ("latest", "v2"):
        with pytest.raises(InputError, match=alias):
            mirror_prompts(pipeline, registry, tracking_uri=uri, aliases={alias: pipeline.hash})
    assert not (tmp_path / "mlflow.db").exists()


@pytest.mark.slow
def test_log_eval_run_links_the_mirrored_prompts(tmp_path: Path, tracking_uri: str) -> None:
    from mlflow import MlflowClient

    registry = open_registry()
    pipeline = registry.resolve("v2-strict")
    run_id = log_eval_run(
        results_folder(tmp_path, pipeline), tracking_uri=tracking_uri, pipeline=pipeline, registry=registry
    )
    linked = json.loads(MlflowClient(tracking_uri).get_run(run_id).data.tags["mlflow.linkedPrompts"])
    assert {p["name"] for p in linked} == {"tailor.jd_analyst", "tailor.writer", "tailor.summary_writer"}


# -- tracing -----------------------------------------------------------------------------------
async def fake_case(tracer: MlflowTracer, case_id: str) -> None:
    """The shape of one tailoring run: steps, one nested, with a delay so the cases interleave."""
    with tracer.case_span(case_id, "ab" * 32, lines=2):
        with tracer.span("jd_analyst", {}):
            await asyncio.sleep(0.01)
        with tracer.span("writer", {"lines": 2, "note": "jane.doe@example.com", "terms": ["python", "sql"]}):
            await asyncio.sleep(0.01)
            with tracer.span("fact_checker", {"lines": 2}):
                await asyncio.sleep(0)
        with tracer.span("assemble", {}):
            pass


def own_attributes(span: Any) -> dict[str, Any]:
    return {k: v for k, v in span.attributes.items() if not k.startswith("mlflow.")}


@pytest.mark.slow
def test_tracer_nests_spans_of_concurrent_cases_under_the_active_run(tracking_uri: str) -> None:
    import mlflow

    mlflow.set_tracking_uri(tracking_uri)
    experiment_id = mlflow.create_experiment(
        "tailor/trace-test", artifact_location=Path("art").resolve().as_uri()
    )
    tracer = MlflowTracer(tracking_uri=tracking_uri, agents=["jd_analyst", "writer", "fact_checker"])

    async def all_cases() -> None:
        await asyncio.gather(*(fake_case(tracer, f"c{i}") for i in range(3)))

    with mlflow.start_run(experiment_id=experiment_id) as run:
        asyncio.run(all_cases())
    traces = mlflow.search_traces(
        locations=[experiment_id], run_id=run.info.run_id, return_type="list", flush=True
    )
    assert len(traces) == 3
    assert sorted(t.info.trace_id for t in traces) == sorted(tracer.trace_ids)
    seen_cases = set()
    for trace in traces:
        spans = {s.name: s for s in trace.data.spans}
        assert set(spans) == {"case", "jd_analyst", "writer", "fact_checker", "assemble"}
        assert spans["case"].parent_id is None
        assert spans["writer"].parent_id == spans["case"].span_id
        assert spans["fact_checker"].parent_id == spans["writer"].span_id
        assert spans["assemble"].parent_id == spans["case"].span_id
        case_id = spans["case"].attributes["tailor.case_id"]
        assert trace.info.tags["tailor.case_id"] == case_id
        seen_cases.add(case_id)
        assert trace.info.trace_metadata["mlflow.sourceRun"] == run.info.run_id
        assert own_attributes(spans["case"]) == {
            "tailor.case_id": case_id,
            "tailor.input_hash": "ab" * 8,
            "lines": 2,
        }
        assert own_attributes(spans["writer"]) == {"lines": 2, "note": "[redacted: 20 chars]", "terms": 2}
        assert own_attributes(spans["jd_analyst"]) == {}
        assert spans["writer"].span_type == "AGENT" and spans["assemble"].span_type == "CHAIN"
        assert "jane.doe" not in json.dumps([s.to_dict() for s in trace.data.spans])
    assert seen_cases == {"c0", "c1", "c2"}


@pytest.mark.slow
def test_traces_recorded_before_the_run_are_linked_by_log_eval_run(tmp_path: Path, tracking_uri: str) -> None:
    import mlflow

    pipeline = strict_pipeline()
    tracer = MlflowTracer.for_pipeline(pipeline, tracking_uri=tracking_uri)
    asyncio.run(fake_case(tracer, "c0"))
    run_id = log_eval_run(
        results_folder(tmp_path, pipeline),
        tracking_uri=tracking_uri,
        pipeline=pipeline,
        trace_ids=tracer.trace_ids,
    )
    experiment = mlflow.get_experiment_by_name(EXPERIMENT)
    assert experiment is not None and tracer.experiment_id == experiment.experiment_id
    traces = mlflow.search_traces(locations=[experiment.experiment_id], run_id=run_id, return_type="list")
    assert [t.info.trace_id for t in traces] == tracer.trace_ids
