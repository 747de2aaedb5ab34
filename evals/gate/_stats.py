"""Paired statistics for the gate, on scipy.stats.

Every difference is oriented so that positive is better for the candidate. A metric is resampled
once (`Resampled`); its one-sided p-value for "inferior by at least the margin" orders the Holm
family, and its interval is then read at the level Holm (and, for a sequential gate, alpha
spending) gives it. Intervals are two-sided at 1 - 2 * level, so their lower (or, for a ratio,
upper) bound is a one-sided bound at 1 - level.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

RatioStatistic = Literal["mean", "p95"]


@dataclass(frozen=True)
class Resampled:
    """A statistic's observed value and bootstrap distribution, ready to give intervals at any level."""

    observed: float
    distribution: np.ndarray
    method: str  # "BCa", "two-level percentile", "exact" (every resample equal)
    scipy_result: Any = None  # scipy's BootstrapResult, re-read at another level without resampling
    data: tuple[np.ndarray, ...] = ()
    statistic: Callable[..., Any] | None = None
    paired: bool = False

    @property
    def exact(self) -> bool:
        return self.method == "exact"

    @property
    def standard_error(self) -> float:
        return 0.0 if self.exact else float(np.std(self.distribution, ddof=1))

    def interval(self, alpha: float) -> tuple[float, float, str]:
        """(low, high, method) at confidence 1 - 2 * alpha; BCa falls back to percentile where undefined."""
        if self.exact:
            return self.observed, self.observed, "exact"
        if self.scipy_result is not None and self.statistic is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = stats.bootstrap(
                    self.data,
                    self.statistic,
                    n_resamples=0,
                    bootstrap_result=self.scipy_result,
                    paired=self.paired,
                    vectorized=True,
                    confidence_level=1 - 2 * alpha,
                    method="BCa",
                )
            low, high = float(result.confidence_interval.low), float(result.confidence_interval.high)
            if np.isfinite(low) and np.isfinite(high):
                return low, high, "BCa"
        low, high = np.quantile(self.distribution, [alpha, 1 - alpha])
        method = "percentile" if self.method == "BCa" else self.method
        return float(low), float(high), method

    def p_below(self, threshold: float) -> float:
        """One-sided p for H0 "the statistic is at or below threshold" (a difference inferior by the margin)."""
        if self.exact:
            return 0.0 if self.observed > threshold else 1.0
        return float((1 + np.sum(self.distribution <= threshold)) / (1 + self.distribution.size))

    def p_above(self, threshold: float) -> float:
        """One-sided p for H0 "the statistic is at or above threshold" (a ratio beyond its allowance)."""
        if self.exact:
            return 0.0 if self.observed < threshold else 1.0
        return float((1 + np.sum(self.distribution >= threshold)) / (1 + self.distribution.size))


def _exact(value: float) -> Resampled:
    return Resampled(observed=value, distribution=np.array([value]), method="exact")


def _mean(x: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.mean(x, axis=axis)


def bootstrap_mean_difference(differences: ArrayLike, resamples: int, seed: int) -> Resampled:
    """Paired BCa bootstrap of the mean of per-case differences (already oriented)."""
    d = np.asarray(differences, dtype=float)
    if d.size == 0:
        raise ValueError("no paired differences to resample")
    if d.size < 3 or np.ptp(d) == 0:
        return _exact(float(d.mean()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = stats.bootstrap(
            (d,), _mean, n_resamples=resamples, vectorized=True, method="BCa", rng=np.random.default_rng(seed)
        )
    return Resampled(float(d.mean()), result.bootstrap_distribution, "BCa", result, (d,), _mean)


def _ratio_statistic(kind: RatioStatistic) -> Callable[..., np.ndarray]:
    def ratio(candidate: np.ndarray, baseline: np.ndarray, axis: int = -1) -> np.ndarray:
        if kind == "mean":
            top, bottom = np.mean(candidate, axis=axis), np.mean(baseline, axis=axis)
        else:
            top, bottom = np.percentile(candidate, 95, axis=axis), np.percentile(baseline, 95, axis=axis)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(
                bottom > 0, top / np.where(bottom > 0, bottom, 1.0), np.where(top > 0, np.inf, 1.0)
            )

    return ratio


def bootstrap_ratio(
    candidate: ArrayLike, baseline: ArrayLike, kind: RatioStatistic, resamples: int, seed: int
) -> Resampled:
    """Candidate / baseline of the means (or of the 95th percentiles), cases resampled in pairs and
    the statistic recomputed on each resample."""
    c, b = np.asarray(candidate, dtype=float), np.asarray(baseline, dtype=float)
    statistic = _ratio_statistic(kind)
    observed = float(statistic(c, b))
    if c.size < 3 or np.array_equal(c, b) or not np.isfinite(observed):
        return _exact(observed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = stats.bootstrap(
            (c, b),
            statistic,
            n_resamples=resamples,
            paired=True,
            vectorized=True,
            method="BCa",
            rng=np.random.default_rng(seed),
        )
    distribution = np.nan_to_num(result.bootstrap_distribution, nan=np.inf, posinf=np.inf)
    if np.ptp(distribution) == 0:
        return _exact(observed)
    return Resampled(observed, distribution, "BCa", result, (c, b), statistic, paired=True)


def _pad(samples: Sequence[Sequence[float]]) -> tuple[np.ndarray, np.ndarray]:
    counts = np.array([len(s) for s in samples], dtype=int)
    padded = np.zeros((len(samples), int(counts.max())))
    for row, values in enumerate(samples):
        padded[row, : len(values)] = values
    return padded, counts


def _case_means(
    padded: np.ndarray, counts: np.ndarray, cases: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """For each resample (rows of `cases`), each drawn case's mean over its samples drawn with replacement."""
    width = padded.shape[1]
    drawn_counts = counts[cases]  # (B, n)
    picks = (rng.random((*cases.shape, width)) * drawn_counts[..., None]).astype(int)  # < each case's count
    values = padded[cases[..., None], picks]  # (B, n, width)
    used = np.arange(width) < drawn_counts[..., None]  # a case with k samples draws k of them
    return np.asarray((values * used).sum(axis=-1) / drawn_counts)


def two_level_bootstrap(
    baseline_samples: Sequence[Sequence[float]],
    candidate_samples: Sequence[Sequence[float]],
    sign: float,
    resamples: int,
    seed: int,
) -> Resampled:
    """Mean paired difference of per-case means when each case has several noisy samples (judge scores).

    Level 1 resamples cases with replacement, keeping each case's two runs together; level 2
    resamples, within every drawn case, that run's own samples with replacement. So the interval
    carries both the case-to-case spread and the judge's sampling noise, which a one-level
    bootstrap over case means would understate. scipy's bootstrap resamples one level only; this is
    the same percentile bootstrap done twice, vectorised over all resamples at once.
    """
    base, base_counts = _pad(baseline_samples)
    cand, cand_counts = _pad(candidate_samples)
    n = base_counts.size
    rng = np.random.default_rng(seed)
    cases = rng.integers(0, n, size=(resamples, n))
    diff = _case_means(cand, cand_counts, cases, rng) - _case_means(base, base_counts, cases, rng)
    distribution = sign * diff.mean(axis=1)
    observed = sign * float(np.mean(cand.sum(axis=1) / cand_counts - base.sum(axis=1) / base_counts))
    if np.ptp(distribution) == 0:
        return _exact(observed)
    return Resampled(observed, distribution, "two-level percentile")


def mcnemar_exact(to_fail: int, to_pass: int) -> float:
    """McNemar's exact test on flips: one-sided p that the candidate fails more cases than it fixes."""
    if to_fail + to_pass == 0:
        return 1.0
    return float(stats.binomtest(to_fail, to_fail + to_pass, 0.5, alternative="greater").pvalue)


def wilcoxon_noninferiority(differences: ArrayLike, margin: float) -> float | None:
    """Signed-rank p for H0 "differences centred at or below -margin" (ties split), or None when undefined."""
    shifted = np.asarray(differences, dtype=float) + margin
    if shifted.size < 2 or not np.any(shifted):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ties = np.unique(np.abs(shifted)).size < shifted.size or not np.all(shifted)
        method = "asymptotic" if ties else "auto"  # with ties scipy would run a slow permutation test
        p = stats.wilcoxon(shifted, zero_method="zsplit", alternative="greater", method=method).pvalue
    return float(p) if np.isfinite(p) else None


def minimum_detectable_effect(standard_error: float, alpha: float, power: float) -> float | None:
    """The smallest true difference a one-sided test at `alpha` detects with `power`; None when the
    standard error is zero (every paired difference equal: the spread gives no scale)."""
    if standard_error <= 0 or not np.isfinite(standard_error):
        return None
    return float((stats.norm.ppf(1 - alpha) + stats.norm.ppf(power)) * standard_error)


def mean_standard_error(differences: ArrayLike) -> float:
    d = np.asarray(differences, dtype=float)
    return float(np.std(d, ddof=1) / np.sqrt(d.size)) if d.size > 1 else 0.0


def holm_levels(p_values: Mapping[str, float], alpha: float) -> dict[str, float]:
    """The level each hypothesis is held to under Holm's step-down at family-wise `alpha`.

    Sorted by p, the i-th (from 0) of m is held to alpha / (m - i) while every smaller p was
    rejected at its own level; from the first that is not, it and every later one are held to that
    level (alpha / (m - k)), so none of them can be rejected where Holm would not reject it.
    """
    order = sorted(p_values, key=lambda name: (p_values[name], name))
    m = len(order)
    levels: dict[str, float] = {}
    stopped: float | None = None
    for i, name in enumerate(order):
        level = stopped if stopped is not None else alpha / (m - i)
        levels[name] = level
        if stopped is None and p_values[name] > level:
            stopped = level
    return levels


def holm_adjusted(p_values: Mapping[str, float]) -> dict[str, float]:
    """Holm-adjusted p-values: max over j <= i of min(1, (m - j) * p_(j))."""
    order = sorted(p_values, key=lambda name: (p_values[name], name))
    m = len(order)
    adjusted: dict[str, float] = {}
    running = 0.0
    for i, name in enumerate(order):
        running = max(running, min(1.0, (m - i) * p_values[name]))
        adjusted[name] = running
    return adjusted
