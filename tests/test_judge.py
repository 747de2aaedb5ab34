"""The LLM judge: rubric scoring, retries, sampling, pairwise, privacy and calibration (on the fake)."""

from __future__ import annotations

import asyncio
import json
import re
import statistics
from pathlib import Path
from typing import Any

import pytest

from app.models import ModelClient
from app.registry import Registry, open_registry
from evals.datasets import Case
from evals.judge import (
    CalibrationStore,
    JudgeConfig,
    calibrate,
    compare,
    compare_runs,
    is_calibrated,
    judge_run_info,
    judge_sample,
    judge_version,
)
from evals.runner import CaseRecord
from evals.scorers import Sample, score_sample
from tests.fakes import ScriptedLLM

NAME, EMAIL, PHONE = "Zelda Quimby", "zelda.quimby@example.com", "(312) 555-0199"
SOURCE: dict[str, Any] = {
    "basics": {"name": NAME, "email": EMAIL, "phone": PHONE, "summary": "Data analyst with 5 years of SQL."},
    "work": [
        {
            "name": "Harbor Analytics",
            "position": "Data Analyst",
            "startDate": "2019-01",
            "highlights": ["Built SQL dashboards for 40 stores", "Cut report time by 30%"],
        }
    ],
    "skills": [{"name": "Data", "keywords": ["SQL", "Python"]}],
}
JD = "Data Analyst. Must have: SQL, Tableau. Nice to have: Python."
RELEVANCE_ONLY = {"relevance": "judge_relevance@v1"}


def _output(marker: str = "") -> dict[str, Any]:
    out = json.loads(json.dumps(SOURCE))
    out["work"][0]["highlights"] = ["Built SQL dashboards for 40 stores " + marker, "Cut report time by 30%"]
    return out


def _sample(marker: str = "", case_id: str = "c1") -> Sample:
    case = Case(id=case_id, resume=SOURCE, job_description=JD)
    suggestions = [
        {
            "requirement": "Tableau",
            "importance": "must_have",
            "status": "needs evidence",
            "note": f"If you built Tableau dashboards, say so. Questions: {EMAIL} {marker}",
        }
    ]
    return Sample(case=case, source=SOURCE, output=_output(marker), suggestions=suggestions)


def _config(**overrides: Any) -> JudgeConfig:
    return JudgeConfig(**{"model": "fake/model", "rubrics": RELEVANCE_ONLY, **overrides})


def _answer(score: int, reason: str = "fine") -> str:
    return json.dumps({"score": score, "reason": reason})


@pytest.fixture
def registry() -> Registry:
    return open_registry()


def _judge(sample: Sample, config: JudgeConfig, registry: Registry) -> dict[str, Any]:
    scores = asyncio.run(judge_sample(sample, config, ModelClient(), registry))
    return {s.name: s for s in scores}


def test_a_valid_answer_is_normalised(fake_llm: ScriptedLLM, registry: Registry) -> None:
    fake_llm.responder = lambda messages, params: _answer(4, "SQL is up front")
    score = _judge(_sample(), _config(), registry)["judge_relevance"]
    assert score.value == pytest.approx(0.75) and score.passed is True
    assert score.details["scores"] == [4] and score.details["stdev"] == 0.0 and score.details["n"] == 1
    assert score.details["reasons"] == ["SQL is up front"]
    assert len(fake_llm.calls) == 1
    sent = fake_llm.params[0]
    assert sent["temperature"] == 0 and sent["response_format"]["schema"]["required"] == ["score", "reason"]


def test_every_rubric_is_scored_through_the_scorer_registry(
    fake_llm: ScriptedLLM, registry: Registry
) -> None:
    fake_llm.responder = lambda messages, params: _answer(2)
    config = JudgeConfig(model="fake/model")
    scores = asyncio.run(
        score_sample(_sample(), ["judge"], client=ModelClient(), config=config, registry=registry)
    )
    assert set(scores) == {
        "judge_relevance",
        "judge_faithfulness",
        "judge_actionability",
        "judge_readability",
    }
    assert all(s.value == pytest.approx(0.25) and s.passed is False for s in scores.values())


def test_unparsable_output_is_retried_then_missing_not_zero(
    fake_llm: ScriptedLLM, registry: Registry
) -> None:
    fake_llm.responder = lambda messages, params: "I think it is good, maybe a 4"
    score = _judge(_sample(), _config(retries=2), registry)["judge_relevance"]
    assert score.is_missing and score.value is None and score.passed is None
    assert score.missing_reason == "judge output unparsable after 3 attempts"
    assert len(fake_llm.calls) == 3
    assert [p["seed"] for p in fake_llm.params] == [7, 8, 9]  # another seed per retry
    assert [p["temperature"] for p in fake_llm.params] == [0, 0.3, 0.3]  # greedy decoding ignores seeds


def test_out_of_range_score_is_invalid(fake_llm: ScriptedLLM, registry: Registry) -> None:
    answers = iter(['{"score": 9, "reason": "x"}', '{"score": "4", "reason": "x"}', _answer(5)])
    fake_llm.responder = lambda messages, params: next(answers)
    score = _judge(_sample(), _config(), registry)["judge_relevance"]
    assert score.value == 1.0 and score.details["attempts"] == 3


def test_n_samples_report_mean_and_spread(fake_llm: ScriptedLLM, registry: Registry) -> None:
    by_seed = {7: 2, 8: 4, 9: 3}
    fake_llm.responder = lambda messages, params: _answer(by_seed[params["seed"]], f"seed {params['seed']}")
    score = _judge(_sample(), _config(n=3), registry)["judge_relevance"]
    assert sorted(score.details["scores"]) == [2, 3, 4]
    assert score.details["mean"] == 3.0 and score.value == pytest.approx(0.5) and score.passed is True
    assert score.details["stdev"] == pytest.approx(statistics.pstdev([2, 3, 4]), abs=1e-4)
    assert len(score.details["reasons"]) == 3
    assert {p["temperature"] for p in fake_llm.params} == {0.7}  # n > 1 samples at temperature


def test_partly_unparsable_samples_are_aggregated_and_counted(
    fake_llm: ScriptedLLM, registry: Registry
) -> None:
    # seeds: sample i, attempt k -> 7 + i + 3k; sample 1 (8, 11, 14) never parses
    fake_llm.responder = lambda messages, params: "{" if params["seed"] in (8, 11, 14) else _answer(5)
    score = _judge(_sample(), _config(n=3), registry)["judge_relevance"]
    assert score.value == 1.0 and score.details["parsed"] == 2 and score.details["failed"] == 1
    assert len(fake_llm.calls) == 2 + 3


def test_pairwise_runs_both_orders_and_flags_position_bias(fake_llm: ScriptedLLM, registry: Registry) -> None:
    fake_llm.responder = lambda messages, params: json.dumps({"winner": "A", "reason": "A reads better"})
    result = asyncio.run(compare(_sample("ALPHA"), _sample("BRAVO"), _config(), ModelClient(), registry))
    assert len(fake_llm.calls) == 2
    first, second = (call[-1]["content"] for call in fake_llm.calls)
    assert first.index("ALPHA") < first.index("BRAVO") and second.index("BRAVO") < second.index("ALPHA")
    assert result.winner == "tie" and result.position_bias and result.score == 0.5
    assert [(v.order, v.winner, v.candidate) for v in result.verdicts] == [("ab", "A", "a"), ("ba", "A", "b")]


def test_pairwise_consistent_verdicts_give_the_winner(fake_llm: ScriptedLLM, registry: Registry) -> None:
    def prefer_bravo(messages: list[dict[str, str]], params: dict[str, Any]) -> str:
        user = messages[-1]["content"]
        a_part = user.split("Version A:")[1].split("Version B:")[0]
        return json.dumps({"winner": "A" if "BRAVO" in a_part else "B", "reason": "bravo is better"})

    fake_llm.responder = prefer_bravo
    result = asyncio.run(compare(_sample("ALPHA"), _sample("BRAVO"), _config(), ModelClient(), registry))
    assert result.winner == "b" and not result.position_bias and result.score == 0.0

    records = [
        [
            CaseRecord(case_id=c, status="ok", source=SOURCE, output={"markdown": f"- {c} {m}"})
            for c in ("c1", "c2")
        ]
        for m in ("ALPHA", "BRAVO")
    ]
    cases = {c: Case(id=c, resume=SOURCE, job_description=JD) for c in ("c1", "c2")}
    runs = asyncio.run(compare_runs(records[1], records[0], _config(), ModelClient(), registry, cases=cases))
    assert (runs.compared, runs.wins_a, runs.ties, runs.position_bias, runs.win_rate_a) == (2, 2, 0, 0, 1.0)


def test_no_contact_detail_reaches_the_judge(fake_llm: ScriptedLLM, registry: Registry) -> None:
    fake_llm.responder = lambda messages, params: (
        _answer(3)
        if "score" in json.dumps(params.get("response_format"))
        else '{"winner": "tie", "reason": "x"}'
    )
    sample = _sample()
    sample.markdown = f"# {NAME}\n{EMAIL} · {PHONE}\n- Built SQL dashboards for 40 stores"
    asyncio.run(judge_sample(sample, JudgeConfig(model="fake/model"), ModelClient(), registry))
    asyncio.run(compare(sample, _sample("B"), _config(), ModelClient(), registry))
    sent = fake_llm.all_text_sent()
    assert len(fake_llm.calls) == 4 + 2
    for value in (NAME, "Zelda", "Quimby", EMAIL, PHONE, "555-0199"):
        assert value not in sent
    assert "[EMAIL_1]" in sent and "Harbor Analytics" in sent


def test_long_inputs_are_clipped_for_the_local_model(fake_llm: ScriptedLLM, registry: Registry) -> None:
    fake_llm.responder = lambda messages, params: _answer(3)
    sample = _sample()
    sample.case = Case(id="c1", resume=SOURCE, job_description="Requirement. " * 500)
    _judge(sample, _config(max_chars=300), registry)
    user = fake_llm.calls[0][-1]["content"]
    assert "[truncated]" in user and len(user) < 300 * 2 + 200
    assert JudgeConfig(model="local/smollm2").effective_max_chars == 1200
    assert JudgeConfig(model="openai/gpt-4o-mini").effective_max_chars > 1200


def test_judge_version_covers_model_n_and_prompts(registry: Registry) -> None:
    base = judge_version(_config(), registry)
    assert base == judge_version(_config(), registry) and re.fullmatch(r"[0-9a-f]{64}", base)
    assert base != judge_version(_config(n=3), registry)
    assert base != judge_version(_config(model="fake/other"), registry)
    assert base != judge_version(_config(rubrics={"relevance": "judge_readability@v1"}), registry)


# -- calibration ------------------------------------------------------------------------------
MARKERS = ("ROWONE", "ROWTWO", "ROWTHREE", "ROWFOUR")
HUMAN = {  # per row: faithfulness, relevance, readability, actionability
    "faithfulness": [1, 1, 0, 0],
    "relevance": [1, 1, 1, 1],
    "readability": [1, 0, 1, 0],
    "actionability": [1, 1, 0, 0],
}
JUDGE = {  # the scripted judge's 1-5 scores per row -> binarised (>= 3)
    "faithfulness": [4, 2, 2, 1],  # -> 1 0 0 0: accuracy 3/4, kappa (0.75 - 0.5) / 0.5 = 0.5
    "relevance": [4, 4, 4, 4],  # human all 1 -> kappa undefined
    "readability": [5, 4, 2, 2],  # -> 1 1 0 0: accuracy 2/4, kappa 0
    "actionability": [5, 3, 1, 2],  # -> 1 1 0 0: accuracy 1, kappa 1
}


def _write_labels(tmp_path: Path) -> tuple[Path, Path]:
    datasets = tmp_path / "ds"
    datasets.mkdir()
    case = Case(id="lab-case", resume=SOURCE, job_description=JD)
    (datasets / "core.jsonl").write_text(case.model_dump_json() + "\n")
    rows = []
    for i, marker in enumerate(MARKERS):
        sample = _sample(marker)
        rows.append(
            {
                "id": f"lab-{i}",
                "case_id": "lab-case",
                "output": {"tailored_resume": sample.output, "suggestions": sample.suggestions},
                "labels": {rubric: HUMAN[rubric][i] for rubric in HUMAN},
                "fabrications": [],
                "notes": "",
            }
        )
    labels = tmp_path / "labels.jsonl"
    labels.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return labels, datasets


def _scripted_judge(messages: list[dict[str, str]], params: dict[str, Any]) -> str:
    system = messages[0]["content"].lower()
    rubric = next(r for r in JUDGE if f"criterion: {r}" in system)
    row = next(i for i, m in enumerate(MARKERS) if m in messages[-1]["content"])
    return _answer(JUDGE[rubric][row])


def test_calibration_measures_agreement_and_records_it(
    fake_llm: ScriptedLLM, registry: Registry, tmp_path: Path
) -> None:
    fake_llm.responder = _scripted_judge
    labels, datasets = _write_labels(tmp_path)
    config = JudgeConfig(model="fake/model")
    version = judge_version(config, registry)
    assert not is_calibrated(version)

    report = asyncio.run(calibrate(labels, config, ModelClient(), registry, datasets))
    by = {r.rubric: r for r in report.rubrics}
    assert (by["faithfulness"].n, by["faithfulness"].accuracy, by["faithfulness"].kappa) == (4, 0.75, 0.5)
    assert by["faithfulness"].confusion == {"tp": 1, "fp": 0, "fn": 1, "tn": 2}
    assert by["relevance"].accuracy == 1.0 and by["relevance"].kappa is None
    assert by["relevance"].kappa_note and "every human label is 1" in by["relevance"].kappa_note
    assert (by["readability"].accuracy, by["readability"].kappa) == (0.5, 0.0)
    assert (by["actionability"].accuracy, by["actionability"].kappa) == (1.0, 1.0)
    assert len(fake_llm.calls) == 4 * 4

    assert report.judge_version == version and is_calibrated(version)
    stored = CalibrationStore.open().latest(version)
    assert stored is not None and stored.labels_hash == report.labels_hash
    assert {r.rubric: (r.accuracy, r.kappa) for r in stored.rubrics} == {
        r.rubric: (r.accuracy, r.kappa) for r in report.rubrics
    }
    assert not is_calibrated(judge_version(JudgeConfig(model="fake/model", n=2), registry))
    info = judge_run_info(config, registry)
    assert info["calibrated"] and info["version"] == version and info["model"] == "fake/model"


def test_calibrate_cli_prints_and_records(fake_llm: ScriptedLLM, registry: Registry, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from app.cli.judge import app

    fake_llm.responder = _scripted_judge
    labels, datasets = _write_labels(tmp_path)
    args = ["calibrate", "--labels", str(labels), "--judge-model", "fake/model", "--datasets", str(datasets)]
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert is_calibrated(report["judge_version"])
    table = CliRunner().invoke(app, args)
    assert table.exit_code == 0 and "faithfulness" in table.output and report["judge_version"] in table.output


def test_unknown_case_in_labels_is_one_clear_error(registry: Registry, tmp_path: Path) -> None:
    from app.errors import InputError

    labels, datasets = _write_labels(tmp_path)
    labels.write_text(labels.read_text().replace('"lab-case"', '"no-such-case"'))
    with pytest.raises(InputError, match=r"unknown case.*no-such-case"):
        asyncio.run(calibrate(labels, _config(), ModelClient(), registry, datasets))


def test_a_judge_that_never_answers_is_not_recorded_as_calibrated(
    fake_llm: ScriptedLLM, registry: Registry, tmp_path: Path
) -> None:
    from app.errors import ModelError

    fake_llm.responder = lambda messages, params: "no"
    labels, datasets = _write_labels(tmp_path)
    config = _config(retries=0)
    with pytest.raises(ModelError, match="unparsable after 1 attempts"):
        asyncio.run(calibrate(labels, config, ModelClient(), registry, datasets))
    assert not is_calibrated(judge_version(config, registry))


@pytest.mark.slow
def test_real_local_judge_returns_a_value_or_a_reason(registry: Registry) -> None:
    config = JudgeConfig(model="local/smollm2", rubrics=RELEVANCE_ONLY)
    score = _judge(_sample(), config, registry)["judge_relevance"]
    if score.is_missing:
        assert score.missing_reason
    else:
        assert score.value is not None and 0.0 <= score.value <= 1.0 and score.details["scores"]
