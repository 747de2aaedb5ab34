"""The self-contained HTML report of a run: header, summary table, histograms, one section per case.

Everything is inline (CSS, SVG plots) so the file can be mailed or archived on its own. Resume text
is untrusted input: the template autoescapes, and offense highlighting escapes every segment before
wrapping the offending spans in `<mark>`.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from app.fileio import atomic_write_text
from evals.report._judge_trust import JudgeTrust, judge_trust
from evals.runner import (
    CASES_FILE,
    REPORT_FILE,
    SUMMARY_FILE,
    CaseRecord,
    RunMeta,
    RunSummary,
    read_records,
    read_run_meta,
    read_summary,
    summarise,
)

TEMPLATE = "report.html.j2"
_DIFF_LABELS = {
    "values_changed": "changed",
    "type_changes": "changed",
    "dictionary_item_added": "added",
    "iterable_item_added": "added",
    "dictionary_item_removed": "removed",
    "iterable_item_removed": "removed",
}


def write_report(run_dir: Path) -> Path:
    """Render `<run_dir>/report.html` from run.json, cases.jsonl and summary.json; return its path."""
    run = read_run_meta(run_dir)
    records = read_records(run_dir / CASES_FILE)
    summary = read_summary(run_dir) if (run_dir / SUMMARY_FILE).is_file() else summarise(records, run)
    html = render_report(run, records, summary)
    path = run_dir / REPORT_FILE
    atomic_write_text(path, html)
    return path


def render_report(
    run: RunMeta,
    records: list[CaseRecord],
    summary: RunSummary,
    trust: JudgeTrust | None = None,
) -> str:
    """The report's HTML; an untrusted judge's metrics (see `judge_trust`) are advisory throughout."""
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent),
        autoescape=True,  # resume text is untrusted: `<script>` must render as text
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = fmt_number
    env.filters["exact"] = exact_value
    trust = trust or judge_trust(run.judge)
    metrics = summary.metrics
    ok = [r for r in records if r.status == "ok"]
    cases = sorted((_case_view(r, trust) for r in ok), key=lambda c: (not c["failing"], c["case_id"]))
    context = {
        "header": _header(run, summary),
        "judge_advisory": trust.advisory_line,
        "metrics": {name: m for name, m in metrics.items() if not trust.is_advisory(name)},
        "advisory_metrics": {name: m for name, m in metrics.items() if trust.is_advisory(name)},
        "latency": summary.latency_ms,
        "usage": summary.usage,
        "plots": metric_plots(ok, list(metrics)),
        "cases": cases,
        "errors": [
            {"case_id": r.case_id, "error": r.error or "", "tags": r.tags}
            for r in records
            if r.status != "ok"
        ],
    }
    return env.get_template(TEMPLATE).render(**context)


def fmt_number(value: Any, digits: int = 3) -> str:
    """One format for every number on the page: ints as they are, floats with `digits` decimals."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def exact_value(value: Any) -> str:
    """The exact value for a `data-value` attribute (JSON, so a test can parse it back)."""
    return "" if value is None else json.dumps(value)


def _short(value: Any, n: int = 12) -> str:
    return str(value or "")[:n]


def _header(run: RunMeta, summary: RunSummary) -> dict[str, Any]:
    pipeline, dataset, judge = run.pipeline, run.dataset, run.judge
    return {
        "pipeline": pipeline.label,
        "pipeline_hash": _short(pipeline.hash),
        "dataset": f"{dataset.name}:{dataset.split or 'all'}",
        "dataset_version": dataset.version or "?",
        "dataset_hash": _short(dataset.hash),
        "judge": (judge.model if judge else None) or "none",
        "calibrated": "yes" if judge and judge.calibrated else "no",
        "git_commit": _short(run.git_commit) or "unknown",
        "started_at": run.started_at or "?",
        "cases_total": summary.cases.total,
        "cases_ok": summary.cases.ok,
        "cases_errors": summary.cases.errors,
        "scorers": run.scorers,
    }


def _case_view(record: CaseRecord, trust: JudgeTrust) -> dict[str, Any]:
    """One case for the template; only scores that count (not an untrusted judge's) can fail it."""
    offenses = [{"scorer": name, **o} for name, s in record.scores.items() for o in s.get("offenses") or []]
    tailored_md = str(record.output.get("markdown") or "")
    spans = [(o.get("span") or "", o.get("kind") or "offense") for o in offenses]
    lost = [(s, k) for s, k in spans if s and s not in tailored_md]  # lost content: in the source only
    tailored = record.output.get("tailored_resume")
    return {
        "case_id": record.case_id,
        "tags": record.tags,
        "failing": any(
            s.get("passed") is False for name, s in record.scores.items() if not trust.is_advisory(name)
        ),
        "scores": {name: s for name, s in record.scores.items() if not trust.is_advisory(name)},
        "advisory_scores": {name: s for name, s in record.scores.items() if trust.is_advisory(name)},
        "offenses": offenses,
        "source_html": highlight(record.source_markdown, lost),
        "tailored_html": highlight(tailored_md, spans),
        "diff": structural_diff(record.source, tailored) if isinstance(tailored, dict) else None,
        "suggestions": record.output.get("suggestions") or [],
        "changes": record.changes,
        "latency_ms": record.latency_ms,
    }


def highlight(text: str, spans: list[tuple[str, str]]) -> Markup:
    """Escape `text` and wrap every occurrence of each span in `<mark class="offense">`.

    Occurrences are found in the raw text (all of them, overlapping ones too) and merged into
    disjoint intervals, so overlapping or repeated spans never nest or break the markup; each
    segment is escaped on its own before the tags go around it.
    """
    intervals: list[tuple[int, int, set[str]]] = []
    for span, kind in spans:
        if not span:
            continue
        start = text.find(span)
        while start >= 0:
            intervals.append((start, start + len(span), {kind}))
            start = text.find(span, start + 1)
    merged: list[tuple[int, int, set[str]]] = []
    for start, end, kinds in sorted(intervals, key=lambda i: (i[0], i[1])):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2] | kinds)
        else:
            merged.append((start, end, set(kinds)))
    out, pos = [], 0
    for start, end, kinds in merged:
        kind = " ".join(sorted(kinds))
        out.append(escape(text[pos:start]))
        out.append(
            Markup('<mark class="offense" data-kind="{}" title="{}">{}</mark>').format(
                kind, kind, text[start:end]
            )
        )
        pos = end
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def _diff_path(path: str) -> str:
    """`root['work'][0]['highlights']` -> `work.0.highlights` (the offense path notation)."""
    parts = re.findall(r"\[(?:'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"|(\d+))\]", path)
    return ".".join(a or b or c for a, b, c in parts) or path


def _show(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def structural_diff(source: dict[str, Any], tailored: dict[str, Any]) -> list[dict[str, str]]:
    """Rows of (change, path, old, new) from DeepDiff of the source and tailored JSON Resumes."""
    from deepdiff import DeepDiff

    diff = DeepDiff(source, tailored, ignore_order=False, verbose_level=2)
    rows: list[dict[str, str]] = []
    for key, entries in diff.items():
        label = _DIFF_LABELS.get(key, key.replace("_", " "))
        if not isinstance(entries, dict):  # e.g. a set of paths, at verbose levels below 2
            rows.extend({"change": label, "path": _diff_path(str(p)), "old": "", "new": ""} for p in entries)
            continue
        for path, entry in entries.items():
            row = {"change": label, "path": _diff_path(str(path)), "old": "", "new": ""}
            if label == "changed" and isinstance(entry, dict):
                row["old"], row["new"] = _show(entry.get("old_value")), _show(entry.get("new_value"))
            elif label == "removed":
                row["old"] = _show(entry)
            else:
                row["new"] = _show(entry)
            rows.append(row)
    return sorted(rows, key=lambda r: r["path"])


def _svg_scoped(svg: str, prefix: str) -> str:
    """Drop the XML prolog and make the element ids unique, so several SVGs can share one page."""
    svg = svg[svg.find("<svg") :]
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', svg)
    return re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", svg)


def metric_plots(records: list[CaseRecord], names: list[str]) -> dict[str, Markup]:
    """One small histogram per metric (values in [0, 1]), as inline SVG markup."""
    if not names:
        return {}
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    plots: dict[str, Markup] = {}
    for i, name in enumerate(names):
        values = [
            float(s["value"]) for r in records if (s := r.scores.get(name)) and s.get("value") is not None
        ]
        with matplotlib.rc_context({"svg.fonttype": "none", "font.size": 8}):
            fig, ax = plt.subplots(figsize=(3.0, 1.8))
            try:
                ax.hist(values, bins=10, range=(0.0, 1.0), color="#4c72b0", edgecolor="white")
                if values:  # the mean, dashed
                    ax.axvline(sum(values) / len(values), color="#c44e52", linestyle="--", linewidth=1)
                ax.set(xlim=(0.0, 1.0), title=f"{name} (n={len(values)})", xlabel="value", ylabel="cases")
                ax.yaxis.set_major_locator(MaxNLocator(integer=True))
                fig.tight_layout()
                buf = io.StringIO()
                fig.savefig(
                    buf, format="svg", metadata={"Creator": None, "Date": None, "Format": None, "Type": None}
                )
            finally:
                plt.close(fig)
        plots[name] = Markup(_svg_scoped(buf.getvalue(), f"plot{i}"))
    return plots
