"""promptfoo round trip: Tailor's golden data and scorers in promptfoo, promptfoo's results back in Tailor.

    export    a pipeline version and a golden dataset as a promptfooconfig.yaml (docs/promptfoo.md)
    run       the promptfoo CLI on it, by subprocess, through the PyPI wrapper
    import    promptfoo's JSON output as a Tailor run (cases.jsonl, summary, report, run index, MLflow)
    redteam   promptfoo's prompt-injection and PII probes against the pipeline, where they work offline

The provider (`_provider.py`) and the assertions (`_assertions.py`) are loaded by promptfoo's Python
workers from their files; nothing here imports them at package import.
"""

from evals.promptfoo._export import ExportRequest, ExportResult, build_config, export_config, export_scorers
from evals.promptfoo._import import ImportOutcome, import_output, read_output
from evals.promptfoo._models import PROMPTFOO_VERSION, CaseRef, ExportInfo, PfOutput, ProviderReport
from evals.promptfoo._redteam import RedteamReport, RedteamRequest, report_json, run_redteam
from evals.promptfoo._run import (
    TESTS_FAILED,
    PromptfooError,
    PromptfooRun,
    crash_line,
    eval_args,
    node_version,
    promptfoo_env,
    run_promptfoo,
    wrapper_path,
)

__all__ = [
    "PROMPTFOO_VERSION",
    "TESTS_FAILED",
    "CaseRef",
    "ExportInfo",
    "ExportRequest",
    "ExportResult",
    "ImportOutcome",
    "PfOutput",
    "PromptfooError",
    "PromptfooRun",
    "ProviderReport",
    "RedteamReport",
    "RedteamRequest",
    "build_config",
    "crash_line",
    "eval_args",
    "export_config",
    "export_scorers",
    "import_output",
    "node_version",
    "promptfoo_env",
    "read_output",
    "report_json",
    "run_promptfoo",
    "run_redteam",
    "wrapper_path",
]
