"""The self-contained HTML report of an evaluation run (`<run dir>/report.html`)."""

from evals.report._report import render_report, write_report

__all__ = ["render_report", "write_report"]
