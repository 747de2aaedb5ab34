"""An untrusted judge (uncalibrated, or kappa below the policy's minimum) is advisory: in the report
and the CLI table its rows are apart and greyed, and it never turns a case into FAIL."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

import evals.gate
from app.cli._eval_view import print_summary
from evals.report import judge_trust, write_report
from evals.runner import (
    RUN_FILE,
    CaseRecord,
    JudgeInfo,
    ResultsWriter,
    read_records,
    read_run_meta,
    read_summary,
    summarise,
    write_summary,
)

UNCALIBRATED = {"model": "local/smollm2", "version": "ef" * 32, "calibrated": False, "n": 1}
TRUSTED = {
    **UNCALIBRATED,
    "calibrated": True,
    "rubrics": ["relevance", "faithfulness"],
    "kappa": {"relevance": 0.62, "faithfulness": 0.55},
}
WEAK = {**TRUSTED, "kappa": {"relevance": 0.62, "faithfulness": 0.21}}
JUDGED = ("judge_relevance", "judge_faithfulness")
_info = JudgeInfo.model_validate


def _score(name: str, value: float, passed: bool) -> dict[str, Any]:
    return {"name": name, "value": value, "passed": passed, "explanation": f"{name} says so", "offenses": []}


def _results(folder: Path, judge: dict[str, Any], n_cases: int = 3) -> Path:
    """A results folder where every deterministic scorer passes and every judge score fails (1/5)."""
    run = {
        "pipeline": {"label": "v7-strict", "hash": "ab" * 32},
        "dataset": {"name": "golden", "version": "1.0.0", "split": "smoke", "hash": "cd" * 32},
        "scorers": ["structure", "fabrication", "judge"],
        "judge": judge,
        "started_at": "2026-12-07T10:00:00+00:00",
    }
    folder.mkdir(parents=True)
    (folder / RUN_FILE).write_text(json.dumps(run))
    writer = ResultsWriter(folder)
    for i in range(n_cases):
        scores = {
            "structure": _score("structure", 1.0, True),
            "fabrication": _score("fabrication", 1.0, True),
        }
        scores |= {name: _score(name, 0.0, False) for name in JUDGED}
        writer.append(
            CaseRecord(
                case_id=f"c{i}",
                status="ok",
                input_hash=f"{i:064x}",
                output_hash=f"{i + 7:064x}",
                source={"basics": {"name": "[NAME_1]"}},
                source_markdown="# [NAME_1]\n",
                output={"tailored_resume": {"basics": {"name": "[NAME_1]"}}, "markdown": "# [NAME_1]\n"},
                scores=scores,
                latency_ms=1000.0,
            )
        )
    writer.close()
    write_summary(folder, summarise(read_records(folder / "cases.jsonl"), read_run_meta(folder)))
    return folder


def _report(tmp_path: Path, judge: dict[str, Any]) -> str:
    return write_report(_results(tmp_path / "run", judge)).read_text(encoding="utf-8")


def _case_badges(html: str) -> list[str]:
    return re.findall(r'<details class="case (\w+)"', html)


def _advisory_rows(html: str) -> list[str]:
    return sorted(re.findall(r'<tr class="advisory" data-advisory="true" data-row-metric="([\w-]+)"', html))


@pytest.mark.parametrize("judge", [UNCALIBRATED, WEAK], ids=["uncalibrated", "kappa-below-minimum"])
def test_an_untrusted_judge_fails_no_case_in_the_report(tmp_path: Path, judge: dict[str, Any]) -> None:
    html = _report(tmp_path, judge)
    assert _case_badges(html) == ["pass"] * 3
    assert ">FAIL<" not in html and 'class="badge fail"' not in html and "chip fail" not in html
    # greyed and labelled: each judged metric's summary row, then its row in every case's table
    assert _advisory_rows(html) == sorted(JUDGED * (1 + 3)) and "tr.advisory td { color" in html
    assert html.count('<tbody class="advisory">') == 1 + 3  # the summary's, then one per case
    note = re.search(r'<p class="advisory-note" data-field="judge_advisory">(.*?)</p>', html, re.S)
    assert note and "--judge-model" in note.group(1) and "tailor judge calibrate" in note.group(1)


def test_the_reason_names_what_is_wrong_with_the_judge(tmp_path: Path) -> None:
    assert "local/smollm2 is uncalibrated" in judge_trust(_info(UNCALIBRATED)).reason
    weak = judge_trust(_info(WEAK)).reason
    assert "0.21 on faithfulness" in weak and "0.4" in weak
    assert judge_trust(_info({**TRUSTED, "kappa": {"relevance": None}})).trusted is False
    assert judge_trust(_info({**TRUSTED, "kappa": {}})).trusted is False


def test_a_trusted_judge_keeps_failing_cases(tmp_path: Path) -> None:
    html = _report(tmp_path, TRUSTED)
    assert _case_badges(html) == ["fail"] * 3 and html.count(">FAIL<") == 3
    assert not _advisory_rows(html) and 'data-field="judge_advisory"' not in html
    assert 'class="advisory' not in html


def test_the_minimum_kappa_comes_from_the_gate_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    strict = tmp_path / "policy.yaml"
    strict.write_text("min_judge_kappa: 0.7\n")
    monkeypatch.setattr(evals.gate, "default_policy_path", lambda: strict)
    assert judge_trust(_info(TRUSTED)).min_kappa == 0.7
    assert _case_badges(_report(tmp_path, TRUSTED)) == ["pass"] * 3  # 0.55 < 0.7: advisory

    monkeypatch.setattr(evals.gate, "default_policy_path", lambda: tmp_path / "missing.yaml")
    fallback = judge_trust(_info(WEAK))
    assert fallback.min_kappa == 0.4 and not fallback.trusted and fallback.is_advisory("ragas_relevancy")


def _summary_text(folder: Path) -> str:
    console = Console(record=True, width=200, force_terminal=False)
    print_summary(read_summary(folder), folder, console=console)
    return console.export_text()


def _table_rows(text: str) -> list[str]:
    """Metric names in table order, with a `---` where the table draws a section line."""
    rows = []
    for line in text.splitlines():
        if line.startswith("├"):
            rows.append("---")
        elif line.startswith("│"):
            rows.append(line.strip("│ ").split()[0])
    return rows


def test_the_cli_table_keeps_an_untrusted_judge_apart(tmp_path: Path) -> None:
    text = _summary_text(_results(tmp_path / "run", UNCALIBRATED))
    assert _table_rows(text) == ["fabrication", "structure", "---", "judge_faithfulness", "judge_relevance"]
    advisory = [line for line in text.splitlines() if line.startswith("* ")]
    assert len(advisory) == 1 and "uncalibrated" in advisory[0]
    assert "--judge-model" in advisory[0] and "tailor judge calibrate" in advisory[0]


def test_the_cli_greys_the_judge_rows(tmp_path: Path) -> None:
    console = Console(record=True, width=200, force_terminal=True, color_system="standard")
    folder = _results(tmp_path / "run", WEAK)
    print_summary(read_summary(folder), folder, console=console)
    lines = console.export_text(styles=True).splitlines()
    dim = "\x1b[2m"
    assert all(dim in line for line in lines if "judge_relevance *" in line or line.startswith(f"{dim}*"))
    assert any(line.startswith(f"{dim}*") and "0.21" in line for line in lines)
    assert not any(dim in line for line in lines if "fabrication" in line)


def test_the_cli_table_of_a_trusted_judge_is_one_block(tmp_path: Path) -> None:
    text = _summary_text(_results(tmp_path / "run", TRUSTED))
    assert _table_rows(text) == ["fabrication", "judge_faithfulness", "judge_relevance", "structure"]
    assert not [line for line in text.splitlines() if line.startswith("* ")]
