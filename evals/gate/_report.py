"""The gate's reports: verdict.json, report.md (for a PR comment) and report.html (self-contained).

report.html shows, per case, the baseline and the candidate side by side: every metric's score and
pass flag (flips highlighted) and every line whose final text differs, so a reader sees what
changed even when every score is equal. Flipped cases come first. Resume text is untrusted: the
template autoescapes, and the word diff escapes each segment before marking it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from pydantic import BaseModel

from app.fileio import atomic_write_text
from evals.gate._models import Flip, Verdict
from evals.gate._report_lines import (
    LineDiff,
    changed_lines,
    suggestion_names,
    word_diff,
)
from evals.gate._report_markdown import (
    build_markdown,
    decision_text,
    flag,
    flips_by_case,
    interval,
    is_regression,
    metric_warnings,
    ordered_metrics,
    short_hash,
    signed,
)
from evals.report import exact_value, fmt_number
from evals.runner import CaseRecord

TEMPLATE = "gate_report.html.j2"
BASE_TEMPLATE = "report.html.j2"  # the per-run report, whose CSS this page shares
VERDICT_FILE, MARKDOWN_FILE, HTML_FILE = "verdict.json", "report.md", "report.html"
_REPORT_DIR = Path(__file__).resolve().parent.parent / "report"


class GateReportPaths(BaseModel):
    verdict: Path
    markdown: Path
    html: Path


@dataclass
class CasePair:
    case_id: str
    baseline: CaseRecord | None
    candidate: CaseRecord | None
    lines: list[LineDiff] = field(default_factory=list)

    @property
    def comparable(self) -> bool:
        return all(r is not None and r.status == "ok" for r in (self.baseline, self.candidate))


def pair_cases(baseline: Sequence[CaseRecord], candidate: Sequence[CaseRecord]) -> list[CasePair]:
    """Every case of either run, matched by id, with its changed lines when both sides are ok."""
    base = {r.case_id: r for r in baseline}
    cand = {r.case_id: r for r in candidate}
    pairs = []
    for case_id in sorted(base.keys() | cand.keys()):
        pair = CasePair(case_id, base.get(case_id), cand.get(case_id))
        if pair.comparable and pair.baseline and pair.candidate:
            pair.lines = changed_lines(pair.baseline, pair.candidate)
        pairs.append(pair)
    return pairs


def render_markdown(
    verdict: Verdict,
    baseline: Sequence[CaseRecord],
    candidate: Sequence[CaseRecord],
    *,
    links_base: str = "report.html",
) -> str:
    """report.md: the verdict line, blocking reasons, the metric table, warnings, flips, changed lines."""
    return _markdown(verdict, pair_cases(baseline, candidate), links_base)


def _markdown(verdict: Verdict, pairs: list[CasePair], links_base: str) -> str:
    comparable = [p for p in pairs if p.comparable]
    return build_markdown(verdict, {p.case_id: p.lines for p in comparable}, len(comparable), links_base)


@dataclass
class ScoreRow:
    metric: str
    baseline_value: Any
    baseline_passed: bool | None
    candidate_value: Any
    candidate_passed: bool | None
    flip: Flip | None

    @property
    def flipped(self) -> bool:
        return self.baseline_passed != self.candidate_passed


@dataclass
class LineRow:
    path: str
    original: str | None  # shown only when it differs from both finals
    original_note: str  # what to say otherwise
    before: Markup
    after: Markup
    baseline_status: str
    candidate_status: str


@dataclass
class CaseView:
    case_id: str
    tags: list[str]
    flips: list[Flip]
    regressed: bool
    scores: list[ScoreRow]
    lines: list[LineRow]
    errors: dict[str, str]  # side -> why it has no comparable result
    only_baseline_suggestions: list[str]
    only_candidate_suggestions: list[str]


def _side_error(record: CaseRecord | None) -> str | None:
    if record is None:
        return "not in this run"
    return None if record.status == "ok" else (record.error or record.status)


def _scores(pair: CasePair, flips: list[Flip]) -> list[ScoreRow]:
    base = pair.baseline.scores if pair.baseline else {}
    cand = pair.candidate.scores if pair.candidate else {}
    by_metric = {f.metric: f for f in flips}
    rows = []
    for metric in sorted(base.keys() | cand.keys()):
        b, c = base.get(metric) or {}, cand.get(metric) or {}
        rows.append(
            ScoreRow(
                metric,
                b.get("value"),
                b.get("passed"),
                c.get("value"),
                c.get("passed"),
                by_metric.get(metric),
            )
        )
    return rows


def _line_row(diff: LineDiff) -> LineRow:
    before, after = word_diff(diff.baseline_final or "", diff.candidate_final or "")
    original: str | None = None
    if diff.original is None:
        note = "unknown (older records)"
    elif diff.original == diff.baseline_final:
        note = "same as baseline"
    elif diff.original == diff.candidate_final:
        note = "same as candidate"
    else:
        original, note = diff.original, ""
    return LineRow(
        path=diff.path,
        original=original,
        original_note=note,
        before=before if diff.baseline_final is not None else Markup("<em>(no such line)</em>"),
        after=after if diff.candidate_final is not None else Markup("<em>(no such line)</em>"),
        baseline_status=diff.baseline_status or "not rewritten",
        candidate_status=diff.candidate_status or "not rewritten",
    )


def _case_view(pair: CasePair, flips: list[Flip]) -> CaseView:
    base_names, cand_names = suggestion_names(pair.baseline), suggestion_names(pair.candidate)
    errors = {
        side: error
        for side, record in (("baseline", pair.baseline), ("candidate", pair.candidate))
        if (error := _side_error(record))
    }
    record = pair.candidate or pair.baseline
    return CaseView(
        case_id=pair.case_id,
        tags=record.tags if record else [],
        flips=flips,
        regressed=any(map(is_regression, flips)),
        scores=_scores(pair, flips),
        lines=[_line_row(d) for d in pair.lines],
        errors=errors,
        only_baseline_suggestions=sorted(base_names - cand_names),
        only_candidate_suggestions=sorted(cand_names - base_names),
    )


def _case_views(verdict: Verdict, pairs: list[CasePair]) -> list[CaseView]:
    """Regressions first, then other flips, then cases whose lines changed, then the rest."""
    flips = flips_by_case(verdict.flips)
    views = [_case_view(p, flips.get(p.case_id, [])) for p in pairs]
    return sorted(views, key=lambda v: (not v.regressed, not v.flips, not v.lines, v.case_id))


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader([Path(__file__).parent, _REPORT_DIR]),
        autoescape=True,  # resume text is untrusted: `<script>` must render as text
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(num=fmt_number, exact=exact_value, signed=signed, flag=flag)
    return env


def shared_css(env: Environment) -> Markup:
    """The per-run report's stylesheet, read from its template (one look, one copy)."""
    if env.loader is None:
        return Markup("")
    source = env.loader.get_source(env, BASE_TEMPLATE)[0]
    match = re.search(r"<style>(.*?)</style>", source, re.DOTALL)
    return Markup(match.group(1) if match else "")


def _header(verdict: Verdict) -> dict[str, str]:
    key = verdict.key
    return {
        "candidate_hash": short_hash(key.candidate_hash),
        "baseline_hash": short_hash(key.baseline_hash),
        "dataset_hash": short_hash(key.dataset_hash),
        "policy_hash": short_hash(key.policy_hash),
        "code_hash": short_hash(key.code_hash),
    }


def render_html(verdict: Verdict, baseline: Sequence[CaseRecord], candidate: Sequence[CaseRecord]) -> str:
    """report.html: verdict header, metric table, blocking reasons, then one section per case."""
    return _html(verdict, pair_cases(baseline, candidate))


def _html(verdict: Verdict, pairs: list[CasePair]) -> str:
    env = _environment()
    cases = _case_views(verdict, pairs)
    return env.get_template(TEMPLATE).render(
        verdict=verdict,
        hashes=_header(verdict),
        base_css=shared_css(env),
        metrics=[(m, interval(m), decision_text(m)) for m in ordered_metrics(verdict)],
        warnings=metric_warnings(verdict),
        cases=cases,
        flipped=sum(1 for c in cases if c.flips),
        changed=sum(1 for c in cases if c.lines),
    )


def write_gate_reports(
    folder: Path, verdict: Verdict, baseline: Sequence[CaseRecord], candidate: Sequence[CaseRecord]
) -> GateReportPaths:
    """Write verdict.json, report.md and report.html into `folder`, each atomically."""
    pairs = pair_cases(baseline, candidate)
    paths = GateReportPaths(
        verdict=folder / VERDICT_FILE, markdown=folder / MARKDOWN_FILE, html=folder / HTML_FILE
    )
    atomic_write_text(paths.verdict, verdict.model_dump_json(indent=2))
    atomic_write_text(paths.markdown, _markdown(verdict, pairs, HTML_FILE))
    atomic_write_text(paths.html, _html(verdict, pairs))
    return paths
