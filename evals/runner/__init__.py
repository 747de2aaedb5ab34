"""The evaluation runner: concurrent, resumable, append-only results, summary.

run.json and summary.json are `RunMeta` and `RunSummary`, written and read only through
`write_run_meta`/`read_run_meta` and `write_summary`/`read_summary`.
"""

from evals.runner._records import (
    CASES_FILE,
    REPORT_FILE,
    RUN_FILE,
    SUMMARY_FILE,
    CaseRecord,
    ResultsWriter,
    read_records,
)
from evals.runner._run_files import (
    AgentIdentity,
    CaseCounts,
    CaseError,
    DatasetIdentity,
    JudgeInfo,
    JudgeUsage,
    LatencyPercentiles,
    MetricAggregate,
    PipelineIdentity,
    RewriteTally,
    RunMeta,
    RunSummary,
    UsageTotals,
    read_run_meta,
    read_summary,
    write_run_meta,
    write_summary,
)
from evals.runner._runner import EvalPlan, RunIndex, Solver, evaluate_one, prepare_run_dir, run_eval
from evals.runner._solve import (
    SOLVERS,
    Solved,
    make_solver,
    one_call_solver,
    privacy_safe_record,
    source_resume,
    tailoring_solver,
)
from evals.runner._summary import per_case_table, summarise

__all__ = [
    "CASES_FILE",
    "REPORT_FILE",
    "RUN_FILE",
    "SOLVERS",
    "SUMMARY_FILE",
    "AgentIdentity",
    "CaseCounts",
    "CaseError",
    "CaseRecord",
    "DatasetIdentity",
    "EvalPlan",
    "JudgeInfo",
    "JudgeUsage",
    "LatencyPercentiles",
    "MetricAggregate",
    "PipelineIdentity",
    "ResultsWriter",
    "RewriteTally",
    "RunIndex",
    "RunMeta",
    "RunSummary",
    "Solved",
    "Solver",
    "UsageTotals",
    "evaluate_one",
    "make_solver",
    "one_call_solver",
    "per_case_table",
    "prepare_run_dir",
    "privacy_safe_record",
    "read_records",
    "read_run_meta",
    "read_summary",
    "run_eval",
    "source_resume",
    "summarise",
    "tailoring_solver",
    "write_run_meta",
    "write_summary",
]
