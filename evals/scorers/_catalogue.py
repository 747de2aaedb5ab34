"""The scorer catalogue: every list of scorers is derived from what `@scorer` declared.

The scorer modules are imported here, in `SCORER_MODULES` order, which is the order every derived
list keeps (a run's scorer list, and so its records, read the same as before the catalogue).
A scorer whose `requires` packages are not installed is *unavailable*, with the reason; a name no
module registers is *unknown*. See docs/scorers.md.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

from app.errors import ConfigError, NotFoundError
from evals.scorers._base import SCORERS, ScorerInfo

SCORER_MODULES = (
    "evals.scorers.structure",
    "evals.scorers.jd_coverage",
    "evals.scorers.fabrication",
    "evals.scorers.narrative",
    "evals.scorers.length_style",
    "evals.scorers.usage",
    "evals.scorers.ragas_metrics",
    "evals.scorers.judge",
    "evals.scorers.specificity",
)
broken_modules: dict[str, str] = {}  # a scorer module that failed to import: why


class ScorerUnavailableError(ConfigError):
    """A scorer is registered, but a package it needs is not installed or does not import."""


def load_scorer_modules() -> None:
    """Import every scorer module once (each registers its scorers); record the ones that fail."""
    for module in SCORER_MODULES:
        if module in sys.modules or module in broken_modules:
            continue
        try:
            importlib.import_module(module)
        except ImportError as exc:  # its scorers are missing from the catalogue: say why, later
            broken_modules[module] = _one_line(exc)


def catalogue() -> dict[str, ScorerInfo]:
    """Every registered scorer, by name, in registration order."""
    load_scorer_modules()
    return dict(SCORERS)


def default_scorers(*, optional: bool = False, judge: bool = False) -> tuple[str, ...]:
    """The scorers run when none are named. `optional`: also those that need an optional package
    (semantic_similarity); `judge`: also those that need a judge model (the judge)."""
    return tuple(
        info.name
        for info in catalogue().values()
        if info.default and (optional or not info.requires) and (judge or not info.needs_judge_model)
    )


def judge_model_extras() -> tuple[str, ...]:
    """Scorers that are not defaults but are added when a judge model is named (Ragas LLM metrics)."""
    return tuple(info.name for info in catalogue().values() if info.needs_judge_model and not info.default)


def optional_scorers() -> tuple[str, ...]:
    """Every scorer outside the plain defaults: those needing an optional package or a judge model."""
    plain = set(default_scorers())
    return tuple(name for name in catalogue() if name not in plain)


def fact_scorers() -> tuple[str, ...]:
    """The fact checks, measured together on the labelled fabrications (`tailor score --labels`)."""
    return tuple(info.name for info in catalogue().values() if info.fact_check)


def needs_judge_model(names: list[str]) -> bool:
    known = catalogue()
    return any(known[name].needs_judge_model for name in names if name in known)


def missing_package(info: ScorerInfo) -> str | None:
    """Why a scorer cannot run here (the first of its packages that is not installed), else None.

    Found without importing: importing ragas and sentence_transformers costs about 10 s, which a
    run reused from the run index never pays. An installed package that then fails to import makes
    the metric missing on each case, with the ImportError as its reason.
    """
    for package in info.requires:
        if sys.modules.get(package) is not None:
            continue
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError) as exc:
            return f"{package} ({_one_line(exc)})"
        if spec is None:
            return f"{package} (No module named '{package}')"
    return None


def unavailable() -> dict[str, str]:
    """Registered scorers that cannot run here, with the package each lacks."""
    return {
        name: reason for name, info in catalogue().items() if (reason := missing_package(info)) is not None
    }


def resolve_names(names: list[str] | None) -> list[str]:
    """The scorers to run: `names`, else the plain defaults. An unknown name or an unavailable scorer
    fails here, in one line, before any case runs."""
    chosen = list(names) if names else list(default_scorers())
    known = catalogue()
    unknown = [n for n in chosen if n not in known]
    if unknown:
        broken = "".join(f"; {module} failed to import: {why}" for module, why in broken_modules.items())
        raise NotFoundError(
            f"unknown scorer(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}{broken}"
        )
    for name in chosen:
        if (reason := missing_package(known[name])) is not None:
            raise ScorerUnavailableError(f"scorer {name} is unavailable: it needs the package {reason}")
    return chosen


def _one_line(exc: BaseException) -> str:
    text = str(exc).splitlines()[0][:160] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
