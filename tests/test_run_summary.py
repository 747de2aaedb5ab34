"""run.json and summary.json as RunMeta and RunSummary: the files keep their shape to the byte, old
layouts still load, unknown keys are dropped when read and refused when built in code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from app.errors import InputError
from evals.runner import (
    RUN_FILE,
    SUMMARY_FILE,
    CaseRecord,
    MetricAggregate,
    RunMeta,
    RunSummary,
    read_run_meta,
    read_summary,
    summarise,
    write_summary,
)
from tests.conftest import run_cli
from tests.fakes import ScriptedLLM

# run.json as the runner wrote it at a308fe3 (a real run; hashes shortened, two agents of five kept).
LEGACY_RUN: dict[str, Any] = {
    "config_hash": "3cfa8e1c2591dc3d",
    "pipeline": {
        "label": "v7-strict",
        "hash": "9bcf204ed90ae9d3",
        "agents": {
            "jd_analyst": {
                "prompt_ref": "jd_analyst@v1",
                "prompt_hash": "e873e724248d424e",
                "model": "local/smollm2",
                "params": {"max_tokens": 160, "repeat_penalty": 1.2, "temperature": 0, "seed": 7},
                "options": {},
            },
            "evidence_mapper": {
                "prompt_ref": None,
                "prompt_hash": None,
                "model": "local/smollm2",
                "params": {"temperature": 0, "seed": 7},
                "options": {"method": "lexical"},
            },
        },
    },
    "dataset": {
        "name": "golden",
        "version": "1.0.0",
        "split": "smoke",
        "hash": "ab8f0558742ec564",
        "cases": 6,
    },
    "scorers": ["structure", "fabrication", "jd_coverage", "usage"],
    "judge": {
        "model": "local/smollm2",
        "version": "efefefefefefefef",
        "calibrated": True,
        "n": 1,
        "rubrics": {"relevance": "judge_relevance@v1"},
        "kappa": {"relevance": 0.5},
    },
    "git_commit": "a308fe30765662ad",
    "code_hash": "614f8664ac7ad880",
    "started_at": "2026-12-07T07:23:27+00:00",
    "concurrency": 2,
    "cache": True,
}


def _score(
    name: str, value: float | None, passed: bool | None, missing: str | None = None, **details: Any
) -> Any:
    return {"name": name, "value": value, "passed": passed, "explanation": "", "offenses": [],
            "details": details, "missing_reason": missing}  # fmt: skip


# Two ok cases (one judge score missing, a lift, judge usage, kept and reverted rewrites) and an error.
RECORDS = [
    CaseRecord(case_id="a", status="ok", latency_ms=850.0,
               scores={"fabrication": _score("fabrication", 1.0, True),
                       "judge_relevance": _score("judge_relevance", 0.75, True),
                       "jd_coverage": _score("jd_coverage", 0.6, True, lift=0.2)},
               usage={"input_tokens": 120, "output_tokens": 30, "calls": 3, "cache_hits": 1, "cache_misses": 2,
                      "cost_usd": 0.00012, "judge": {"calls": 2, "input_tokens": 300, "output_tokens": 8,
                                                     "cost_usd": 0.0, "cache_hits": 0}},
               changes=[{"status": "accepted"}, {"status": "unchanged"}]),
    CaseRecord(case_id="b", status="ok", latency_ms=1210.5,
               scores={"fabrication": _score("fabrication", 0.5, False),
                       "judge_relevance": _score("judge_relevance", None, None, missing="judge output unparsable"),
                       "jd_coverage": _score("jd_coverage", 0.4, False, lift=-0.1)},
               usage={"input_tokens": 100, "output_tokens": 25, "calls": 3, "cache_hits": 0, "cache_misses": 3,
                      "cost_usd": 0.0001, "judge": {"calls": 2, "input_tokens": 280, "output_tokens": 0,
                                                    "cost_usd": 0.0, "cache_hits": 1}},
               changes=[{"status": "reverted", "reasons": ["numbers: '45%' is not in the original", "entities: Google"]}]),
    CaseRecord(case_id="c", status="error", error="model down after 2 attempts"),
]  # fmt: skip

# What `summarise` at a308fe3 (dicts all the way) returned for RECORDS, after the "run" entry.
LEGACY_AGGREGATES: dict[str, Any] = {
    "cases": {"total": 3, "ok": 2, "errors": 1},
    "metrics": {
        "fabrication": {"mean": 0.75, "pass_rate": 0.5, "n": 2, "missing": 0, "missing_reasons": {}},
        "jd_coverage": {"mean": 0.5, "pass_rate": 0.5, "n": 2, "missing": 0, "missing_reasons": {}, "mean_lift": 0.05},
        "judge_relevance": {"mean": 0.75, "pass_rate": 1.0, "n": 1, "missing": 1,
                            "missing_reasons": {"judge output unparsable": 1}},
    },
    "latency_ms": {"p50": 1030.25, "p95": 1192.475},
    "usage": {"input_tokens": 220, "output_tokens": 55, "calls": 6, "cache_hits": 1, "cache_misses": 5,
              "cost_usd": 0.00022, "judge": {"calls": 4.0, "input_tokens": 580.0, "output_tokens": 8.0,
                                             "cost_usd": 0.0, "cache_hits": 1.0}},
    "errors": [{"case_id": "c", "error": "model down after 2 attempts"}],
    "rewrites": {"accepted": 1, "reverted": 1, "unchanged": 1, "reverted_by": {"entities": 1, "numbers": 1}},
}  # fmt: skip


def _as_written(data: dict[str, Any]) -> str:
    """How the runner wrote both files before the models: json.dumps, indent 2, a final newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _folder(tmp_path: Path, run: dict[str, Any], summary: dict[str, Any] | None = None) -> Path:
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / RUN_FILE).write_text(_as_written(run), encoding="utf-8")
    if summary is not None:
        (folder / SUMMARY_FILE).write_text(_as_written(summary), encoding="utf-8")
    return folder


def test_an_old_results_folder_loads_and_writes_back_byte_for_byte(tmp_path: Path) -> None:
    legacy_summary = {"run": LEGACY_RUN, **LEGACY_AGGREGATES}
    folder = _folder(tmp_path, LEGACY_RUN, legacy_summary)
    meta, summary = read_run_meta(folder), read_summary(folder)
    assert meta.to_json() == (folder / RUN_FILE).read_text(encoding="utf-8")
    assert summary.to_json() == (folder / SUMMARY_FILE).read_text(encoding="utf-8")
    assert summary.run == meta and meta.judge is not None and meta.judge.kappa == {"relevance": 0.5}
    assert (
        summary.metrics["jd_coverage"].mean_lift == 0.05 and summary.metrics["fabrication"].mean_lift is None
    )
    assert summary.usage.judge is not None and summary.usage.judge.calls == 4.0
    assert summary.rewrites is not None and summary.rewrites.reverted_by == {"entities": 1, "numbers": 1}


def test_summarise_writes_what_the_dict_version_wrote(tmp_path: Path) -> None:
    folder = _folder(tmp_path, LEGACY_RUN)
    write_summary(folder, summarise(RECORDS, read_run_meta(folder)))
    expected = _as_written({"run": LEGACY_RUN, **LEGACY_AGGREGATES})
    assert (folder / SUMMARY_FILE).read_text(encoding="utf-8") == expected


def test_absent_stays_absent() -> None:
    """Keys the runner only writes with a value (mean_lift, rewrites, usage.judge) stay out of the file."""
    run = RunMeta.from_file_data(LEGACY_RUN)
    ok_only = summarise([RECORDS[2].model_copy(update={"status": "ok", "error": None})], run)
    dumped = ok_only.model_dump(mode="json")
    assert "rewrites" not in dumped and "judge" not in dumped["usage"]
    assert "mean_lift" not in MetricAggregate(mean=1.0, pass_rate=1.0, n=1, missing=0).model_dump()
    assert dumped["run"]["judge"]["kappa"] == {"relevance": 0.5} and dumped["errors"] == []


def test_an_older_layout_loads_and_unknown_keys_are_dropped(tmp_path: Path) -> None:
    """Before the code hash: no config_hash, code_hash or cache; the MLflow run id kept in run.json;
    a key no model knows (a newer writer, a hand edit) is dropped, not an error."""
    older = {
        key: value for key, value in LEGACY_RUN.items() if key not in {"config_hash", "code_hash", "cache"}
    }
    older |= {"mlflow_run_id": {"sqlite:///m.db": "r-1"}, "notes": "hand-written"}
    older["dataset"] = {**older["dataset"], "owner": "someone"}
    meta = read_run_meta(_folder(tmp_path, older))
    assert meta.mlflow_run_id == {"sqlite:///m.db": "r-1"} and meta.code_hash == "" and meta.cache is True
    written = json.loads(meta.to_json())
    assert "notes" not in written and "owner" not in written["dataset"]
    assert summarise(RECORDS, meta).run.pipeline.label == "v7-strict"


def test_unknown_keys_are_refused_when_built_in_code() -> None:
    with pytest.raises(ValidationError, match="notes"):
        RunMeta.model_validate({**LEGACY_RUN, "notes": "x"})
    with pytest.raises(ValidationError, match="splitt"):
        RunMeta(pipeline={"label": "p", "hash": "h"}, dataset={"name": "d", "splitt": "x"})  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="mean_lfit"):
        MetricAggregate(mean=1.0, mean_lfit=0.1)  # type: ignore[call-arg]


def test_a_folder_that_is_not_a_results_folder_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"is not a results folder \(no run.json\)"):
        read_run_meta(tmp_path)
    (tmp_path / SUMMARY_FILE).write_text('{"run": {"pipeline": {"label": "p"}}}')
    with pytest.raises(InputError, match=r"not a summary.json \(run.pipeline.hash: Field required\)"):
        read_summary(tmp_path)
    (tmp_path / RUN_FILE).write_text("{torn")
    with pytest.raises(InputError, match="not readable JSON"):
        read_run_meta(tmp_path)


def test_a_run_of_the_scripted_model_reads_back_exactly(tmp_path: Path, fake_llm: ScriptedLLM) -> None:
    """A summary.json written by `tailor eval` now: every reader's view of it is the file itself."""
    out = tmp_path / "results"
    result = run_cli("eval", "--pipeline", "production", "--model", "fake/model", "--dataset", "golden:smoke",
                     "--scorers", "structure,fabrication,jd_coverage,usage", "--no-track", "--out", str(out),
                     "--json")  # fmt: skip
    assert result.code == 0, result.stderr
    text = (out / SUMMARY_FILE).read_text(encoding="utf-8")
    assert result.stdout == text, "--json prints the file's own text"
    summary = read_summary(out)
    assert isinstance(summary, RunSummary) and summary.to_json() == text
    assert summary.run == read_run_meta(out)
    assert read_run_meta(out).to_json() == (out / RUN_FILE).read_text(encoding="utf-8")
    raw = json.loads(text)
    assert summary.cases.ok == raw["cases"]["ok"] == 6
    assert summary.run.pipeline.label == raw["run"]["pipeline"]["label"]
    assert set(summary.metrics) == set(raw["metrics"]) >= {"structure", "fabrication", "jd_coverage"}
    assert summary.usage.calls == raw["usage"]["calls"] > 0
