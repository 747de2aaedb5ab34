"""Scorers: pure deterministic checks, Ragas metrics and the LLM judge, behind one registry."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

from evals.scorers import fabrication, jd_coverage, length_style, narrative, structure, usage  # noqa: F401
from evals.scorers._base import SCORERS, Offense, Sample, Score, ScorerInfo, scorer

DEFAULT_SCORERS = ("structure", "jd_coverage", "fabrication", "narrative", "length_and_style", "usage")
OPTIONAL_SCORERS = ("semantic_similarity", "ragas_faithfulness", "ragas_relevancy", "judge")


def _load_optional() -> None:
    """Scorers with heavy dependencies register on first use."""
    import contextlib

    for module in ("evals.scorers.ragas_metrics", "evals.judge"):
        with contextlib.suppress(ImportError):
            __import__(module)


def available() -> dict[str, ScorerInfo]:
    _load_optional()
    return dict(SCORERS)


def resolve_names(names: list[str] | None) -> list[str]:
    from app.errors import NotFoundError

    chosen = list(names) if names else list(DEFAULT_SCORERS)
    known = available()
    unknown = [n for n in chosen if n not in known]
    if unknown:
        raise NotFoundError(f"unknown scorer(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    return chosen


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
                out = await asyncio.to_thread(info.fn, sample) if info.needs_model else info.fn(sample)
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
    "OPTIONAL_SCORERS",
    "SCORERS",
    "Offense",
    "Sample",
    "Score",
    "available",
    "resolve_names",
    "score_sample",
    "scorer",
]
