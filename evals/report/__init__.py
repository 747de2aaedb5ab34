"""The self-contained HTML report of an evaluation run (`<run dir>/report.html`)."""

from evals.report._judge_trust import JudgeTrust, distrust_reason, judge_trust
from evals.report._report import exact_value, fmt_number, render_report, write_report

__all__ = [
    "JudgeTrust",
    "distrust_reason",
    "exact_value",
    "fmt_number",
    "judge_trust",
    "render_report",
    "write_report",
]
