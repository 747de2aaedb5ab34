"""The gate's policy: which metrics block, by which rule and margin (`ci/gate_policy.yaml`).

The file is validated on load (unknown keys are errors: a misspelt `zero_tolerence` must not
silently switch a rule off) and identified by `GatePolicy.hash()`, the SHA-256 of the canonical
JSON of the validated model, so a verdict is bound to the exact rules that produced it and a
reformatted file (comments, key order) keeps its hash. docs/gate.md explains every default.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from app.errors import ConfigError
from app.hashing import sha256_json
from app.settings import PROJECT_ROOT, get_settings

POLICY_FILE = Path("ci") / "gate_policy.yaml"
DEFAULT_POLICY_PATH = PROJECT_ROOT / POLICY_FILE  # Tailor's own; load_policy() reads the project's

# What a metric's per-case number is read from (evals/gate/_metrics.py):
#   score               scores[metric]: value, or the pass flag for compare "pass_rate"
#   lift                scores[metric].details["lift"] (jd_coverage: coverage over the untailored resume)
#   rewrite_acceptance  changes: accepted / (accepted + reverted), cases with no judged rewrite skipped
#   cost                usage.cost_usd, or input+output tokens when both runs cost $0 everywhere
#   latency             latency_ms
Measure = Literal["score", "lift", "rewrite_acceptance", "cost", "latency"]
# How the two runs are compared: mean of paired differences, paired difference of pass rates, or the
# ratio candidate/baseline of the means or of the 95th percentiles.
Compare = Literal["mean", "pass_rate", "mean_ratio", "p95_ratio"]
RATIO_COMPARES = ("mean_ratio", "p95_ratio")


class SequentialPolicy(BaseModel):
    """Looks at growing batches of cases; alpha is spent by Lan-DeMets O'Brien-Fleming."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    batch_size: int = Field(default=10, ge=1)
    max_looks: int = Field(default=3, ge=1, le=10)
    spending: Literal["obrien-fleming"] = "obrien-fleming"


class MetricRule(BaseModel):
    """One metric's rule. A metric with neither a margin, a relative margin nor zero tolerance is
    reported only (advisory)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    measure: Measure = "score"
    compare: Compare = "mean"
    direction: Literal["higher", "lower"] = "higher"
    blocking: bool = True
    judged: bool = False  # an LLM-judged metric: advisory unless the caller says the judge is trusted
    floor: float | None = None  # absolute bound on the candidate's aggregate (direction higher)
    ceiling: float | None = None  # absolute bound on the candidate's aggregate (direction lower)
    margin: float | None = Field(default=None, ge=0)  # absolute non-inferiority margin
    relative_margin: float | None = Field(default=None, ge=0)  # ratio may reach 1 + this
    zero_tolerance: bool = False  # no case passing under the baseline may fail under the candidate
    hard_offense_kinds: list[str] = Field(default_factory=list)  # fail if any candidate case has one

    @model_validator(mode="after")
    def _consistent(self) -> MetricRule:
        ratio = self.compare in RATIO_COMPARES
        if self.relative_margin is not None and not ratio:
            raise ValueError("relative_margin needs compare mean_ratio or p95_ratio")
        if ratio and self.margin is not None:
            raise ValueError("a ratio rule takes relative_margin, not margin")
        if self.zero_tolerance and self.compare != "pass_rate":
            raise ValueError("zero_tolerance needs compare pass_rate (it counts pass -> fail flips)")
        if self.compare == "pass_rate" and self.direction != "higher":
            raise ValueError("a pass rate is better higher")
        return self

    @property
    def kind(self) -> Literal["zero-tolerance", "margin", "ratio", "report"]:
        if self.zero_tolerance:
            return "zero-tolerance"
        if self.relative_margin is not None:
            return "ratio"
        if self.margin is not None:
            return "margin"
        return "report"


class GatePolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    alpha: float = Field(default=0.05, gt=0, lt=0.5)  # family-wise, one-sided
    power: float = Field(default=0.8, gt=0, lt=1)  # for the minimum detectable effect
    min_judge_kappa: float = Field(default=0.4, ge=-1, le=1)
    bootstrap_resamples: int = Field(default=2000, ge=99)
    seed: int = 12
    sequential: SequentialPolicy = Field(default_factory=SequentialPolicy)
    metrics: dict[str, MetricRule] = Field(default_factory=dict)  # names, or patterns such as judge_*

    def hash(self) -> str:
        return sha256_json(self.model_dump(mode="json"))

    def rule_for(self, metric: str) -> MetricRule | None:
        """The rule named exactly, else the first pattern (in file order) that matches."""
        if metric in self.metrics:
            return self.metrics[metric]
        return next(
            (rule for name, rule in self.metrics.items() if _is_pattern(name) and fnmatchcase(metric, name)),
            None,
        )

    def named_metrics(self) -> list[str]:
        """Metrics the policy names outright (not patterns): evaluated whether or not a run has them."""
        return [name for name in self.metrics if not _is_pattern(name)]

    def with_seed(self, seed: int) -> GatePolicy:
        return self.model_copy(update={"seed": seed})


def _is_pattern(name: str) -> bool:
    return any(ch in name for ch in "*?[")


def load_policy(path: Path | None = None) -> GatePolicy:
    """Read and validate a policy file; a bad file raises ConfigError naming the field."""
    path = path or get_settings().home / POLICY_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"gate policy {path}: cannot read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"gate policy {path}: not YAML ({exc})") from exc
    return parse_policy(data, source=str(path))


def parse_policy(data: object, source: str = "gate policy") -> GatePolicy:
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping of settings, got {type(data).__name__}")
    try:
        return GatePolicy.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"]) or "(top level)"
        raise ConfigError(f"{source}: {field}: {error['msg']}") from exc
