"""Scorers: pure deterministic checks, Ragas metrics and the LLM judge, behind one catalogue.

Each scorer declares on its `@scorer` decorator whether it is a default, a fact check, needs a judge
model or an optional package; every list of scorers is derived from that (docs/scorers.md).
The labelled-fabrication measurement (`measure_labels`) and the meaning-threshold calibration
(`calibrate_meaning`) behind `tailor score` are here too. Other packages import from `evals.scorers`
(or a named scorer module such as `evals.scorers.fabrication`), never from its `_private` modules.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

from evals.scorers._base import SCORERS, Offense, Sample, Score, ScorerInfo, scorer
from evals.scorers._catalogue import (
    SCORER_MODULES,
    ScorerUnavailableError,
    catalogue,
    default_scorers,
    fact_scorers,
    judge_model_extras,
    load_scorer_modules,
    needs_judge_model,
    optional_scorers,
    resolve_names,
    unavailable,
)
from evals.scorers._labels import measure_labels, print_label_report
from evals.scorers._meaning_calibration import calibrate as calibrate_meaning

load_scorer_modules()

# Derived from the catalogue (kept importable under their old names): see docs/scorers.md.
DEFAULT_SCORERS = default_scorers()  # deterministic, no extra package, no judge model
OPTIONAL_SCORERS = optional_scorers()
FACT_SCORERS = fact_scorers()


def available() -> dict[str, ScorerInfo]:
    """Every registered scorer (an unavailable one too: `unavailable()` says which, and why)."""
    return catalogue()


async def score_sample(sample: Sample, names: list[str], **model_kwargs: Any) -> dict[str, Score]:
    """Run the named scorers on one sample. A scorer that raises is reported missing, with why."""
    known = available()
    results: dict[str, Score] = {}

    async def run(name: str) -> list[Score]:
        info = known[name]
        try:
            if inspect.iscoroutinefunction(info.fn):
                out = await info.fn(sample, **model_kwargs)
            else:
                out = await asyncio.to_thread(info.fn, sample) if info.needs_judge_model else info.fn(sample)
        except Exception as exc:  # a broken metric is reported, never silently dropped or zeroed
            return [
                Score.missing(
                    name, f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}"
                )
            ]
        return out if isinstance(out, list) else [out]

    for scores in await asyncio.gather(*(run(n) for n in names)):
        for s in scores:
            results[s.name] = s
    return results


__all__ = [
    "DEFAULT_SCORERS",
    "FACT_SCORERS",
    "OPTIONAL_SCORERS",
    "SCORERS",
    "SCORER_MODULES",
    "Offense",
    "Sample",
    "Score",
    "ScorerInfo",
    "ScorerUnavailableError",
    "available",
    "calibrate_meaning",
    "catalogue",
    "default_scorers",
    "fact_scorers",
    "judge_model_extras",
    "load_scorer_modules",
    "measure_labels",
    "needs_judge_model",
    "optional_scorers",
    "print_label_report",
    "resolve_names",
    "score_sample",
    "scorer",
    "unavailable",
]
