"""The HTML and PDF downloads render every fact of the resume, and user text stays text: `<script>`,
`{{ }}`, `\\section` and `%` are printed, never executed or lost. And the page's line comparison."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from app.api.render import compare_markdown, resume_html, resume_pdf
from app.resume import load_resume_source
from tests.test_api_support import RESUME

PIPELINE = {"label": "v7-strict", "hash": "9bcf204ed90a" + "0" * 52}
PAYLOADS = ["<script>alert(1)</script>", "{{ 7*7 }}", "\\section{Evil}", "100% & more"]


def _resume_with_payloads() -> dict[str, object]:
    resume = load_resume_source(RESUME)
    resume["work"][0]["highlights"].extend(PAYLOADS)
    return resume


def test_html_escapes_user_text_and_keeps_every_fact() -> None:
    resume = _resume_with_payloads()
    html = resume_html(resume, PIPELINE)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html and "49" not in html
    assert "\\section{Evil}" in html and "100% &amp; more" in html
    for entry in resume["work"]:  # type: ignore[attr-defined]
        assert entry["name"] in html and entry["position"] in html and entry["startDate"] in html
    assert "9bcf204ed90a" in html


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_pdf_text_holds_every_employer_title_date_and_payload(tmp_path: Path) -> None:
    resume = _resume_with_payloads()
    pdf = tmp_path / "resume.pdf"
    pdf.write_bytes(resume_pdf(resume, PIPELINE))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    for entry in resume["work"]:  # type: ignore[attr-defined]
        for key in ("name", "position", "startDate"):
            assert entry[key] in flat, (key, entry[key])
    for school in resume["education"]:  # type: ignore[attr-defined]
        assert school["institution"] in flat
    for payload in PAYLOADS:
        assert payload in flat, payload


def test_comparison_marks_rewritten_lines_not_reordered_ones() -> None:
    original = "# Jo\n- built A\n- built B\n- led C"
    tailored = "# Jo\n- built B\n- built A\n- led the C team"
    compared = compare_markdown(original, tailored)
    assert [line["changed"] for line in compared["tailored"]] == [False, False, False, True]
    assert [line["changed"] for line in compared["original"]] == [False, False, False, True]
