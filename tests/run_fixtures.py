"""A synthetic but well-formed results folder, for tests of the report and the MLflow logging."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evals.runner import RUN_FILE, CaseRecord, ResultsWriter, read_run_meta, summarise, write_summary

SOURCE = {
    "basics": {"name": "[NAME_1]", "email": "[EMAIL_1]", "summary": "Engineer with 6 years of Python."},
    "work": [
        {
            "name": "Lakeside Analytics",
            "position": "Software Engineer",
            "startDate": "2021-03",
            "highlights": ["Built ETL jobs in Python", "Cut latency by 40%"],
        }
    ],
}


def _score(
    name: str,
    value: float | None,
    passed: bool | None,
    offenses: list[dict[str, str]] | None = None,
    missing: str | None = None,
    **details: Any,
) -> dict[str, Any]:
    return {
        "name": name,
        "value": value,
        "passed": passed,
        "explanation": f"{name} explained",
        "offenses": offenses or [],
        "details": details,
        "missing_reason": missing,
    }


def make_run_dir(folder: Path, n_cases: int = 3) -> Path:
    """cases: c0 faithful, c1 with an invented metric (45%), c2.. faithful; one judge score missing."""
    run = {
        "pipeline": {"label": "v2-strict", "hash": "ab" * 32, "agents": {}},
        "dataset": {
            "name": "golden",
            "version": "1.0.0",
            "split": "smoke",
            "hash": "cd" * 32,
            "cases": n_cases,
        },
        "scorers": ["structure", "fabrication", "jd_coverage", "judge_relevance"],
        "judge": {"model": "local/smollm2", "version": "ef" * 32, "calibrated": False, "n": 1},
        "git_commit": "0123456789abcdef",
        "started_at": "2026-11-23T10:00:00+00:00",
        "concurrency": 2,
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / RUN_FILE).write_text(json.dumps(run))
    writer = ResultsWriter(folder)
    for i in range(n_cases):
        bad = i == 1
        output = json.loads(json.dumps(SOURCE))
        if bad:
            output["work"][0]["highlights"][1] = "Cut latency by 45%"
        offenses = [
            {"kind": "metric", "span": "45%", "detail": "no such number", "path": "work.0.highlights.1"}
        ]
        writer.append(
            CaseRecord(
                case_id=f"c{i}",
                status="ok",
                tags=["software"],
                input_hash=f"{i:064x}",
                output_hash=f"{i + 7:064x}",
                source=SOURCE,
                source_markdown="# [NAME_1]\n- Built ETL jobs in Python\n- Cut latency by 40%\n",
                output={
                    "tailored_resume": output,
                    "markdown": "- Cut latency by 45%\n" if bad else "- Cut latency by 40%\n",
                    "suggestions": [
                        {
                            "requirement": "Kubernetes",
                            "importance": "nice_to_have",
                            "status": "needs evidence",
                            "note": "add evidence",
                        }
                    ],
                },
                scores={
                    "structure": _score("structure", 1.0, True),
                    "fabrication": _score(
                        "fabrication", 0.5 if bad else 1.0, not bad, offenses if bad else None
                    ),
                    "jd_coverage": _score("jd_coverage", 0.75, True, lift=0.25),
                    "judge_relevance": _score(
                        "judge_relevance", None, None, missing="judge output unparsable"
                    )
                    if i == 2
                    else _score("judge_relevance", 0.5, True, stdev=0.0),
                },
                usage={
                    "input_tokens": 100 + i,
                    "output_tokens": 20,
                    "cost_usd": 0.0,
                    "calls": 3,
                    "cache_hits": 1,
                    "cache_misses": 2,
                },
                latency_ms=1000.0 + 100 * i,
                finished_at=1.0 + i,
            )
        )
    writer.close()
    from evals.runner import read_records

    write_summary(folder, summarise(read_records(folder / "cases.jsonl"), read_run_meta(folder)))
    return folder
