"""The gate's reports: changed lines (new and old records), report.md and report.html, the files."""

from __future__ import annotations

import copy
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from evals.gate import Decision, Flip, MetricVerdict, Verdict, VerdictKey, write_gate_reports
from evals.gate._report import render_html, render_markdown
from evals.gate._report_lines import changed_lines, word_diff
from evals.gate._report_markdown import MARKDOWN_LIMIT_BYTES, MAX_FLIPPED_CASES
from evals.runner import CaseRecord

INJECTION = "<script>alert(1)</script>"
BEFORE, AFTER = "Scheduled social media posts", "Supported the social media posts"
SOURCE: dict[str, Any] = {
    "basics": {"name": "[NAME_1]", "summary": "Marketing assistant."},
    "work": [{"name": "Acme", "highlights": [BEFORE, "Wrote the newsletter", "Ran events"]}],
}


def _tailored(highlights: list[str]) -> dict[str, Any]:
    resume = copy.deepcopy(SOURCE)
    resume["work"][0]["highlights"] = highlights
    return resume


def _record(
    case_id: str,
    highlights: list[str],
    *,
    changes: list[dict[str, Any]] | None = None,
    passed: bool = True,
    suggestions: tuple[str, ...] = ("Kubernetes",),
) -> CaseRecord:
    return CaseRecord(
        case_id=case_id,
        status="ok",
        tags=["synthetic"],
        source=SOURCE,
        output={
            "tailored_resume": _tailored(highlights),
            "suggestions": [{"requirement": name, "status": "needs evidence"} for name in suggestions],
        },
        scores={
            "fabrication": {"value": 1.0 if passed else 0.0, "passed": passed},
            "jd_coverage": {"value": 0.5, "passed": True},
        },
        changes=changes or [],
    )


def _change(path: str, original: str, final: str, status: str) -> dict[str, Any]:
    return {"path": path, "original": original, "final": final, "status": status, "reasons": [], "terms": []}


def _metric(name: str, *, blocking: bool, decision: Decision, reason: str = "held") -> MetricVerdict:
    return MetricVerdict(
        metric=name,
        blocking=blocking,
        direction="higher",
        test="paired BCa bootstrap",
        baseline=0.9,
        candidate=0.8,
        delta=-0.1,
        ci_low=-0.2,
        ci_high=0.01,
        margin=0.05,
        alpha=0.025,
        n_pairs=3,
        decision=decision,
        reason=reason,
        warnings=["dataset too small for a 0.05 margin"] if not blocking else [],
    )


def _verdict(flips: list[Flip], *, reason: str = "fabrication rate | rose from 0 to 1/3") -> Verdict:
    return Verdict(
        passed=False,
        key=VerdictKey(
            candidate_hash="c" * 64,
            baseline_hash="b" * 64,
            dataset_hash="d" * 64,
            policy_hash="p" * 64,
            code_hash="e" * 64,
        ),
        candidate_label="v8-loose",
        baseline_label="v7-strict",
        dataset_ref="golden:core",
        cases_total=3,
        cases_used=3,
        family_alpha=0.05,
        metrics=[
            _metric("judge_relevance", blocking=False, decision="advisory"),
            _metric("fabrication", blocking=True, decision="fail", reason=reason),
        ],
        blocking_reasons=[f"fabrication: {reason}"],
        flips=flips,
    )


def _runs() -> tuple[list[CaseRecord], list[CaseRecord]]:
    """c1: a leaked verb every scorer passes; c2: flips fabrication; c3: identical."""
    path = "work[0].highlights[0]"
    baseline = [
        _record(
            "c1",
            [BEFORE, "Wrote the newsletter", "Ran events"],
            changes=[_change(path, BEFORE, BEFORE, "reverted")],
        ),
        _record("c2", [BEFORE, "Wrote the newsletter", "Ran events"]),
        _record("c3", [BEFORE, "Wrote the newsletter", "Ran events"]),
    ]
    candidate = [
        _record(
            "c1",
            [AFTER, "Wrote the newsletter", "Ran events"],
            changes=[_change(path, BEFORE, AFTER, "accepted")],
        ),
        _record(
            "c2", [BEFORE, "Wrote the newsletter", INJECTION], passed=False, suggestions=("Kubernetes", "Go")
        ),
        _record("c3", [BEFORE, "Wrote the newsletter", "Ran events"]),
    ]
    return baseline, candidate


FLIP = Flip(case_id="c2", metric="fabrication", baseline_passed=True, candidate_passed=False, reason="a | b")


def test_changed_lines_from_changes_with_final_text() -> None:
    baseline, candidate = _runs()
    [diff] = changed_lines(baseline[0], candidate[0])
    assert (diff.path, diff.original) == ("work[0].highlights[0]", BEFORE)
    assert (diff.baseline_final, diff.candidate_final) == (BEFORE, AFTER)
    assert (diff.baseline_status, diff.candidate_status) == ("reverted", "accepted")
    assert changed_lines(baseline[2], candidate[2]) == []


def test_changed_lines_a_side_that_did_not_select_the_line_keeps_the_original() -> None:
    path = "work[0].highlights[1]"
    baseline = _record(
        "c",
        [BEFORE, "Wrote the newsletter", "Ran events"],
        changes=[_change("work[0].highlights[0]", BEFORE, BEFORE, "unchanged")],
    )
    candidate = _record(
        "c",
        [BEFORE, "Drafted the newsletter", "Ran events"],
        changes=[_change(path, "Wrote the newsletter", "Drafted the newsletter", "accepted")],
    )
    [diff] = changed_lines(baseline, candidate)
    assert (diff.path, diff.baseline_final, diff.baseline_status) == (path, "Wrote the newsletter", None)


def test_changed_lines_for_old_records_compare_the_output_json() -> None:
    old_changes = [{"path": "work.0.highlights.0", "status": "accepted", "reasons": []}]
    baseline = _record("c", [BEFORE, "Wrote the newsletter", "Ran events"])
    candidate = _record("c", [AFTER, "Wrote the newsletter", "Ran events"], changes=old_changes)
    [diff] = changed_lines(baseline, candidate)
    assert (diff.path, diff.baseline_final, diff.candidate_final) == ("work[0].highlights[0]", BEFORE, AFTER)
    assert (diff.baseline_status, diff.candidate_status, diff.original) == ("unchanged", "accepted", None)
    moved = _record("c", ["Ran events", "Wrote the newsletter", BEFORE], changes=old_changes)
    assert changed_lines(baseline, moved) == []  # bullets reordered, no text changed


def test_word_diff_escapes_and_marks_the_changed_words() -> None:
    before, after = word_diff(BEFORE, f"Supported {INJECTION} social media posts")
    assert "<del>Scheduled</del>" in before and "<ins>Supported" in after
    assert "<script>" not in after and "&lt;script&gt;" in after


def test_markdown_verdict_line_then_blocking_reasons_before_the_table() -> None:
    baseline, candidate = _runs()
    md = render_markdown(_verdict([FLIP]), baseline, candidate)
    first = md.splitlines()[0]
    assert "FAIL" in first and "v8-loose" in first and "cccccccccccc" in first and "3/3 cases" in first
    assert md.index("### Blocking reasons") < md.index("| metric |")
    assert md.index("fabrication rate") < md.index("| metric |")
    assert md.index("| fabrication |") < md.index("| judge\\_relevance |")  # blocking rows first
    assert "dataset too small" in md
    assert "(report.html#case-c2)" in md
    assert "| [c1](report.html#case-c1) | 1 |" in md


def test_markdown_table_cells_escape_pipes_and_newlines() -> None:
    baseline, candidate = _runs()
    md = render_markdown(_verdict([FLIP], reason="a | b\nc"), baseline, candidate)
    row = next(line for line in md.splitlines() if line.startswith("| fabrication |"))
    assert "a \\| b<br>c" in row
    assert row.count(" | ") == 9  # ten cells: the escaped pipe did not add a column


def test_html_escapes_untrusted_text_and_has_an_anchor_per_case() -> None:
    baseline, candidate = _runs()
    html = render_html(_verdict([FLIP]), baseline, candidate)
    assert INJECTION not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    ids = _ids(html)
    assert {"case-c1", "case-c2", "case-c3"} <= ids
    cases = [i for i in _ids_in_order(html) if i.startswith("case-")]
    assert cases[0] == "case-c2"  # the flipped case first
    # c1's scores are all equal, and its changed line still shows, word by word
    assert "<del>Scheduled</del>" in html and "<ins>Supported the</ins> social" in html
    assert 'class="advisory"' in html and 'only candidate: <span class="new">Go</span>' in html
    assert ".badge.pass" in html  # the per-run report's stylesheet, inline


def test_a_long_run_keeps_the_markdown_under_the_cap(tmp_path: Path) -> None:
    n = 500
    long_line = "Supported | the " + "very " * 60 + "long line"
    baseline = [_record(f"case-{i:03d}", [BEFORE, "Wrote the newsletter", "Ran events"]) for i in range(n)]
    candidate = [_record(f"case-{i:03d}", [long_line, "Wrote it", "Ran it"], passed=False) for i in range(n)]
    flips = [
        Flip(
            case_id=f"case-{i:03d}",
            metric="fabrication",
            baseline_passed=True,
            candidate_passed=False,
            reason="x" * 300,
        )
        for i in range(n)
    ]
    verdict = _verdict(flips).model_copy(update={"cases_total": n, "cases_used": n})
    md = render_markdown(verdict, baseline, candidate)
    assert len(md.encode("utf-8")) < MARKDOWN_LIMIT_BYTES
    assert f"and {n - MAX_FLIPPED_CASES} more flipped cases" in md
    assert "1500 line(s) differ in 500 of 500 paired case(s)" in md


def test_write_gate_reports_writes_the_three_files(tmp_path: Path) -> None:
    baseline, candidate = _runs()
    verdict = _verdict([FLIP])
    paths = write_gate_reports(tmp_path / "gate", verdict, baseline, candidate)
    assert Verdict.model_validate(json.loads(paths.verdict.read_text(encoding="utf-8"))) == verdict
    assert paths.markdown.read_text(encoding="utf-8").startswith("## ❌ FAIL")
    assert 'id="case-c1"' in paths.html.read_text(encoding="utf-8")
    assert sorted(p.name for p in (tmp_path / "gate").iterdir()) == [
        "report.html",
        "report.md",
        "verdict.json",
    ]


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids += [v for k, v in attrs if k == "id" and v]


def _ids_in_order(html: str) -> list[str]:
    parser = _Ids()
    parser.feed(html)
    return parser.ids


def _ids(html: str) -> set[str]:
    return set(_ids_in_order(html))


def test_html_shows_a_case_errored_or_missing_on_one_side() -> None:
    baseline, candidate = _runs()
    errored = candidate[0].model_copy(update={"status": "error", "error": "model failed after 3 retries"})
    html = render_html(_verdict([]), baseline, [errored, candidate[1]])
    assert "candidate: model failed after 3 retries" in html
    assert "candidate: not in this run" in html  # c3
    md = render_markdown(_verdict([]), baseline, [errored, candidate[1]])
    assert "1 line(s) differ in 1 of 1 paired case(s)" in md
    assert "No case changed pass/fail" in md
