"""Offline and quiet environment defaults, set before any heavy library is imported.

Kept free of third-party imports so the CLI can apply it at start-up for nothing.
"""

from __future__ import annotations

import os

# Offline and quiet by default; never disable the OpenTelemetry SDK: MLflow would silently log no
# per-row results (evals/tracking/_client.py refuses to run so).
_QUIET_ENV = {
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    "CREWAI_DISABLE_TELEMETRY": "true",
    "CREWAI_DISABLE_TRACKING": "true",
    "CREWAI_DISABLE_VERSION_CHECK": "true",
    "CREWAI_TRACING_ENABLED": "false",
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "MLFLOW_LOGGING_LEVEL": "WARNING",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",  # transformers' "Loading weights" bar on every eval
    "TOKENIZERS_PARALLELISM": "false",
    "PROMPTFOO_DISABLE_TELEMETRY": "1",
    "PROMPTFOO_DISABLE_UPDATE": "1",
    "DO_NOT_TRACK": "1",
}


def apply_quiet_environment() -> None:
    """Set the offline/quiet variables unless the user set them already."""
    for key, value in _QUIET_ENV.items():
        os.environ.setdefault(key, value)
