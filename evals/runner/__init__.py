"""The evaluation runner: concurrent, resumable, append-only results, summary."""

from evals.runner._records import CaseRecord, ResultsWriter, read_json, read_records
from evals.runner._runner import EvalPlan, prepare_run_dir, run_eval
from evals.runner._solve import Solved, privacy_safe_record, source_resume, tailoring_solver
from evals.runner._summary import per_case_table, summarise

__all__ = [
    "CaseRecord",
    "EvalPlan",
    "ResultsWriter",
    "Solved",
    "per_case_table",
    "prepare_run_dir",
    "privacy_safe_record",
    "read_json",
    "read_records",
    "run_eval",
    "source_resume",
    "summarise",
    "tailoring_solver",
]
