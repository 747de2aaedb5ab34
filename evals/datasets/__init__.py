"""Golden datasets: Case, Dataset, loading by `NAME[:SPLIT]`, and the consistency check."""

from evals.datasets._case import Case, Facts, Requirements
from evals.datasets._check import CaseReport, check_case, check_cases
from evals.datasets._dataset import Dataset, DatasetManifest, load_cases, open_dataset
from evals.datasets._derive import derive_case

__all__ = [
    "Case",
    "CaseReport",
    "Dataset",
    "DatasetManifest",
    "Facts",
    "Requirements",
    "check_case",
    "check_cases",
    "derive_case",
    "load_cases",
    "open_dataset",
]
