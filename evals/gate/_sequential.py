"""The sequential gate: look at growing batches of cases and stop as soon as the answer is clear.

Alpha is spent with the Lan-DeMets O'Brien-Fleming function, alpha(t) = 2 - 2 * Phi(z_(1-alpha/2) /
sqrt(t)) at information fraction t (cases used / cases in the dataset): almost nothing at the
first looks, nearly all of alpha at the last. Each look's nominal level comes from its exact
group-sequential boundary (the look statistics are one Brownian motion seen at t_1 < t_2 < ...), so the chance of ever passing an inferior candidate over all looks is alpha(1) =
alpha, not the sum of the looks' levels.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import optimize, stats

from evals.gate._models import Verdict


def spending_alpha(alpha: float, information_fraction: float) -> float:
    """Cumulative one-sided alpha spent by information fraction t (O'Brien-Fleming-like, Lan-DeMets)."""
    t = min(1.0, max(0.0, information_fraction))
    if t == 0.0:
        return 0.0
    return float(2 * stats.norm.sf(stats.norm.isf(alpha / 2) / np.sqrt(t)))


def look_schedule(n_cases: int, batch_size: int, max_looks: int) -> list[int]:
    """Cumulative case counts at each look: a batch more each time, the last look using every case."""
    if n_cases <= 0:
        return []
    counts = {min(n_cases, batch_size * k) for k in range(1, max(1, max_looks))}
    return sorted(counts | {n_cases})


def information_fractions(n_cases: int, batch_size: int, max_looks: int) -> tuple[float, ...]:
    return tuple(count / n_cases for count in look_schedule(n_cases, batch_size, max_looks))


_GRID = 801  # points of the continuation density: levels match 4001 points to 4 significant digits


def _excess(
    z: float, root_t: float, step: float, grid: np.ndarray, carried: np.ndarray, spend: float
) -> float:
    """P(first crossing at this look with boundary z) minus the alpha this look may spend."""
    return float(np.sum(carried * stats.norm.sf((z * root_t - grid) / step))) - spend


@lru_cache(maxsize=64)
def nominal_levels(alpha: float, fractions: tuple[float, ...]) -> tuple[float, ...]:
    """Each look's one-sided nominal level: the boundary c_k at which crossing first at look k has
    probability alpha(t_k) - alpha(t_(k-1)) under the null.

    The look statistics are Z_k = B(t_k) / sqrt(t_k) for a Brownian motion B; the density of B(t_k)
    over the paths that have not crossed yet is carried from look to look on a grid (numerical
    integration, Armitage-McPherson-Rowe), which is exact up to the grid and fast for any number of
    looks.
    """
    levels: list[float] = []
    spent, previous_t = 0.0, 0.0
    grid = density = weights = np.zeros(0)
    for k, t in enumerate(fractions):
        spend = max(spending_alpha(alpha, t) - spent, 1e-15)
        spent += spend
        step = np.sqrt(t - previous_t)
        if k == 0:
            z = float(stats.norm.isf(spend))
        else:
            carried = weights * density  # probability of each grid point for the paths still running
            high = float(stats.norm.isf(spend))  # crossing first at look k is rarer than crossing at k
            args = (np.sqrt(t), step, grid, carried, spend)
            z = high if _excess(high, *args) >= 0 else float(optimize.brentq(_excess, high - 4.0, high, args))
        levels.append(float(stats.norm.sf(z)))
        bound = z * np.sqrt(t)
        new_grid = np.linspace(-8.0 * np.sqrt(t), bound, _GRID)
        if k == 0:
            density = stats.norm.pdf(new_grid / step) / step
        else:
            kernel = stats.norm.pdf((new_grid[:, None] - grid[None, :]) / step) / step
            density = kernel @ (weights * density)
        grid, previous_t = new_grid, t
        weights = np.full(_GRID, grid[1] - grid[0])
        weights[[0, -1]] /= 2  # trapezoid rule
    return tuple(levels)


def look_alpha(alpha: float, n_cases: int, batch_size: int, max_looks: int, look: int) -> float:
    """The family-wise level available at `look` (1-based); a single look gets all of alpha."""
    fractions = information_fractions(n_cases, batch_size, max_looks)
    if len(fractions) <= 1:
        return alpha
    return nominal_levels(round(alpha, 12), fractions)[min(look, len(fractions)) - 1]


def is_last_look(n_cases: int, batch_size: int, max_looks: int, look: int) -> bool:
    return look >= len(look_schedule(n_cases, batch_size, max_looks))


def is_settled(verdict: Verdict) -> bool:
    """Whether the gate may stop: a blocking metric settled as a fail, or every blocking metric
    settled as a pass."""
    blocking = [m for m in verdict.metrics if m.blocking]
    if any(m.settled and m.decision == "fail" for m in blocking):
        return True
    return all(m.settled and m.decision == "pass" for m in blocking)
