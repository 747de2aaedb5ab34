"""MLflow tracking for evaluations: runs, the per-case table, prompt mirroring, tracing.

Importing this package is cheap; MLflow itself is imported on the first call.
"""

from evals.tracking._client import ensure_experiment, experiment_name, mlflow_client
from evals.tracking._mlflow import MLFLOW_FILE, TABLE_FILE, case_table, known_run_id, log_eval_run
from evals.tracking._prompts import chat_template, mirror_prompts, mlflow_prompt_name
from evals.tracking._tracer import MlflowTracer, safe_attributes

__all__ = [
    "MLFLOW_FILE",
    "TABLE_FILE",
    "MlflowTracer",
    "case_table",
    "chat_template",
    "ensure_experiment",
    "experiment_name",
    "known_run_id",
    "log_eval_run",
    "mirror_prompts",
    "mlflow_client",
    "mlflow_prompt_name",
    "safe_attributes",
]
