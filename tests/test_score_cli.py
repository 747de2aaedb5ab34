"""`tailor score` on a faithful output and on one with three kinds of fabrication."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from app.settings import PROJECT_ROOT
from tests.conftest import run_cli


def _smoke_case() -> dict[str, Any]:
    lines = (PROJECT_ROOT / "golden" / "smoke.jsonl").read_text().splitlines()
    return next(json.loads(line) for line in lines if json.loads(line)["id"] == "smoke-backend-python")


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    case = _smoke_case()
    fabricated = copy.deepcopy(case["reference"])
    fabricated["work"][0]["name"] = "Stripe"  # invented employer
    fabricated["work"][0]["highlights"][1] = fabricated["work"][0]["highlights"][1].replace("35%", "60%")
    fabricated["work"][0]["highlights"][0] += ", deployed on Kubernetes"  # a trap requirement
    paths = {
        "resume": tmp_path / "resume.json",
        "jd": tmp_path / "jd.txt",
        "faithful": tmp_path / "faithful.json",
        "fabricated": tmp_path / "fabricated.json",
        "case": tmp_path / "case.json",
    }
    paths["resume"].write_text(json.dumps(case["resume"]))
    paths["jd"].write_text(case["job_description"])
    paths["faithful"].write_text(json.dumps(case["reference"]))
    paths["fabricated"].write_text(json.dumps(fabricated))
    paths["case"].write_text(json.dumps(case))
    return paths


def _score(files: dict[str, Path], output: str, *extra: str) -> dict[str, Any]:
    result = run_cli("score", "--resume", str(files["resume"]), "--jd", str(files["jd"]),
                     "--output", str(files[output]), "--json", *extra)  # fmt: skip
    assert result.code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("with_case", [True, False], ids=["case-file", "derived"])
def test_faithful_passes_and_fabricated_fails_with_every_span(
    files: dict[str, Path], with_case: bool
) -> None:
    extra = ("--case", str(files["case"])) if with_case else ()
    faithful = _score(files, "faithful", *extra)["scores"]["fabrication"]
    assert faithful["passed"] is True, faithful["offenses"]

    fabricated = _score(files, "fabricated", *extra)["scores"]["fabrication"]
    assert fabricated["passed"] is False
    found = {(o["kind"], o["span"]) for o in fabricated["offenses"]}
    assert ("employer", "Stripe") in found
    assert ("metric", "60%") in found
    assert ("skill", "Kubernetes") in found


def test_human_output_lists_offending_spans(files: dict[str, Path]) -> None:
    result = run_cli("score", "--resume", str(files["resume"]), "--jd", str(files["jd"]),
                     "--output", str(files["fabricated"]))  # fmt: skip
    assert result.code == 0
    assert "FAIL" in result.stdout and "fabrication" in result.stdout
    assert "'Stripe'" in result.stdout and "'60%'" in result.stdout
