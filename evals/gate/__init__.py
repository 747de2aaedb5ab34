"""The regression gate: a candidate pipeline against production on golden cases, with paired
statistics, under a versioned policy (`ci/gate_policy.yaml`, docs/gate.md)."""

from evals.gate._decide import decide, gated_metrics
from evals.gate._metrics import (
    PairedValues,
    offense_kinds,
    paired_values,
    pairwise_from_records,
    pairwise_from_results,
)
from evals.gate._models import Decision, Flip, MetricVerdict, PairwiseSummary, Verdict, VerdictKey
from evals.gate._policy import (
    DEFAULT_POLICY_PATH,
    GatePolicy,
    MetricRule,
    SequentialPolicy,
    load_policy,
    parse_policy,
)
from evals.gate._sequential import (
    information_fractions,
    is_settled,
    look_alpha,
    look_schedule,
    nominal_levels,
    spending_alpha,
)
from evals.gate._stats import (
    Resampled,
    bootstrap_mean_difference,
    bootstrap_ratio,
    holm_adjusted,
    holm_levels,
    mcnemar_exact,
    minimum_detectable_effect,
    two_level_bootstrap,
)

__all__ = [
    "DEFAULT_POLICY_PATH",
    "Decision",
    "Flip",
    "GatePolicy",
    "MetricRule",
    "MetricVerdict",
    "PairedValues",
    "PairwiseSummary",
    "Resampled",
    "SequentialPolicy",
    "Verdict",
    "VerdictKey",
    "bootstrap_mean_difference",
    "bootstrap_ratio",
    "decide",
    "gated_metrics",
    "holm_adjusted",
    "holm_levels",
    "information_fractions",
    "is_settled",
    "load_policy",
    "look_alpha",
    "look_schedule",
    "mcnemar_exact",
    "minimum_detectable_effect",
    "nominal_levels",
    "offense_kinds",
    "paired_values",
    "pairwise_from_records",
    "pairwise_from_results",
    "parse_policy",
    "spending_alpha",
    "two_level_bootstrap",
]

# The gate as a service, promotion and reports (the lead's part).
from evals.gate._gate import (
    GATE_SCORERS,
    GateOutcome,
    GateProgress,
    GateRequest,
    default_policy_path,
    gate_scorers,
    run_gate,
)
from evals.gate._promote import GATED_ALIASES, HistoryRow, history, promote, rollback
from evals.gate._report import GateReportPaths, write_gate_reports

__all__ += [
    "GATED_ALIASES",
    "GATE_SCORERS",
    "GateOutcome",
    "GateProgress",
    "GateReportPaths",
    "GateRequest",
    "HistoryRow",
    "default_policy_path",
    "gate_scorers",
    "history",
    "promote",
    "rollback",
    "run_gate",
    "write_gate_reports",
]
