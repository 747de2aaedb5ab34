"""The gate's report.md: the verdict for a PR comment or GITHUB_STEP_SUMMARY, capped in size.

Blocking reasons come first, then every metric, warnings, the flipped cases (linked to their
sections in report.html) and the cases whose lines changed most. Every list is capped and says how
many more there are, so 500 cases still fit a comment; text from records is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from evals.gate._models import Flip, MetricVerdict, Verdict
from evals.gate._report_lines import LineDiff
from evals.report import fmt_number

MARKDOWN_LIMIT_BYTES = 60_000
MAX_REASONS, MAX_WARNINGS, MAX_FLIPPED_CASES, MAX_CHANGED_CASES = 30, 30, 40, 20
CELL_CHARS = 240
_MARKDOWN_ACTIVE = "\\`*_[]|<>&~"


def short_hash(value: str) -> str:
    return value[:12]


def md_text(value: object, limit: int = CELL_CHARS) -> str:
    """One line of literal text: whitespace collapsed, shortened, markdown characters escaped."""
    text = " ".join(str(value).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return "".join(f"\\{ch}" if ch in _MARKDOWN_ACTIVE else ch for ch in text)


def md_cell(value: object, limit: int = CELL_CHARS) -> str:
    """A table cell: like `md_text` (so `|` is escaped), line breaks kept as `<br>`."""
    lines = [line for line in str(value).splitlines() if line.strip()]
    return "<br>".join(md_text(line, limit) for line in lines) or " "


def case_link(case_id: str, links_base: str) -> str:
    return f"[{md_text(case_id)}]({links_base}#case-{quote(case_id, safe='-_.~')})"


def flag(passed: bool | None) -> str:
    return "n/a" if passed is None else ("pass" if passed else "fail")


def is_regression(flip: Flip) -> bool:
    return flip.baseline_passed is not False and flip.candidate_passed is False


def verdict_line(verdict: Verdict) -> str:
    outcome = "✅ PASS" if verdict.passed else "❌ FAIL"
    looks = ""
    if verdict.sequential or verdict.looks > 1:
        looks = f" · sequential, {verdict.looks} look{'s' if verdict.looks != 1 else ''}"
    key = verdict.key
    return (
        f"## {outcome}: candidate **{md_text(verdict.candidate_label)}** `{short_hash(key.candidate_hash)}`"
        f" vs baseline **{md_text(verdict.baseline_label)}** `{short_hash(key.baseline_hash)}`"
        f" · dataset {md_text(verdict.dataset_ref)} `{short_hash(key.dataset_hash)}`"
        f" · {verdict.cases_used}/{verdict.cases_total} cases{looks}"
    )


def ordered_metrics(verdict: Verdict) -> list[MetricVerdict]:
    """Blocking metrics first, failing ones at the top; the verdict's order otherwise."""
    return sorted(verdict.metrics, key=lambda m: (not m.blocking, m.decision != "fail"))


def interval(metric: MetricVerdict) -> str:
    if metric.ci_low is None or metric.ci_high is None:
        return "—"
    return f"[{fmt_number(metric.ci_low)}, {fmt_number(metric.ci_high)}]"


def signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.3f}"


def decision_text(metric: MetricVerdict) -> str:
    return metric.decision if metric.settled else f"{metric.decision} (unsettled)"


def metric_warnings(verdict: Verdict) -> list[str]:
    return list(dict.fromkeys(f"{m.metric}: {w}" for m in verdict.metrics for w in m.warnings))


def flips_by_case(flips: Sequence[Flip]) -> dict[str, list[Flip]]:
    """Flips grouped per case; cases with a regression first, then by id."""
    grouped: dict[str, list[Flip]] = {}
    for flip in flips:
        grouped.setdefault(flip.case_id, []).append(flip)
    order = sorted(grouped, key=lambda case_id: (not any(map(is_regression, grouped[case_id])), case_id))
    return {case_id: grouped[case_id] for case_id in order}


def _more(count: int, what: str) -> list[str]:
    return [f"- … and {count} more {what} (see report.html)"] if count > 0 else []


def _blocking(verdict: Verdict) -> list[str]:
    lines = ["### Blocking reasons", ""]
    reasons = verdict.blocking_reasons
    if not reasons:
        lines.append("None: every blocking metric held." if verdict.passed else "None stated.")
    lines += [f"- {md_text(reason)}" for reason in reasons[:MAX_REASONS]]
    return [*lines, *_more(len(reasons) - MAX_REASONS, "reasons"), ""]


def _metric_table(verdict: Verdict) -> list[str]:
    lines = [
        f"### Metrics (family alpha {fmt_number(verdict.family_alpha, 3)})",
        "",
        "| metric | gate | baseline | candidate | delta | interval | margin | adjusted alpha | decision | reason |",
        "|---|---|---:|---:|---:|---|---:|---:|---|---|",
    ]
    for m in ordered_metrics(verdict):
        cells = [
            m.metric,
            "blocking" if m.blocking else "advisory",
            fmt_number(m.baseline),
            fmt_number(m.candidate),
            signed(m.delta),
            interval(m),
            fmt_number(m.margin),
            fmt_number(m.alpha, 4),
            decision_text(m),
            m.reason,
        ]
        lines.append("| " + " | ".join(md_cell(cell) for cell in cells) + " |")
    if not verdict.metrics:
        lines.append("| no metrics | | | | | | | | | |")
    return [*lines, ""]


def _warnings(verdict: Verdict) -> list[str]:
    warnings = metric_warnings(verdict)
    if not warnings:
        return []
    lines = ["### Warnings", "", *(f"- {md_text(w)}" for w in warnings[:MAX_WARNINGS])]
    return [*lines, *_more(len(warnings) - MAX_WARNINGS, "warnings"), ""]


def _flipped(verdict: Verdict, links_base: str) -> list[str]:
    grouped = flips_by_case(verdict.flips)
    lines = [f"### Flipped cases ({len(grouped)})", ""]
    if not grouped:
        return [*lines, "No case changed pass/fail on any metric.", ""]
    for case_id, flips in list(grouped.items())[:MAX_FLIPPED_CASES]:
        parts = []
        for f in flips:
            reason = f" ({md_text(f.reason, 120)})" if f.reason else ""
            parts.append(
                f"{md_text(f.metric)} {flag(f.baseline_passed)} → {flag(f.candidate_passed)}{reason}"
            )
        lines.append(f"- {case_link(case_id, links_base)}: " + "; ".join(parts))
    return [*lines, *_more(len(grouped) - MAX_FLIPPED_CASES, "flipped cases"), ""]


def _changed(lines_by_case: dict[str, list[LineDiff]], paired: int, links_base: str) -> list[str]:
    changed = sorted(
        ((case_id, diffs) for case_id, diffs in lines_by_case.items() if diffs),
        key=lambda item: (-len(item[1]), item[0]),
    )
    total = sum(len(diffs) for _, diffs in changed)
    lines = [
        "### Lines that changed",
        "",
        f"{total} line(s) differ in {len(changed)} of {paired} paired case(s); "
        "a changed line can pass every scorer, so read them in report.html.",
    ]
    if not changed:
        return [*lines, ""]
    lines += ["", "| case | lines changed | paths |", "|---|---:|---|"]
    for case_id, diffs in changed[:MAX_CHANGED_CASES]:
        paths = ", ".join(d.path for d in diffs[:4]) + (", …" if len(diffs) > 4 else "")
        lines.append(f"| {case_link(case_id, links_base)} | {len(diffs)} | {md_cell(paths)} |")
    more = len(changed) - MAX_CHANGED_CASES
    return [*lines, *([f"| … and {more} more cases | | |"] if more > 0 else []), ""]


def build_markdown(
    verdict: Verdict, lines_by_case: dict[str, list[LineDiff]], paired: int, links_base: str
) -> str:
    parts = [
        verdict_line(verdict),
        "",
        *_blocking(verdict),
        *_metric_table(verdict),
        *_warnings(verdict),
        *_flipped(verdict, links_base),
        *_changed(lines_by_case, paired, links_base),
    ]
    text = "\n".join(parts)
    if len(text.encode("utf-8")) > MARKDOWN_LIMIT_BYTES:  # a last guard: long metric reasons, say
        cut = text.encode("utf-8")[: MARKDOWN_LIMIT_BYTES - 200].decode("utf-8", "ignore")
        text = cut[: cut.rfind("\n")] + "\n\n… (cut to fit; the full report is report.html)\n"
    return text
