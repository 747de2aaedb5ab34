"""The LLM judge: rubric scorers (`judge_<rubric>`), pairwise comparison, and calibration on human labels.

The `judge` scorer is registered in the scorer catalogue by evals/scorers/judge.py, which calls
`judge` here on first use.
"""

from evals.judge._calibrate import LabelRow, agreement, calibrate, judge_run_info, load_labels
from evals.judge._judge import (
    RUBRICS,
    JudgeConfig,
    JudgePrivacyError,
    RubricVerdict,
    judge,
    judge_sample,
    judge_version,
)
from evals.judge._pairwise import OrderVerdict, PairwiseResult, RunComparison, compare, compare_runs
from evals.judge._store import CalibrationReport, CalibrationStore, RubricCalibration, is_calibrated

__all__ = [
    "RUBRICS",
    "CalibrationReport",
    "CalibrationStore",
    "JudgeConfig",
    "JudgePrivacyError",
    "LabelRow",
    "OrderVerdict",
    "PairwiseResult",
    "RubricCalibration",
    "RubricVerdict",
    "RunComparison",
    "agreement",
    "calibrate",
    "compare",
    "compare_runs",
    "is_calibrated",
    "judge",
    "judge_run_info",
    "judge_sample",
    "judge_version",
    "load_labels",
]
