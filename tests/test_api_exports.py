"""What leaves the service as files: `tailor optimize --format pdf` (the page's PDF template, escaped,
every employer, title and date kept) and `tailor feedback export` (rated jobs as candidate golden
cases, with no name, e-mail, phone, URL or comment of the user left in them)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from app.resume import load_resume_source
from evals.datasets import Case, check_case
from tests.conftest import SAMPLES, run_cli
from tests.fakes import ScriptedLLM
from tests.test_api_support import JD, RESUME, api_client, wait_for_job

PAYLOADS = ["<script>alert(1)</script>", "{{ 7*7 }}", "\\section{Evil}", "100% & more"]
PERSONAL = ["Priya", "Raman", "priya.raman@example.com", "013-2233", "linkedin.com/in/priya-raman-dev"]


def _pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_optimize_writes_the_pdf_of_the_web_page_template(tmp_path: Path, fake_llm: ScriptedLLM) -> None:
    from app.api import render as api_render
    from app.services import render as shared_render

    assert api_render.resume_pdf is shared_render.resume_pdf  # one renderer, one template, for both
    resume_file = tmp_path / "resume.md"
    resume_file.write_text(RESUME.replace("- Mentored two junior", "- " + " ".join(PAYLOADS) + "\n- Mentored two junior"))
    out = tmp_path / "tailored.pdf"
    result = run_cli("optimize", "--resume", str(resume_file), "--jd", str(SAMPLES / "job.txt"),
                     "--model", "fake/model", "--format", "pdf", "--out", str(out))  # fmt: skip
    assert result.code == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF-") and result.stdout == "" and f"written to {out}" in result.stderr
    text = _pdf_text(out)
    source = load_resume_source(resume_file.read_text())
    for entry in source["work"]:
        for key in ("name", "position", "startDate"):
            assert entry[key] in text, (key, entry[key])
    for school in source.get("education") or []:
        assert school["institution"] in text
    for payload in PAYLOADS:
        assert payload in text, payload

    folder = tmp_path / "out"
    assert run_cli("optimize", "--resume", str(resume_file), "--jd", str(SAMPLES / "job.txt"),
                   "--model", "fake/model", "-q", "--format", "pdf", "--out", str(folder)).code == 0  # fmt: skip
    assert (folder / "tailored.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(
    "args",
    [("--format", "pdf"), ("--format", "pdf", "--out", "x.md"), ("--out", "x.pdf"), ("--format", "pdf", "--json", "--out", "x.pdf")],
)
def test_optimize_refuses_a_pdf_it_cannot_write_before_any_model_call(
    args: tuple[str, ...], tmp_path: Path, fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("optimize", "--resume", str(SAMPLES / "resume.md"), "--jd", str(SAMPLES / "job.txt"),
                     "--model", "fake/model", *args)  # fmt: skip
    assert result.code == 2 and not fake_llm.calls
    assert not list(tmp_path.iterdir())


def _rate(client: Any, resume: Any, rating: str, reason: str, comment: str | None = None) -> str:
    job_id = client.post("/v1/jobs", json={"resume": resume, "jd": JD}).json()["job_id"]
    assert wait_for_job(client, job_id)["status"] == "succeeded"
    answer = client.post("/v1/feedback", json={"job_id": job_id, "rating": rating, "reason": reason, "comment": comment})
    assert answer.status_code == 201, answer.text
    return str(job_id)


def test_feedback_exports_pseudonymised_candidate_golden_cases(
    tmp_path: Path, fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    as_json = load_resume_source(RESUME)
    with api_client(monkeypatch) as client:
        liked = _rate(client, RESUME, "up", "good", comment="Great! Call me on (555) 013-2233, Priya")
        disliked = _rate(client, as_json, "down", "fabricated_fact", comment="invented a metric")
        erased = _rate(client, RESUME, "down", "other")
        assert client.delete(f"/v1/jobs/{erased}").status_code == 200
    out = tmp_path / "candidates.jsonl"
    result = run_cli("feedback", "export", "--out", str(out))
    assert result.code == 0, result.stderr
    assert "2 candidate case(s) from 3 rating(s) of 3 job(s); 1 erased or purged job(s) skipped" in result.stderr

    text = out.read_text(encoding="utf-8")
    for value in [*PERSONAL, "Call me", "invented a metric"]:
        assert value.lower() not in text.lower(), value
    cases = {c["id"]: c for c in map(json.loads, text.splitlines())}
    up, down = cases[f"feedback-{liked[:16]}"], cases[f"feedback-{disliked[:16]}"]
    for case in (up, down):
        parsed = Case.model_validate(case)
        assert not check_case(parsed).errors, check_case(parsed).errors
        assert "Lakeside Analytics" in json.dumps(case["resume"])  # employers stay: they are the facts
        assert set(case["evidenced_requirements"]) <= set(case["jd_requirements"]["must_have"] + case["jd_requirements"]["nice_to_have"])
    assert up["tags"] == ["feedback", "rating-up", "reason-good", "pipeline-v7-strict+fake/model"]
    assert isinstance(up["resume"], str) and up["resume"].startswith("# Alex Morgan")
    assert "candidate1@example.com" in up["resume"] and re.search(r"\(555\) 010-\d{4}", up["resume"])
    assert up["reference"].startswith("# Alex Morgan")  # a thumbs up brings its output as the reference
    assert isinstance(down["resume"], dict) and down["resume"]["basics"]["name"] == "Alex Morgan"
    assert down["resume"]["basics"]["email"].endswith("@example.com") and "reference" not in down
    assert "reason-fabricated_fact" in down["tags"]

    only_down = run_cli("feedback", "export", "--rating", "down")
    assert only_down.code == 0 and [json.loads(line)["id"] for line in only_down.stdout.splitlines()] == [down["id"]]
