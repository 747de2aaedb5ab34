"""Promotion, rollback and history of a gated alias (`production`).

`promote` moves the alias only on a passing verdict for exactly the candidate's hash against the
hash the alias points to now, on the dataset's current hash, under the current policy and code.
The move is a compare-and-set on that current target, so two promotions racing from the same
production cannot both win. `--force` skips the verdict, needs a reason, and is marked forced.
Every move is mirrored to the MLflow prompt registry's aliases at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.errors import InputError, NotFoundError, PromotionRefused
from app.settings import get_settings
from evals.gate._models import Verdict, VerdictKey

if TYPE_CHECKING:
    from app.registry import Pipeline, Registry
    from app.state import AliasMove

GATED_ALIASES = frozenset({"production"})


@dataclass(frozen=True)
class HistoryRow:
    at: float
    alias: str
    label: str
    pipeline_hash: str
    kind: str
    who: str
    why: str
    forced: bool
    verdict_id: int | None
    verdict_passed: bool | None


def _hashes(ref: str, dataset: str, policy_path: Path | None) -> tuple[Registry, Pipeline, str, str, str]:
    from app.hashing import code_hash
    from app.registry import open_registry
    from app.services import resolve_pipeline
    from evals.datasets import open_dataset
    from evals.gate._gate import default_policy_path
    from evals.gate._policy import load_policy

    settings = get_settings()
    registry = open_registry()
    pipeline = resolve_pipeline(ref, None, registry)
    data = open_dataset(dataset, settings.datasets)
    policy = load_policy(policy_path or default_policy_path())
    return registry, pipeline, data.content_hash, policy.hash(), code_hash(settings.code_root)


def promote(
    ref: str,
    *,
    to: str = "production",
    dataset: str = "golden:core",
    policy_path: Path | None = None,
    force: bool = False,
    reason: str | None = None,
    who: str | None = None,
) -> AliasMove:
    """Move `to` onto `ref`'s pipeline if a passing verdict binds exactly this move; returns the move."""
    from app.registry import current_actor
    from app.state import open_state

    registry, pipeline, dataset_hash, policy_hash, code = _hashes(ref, dataset, policy_path)
    current = registry.alias(to)
    if current is None:
        raise NotFoundError(f"alias {to!r} does not exist yet; set it once with tailor prompts alias")
    target_hash, label = pipeline.hash, pipeline.label
    if current.pipeline_hash == target_hash:
        raise InputError(f"{to} already points to {label} ({target_hash[:12]})")
    store = open_state(get_settings().state)
    key = VerdictKey(
        candidate_hash=target_hash,
        baseline_hash=current.pipeline_hash,
        dataset_hash=dataset_hash,
        policy_hash=policy_hash,
        code_hash=code,
    )
    actor = who or current_actor()
    if force:
        if not (reason or "").strip():
            raise InputError("--force needs --reason: say why the gate is skipped")
        why, verdict_id = f"FORCED: {reason}", None
    else:
        entry = store.find_verdict(**key.model_dump())
        if entry is None:
            raise PromotionRefused(_missing_verdict(to, label, current.label, key, dataset))
        if not entry.passed:
            reasons = Verdict.model_validate_json(entry.verdict_json).blocking_reasons
            raise PromotionRefused(
                f"verdict {entry.id} for {label} against {to} ({current.label}) failed: "
                + ("; ".join(reasons[:3]) or "see its report")
                + f" ({entry.folder})"
            )
        why, verdict_id = f"gate verdict {entry.id} passed on {dataset}", entry.id
    move = registry.store.move_alias(  # the pipeline itself: a manifest outside the registry works too
        to,
        pipeline_hash=target_hash,
        label=label,
        snapshot=pipeline.snapshot(),
        who=actor,
        why=why,
        expected=current.pipeline_hash,
        kind="promote",
        verdict_id=verdict_id,
        forced=force,
    )
    _mirror(to, target_hash)
    return move


def _missing_verdict(to: str, label: str, current_label: str, key: VerdictKey, dataset: str) -> str:
    """Name what is missing, and what the store does hold for this candidate, if anything."""
    from app.state import open_state

    store = open_state(get_settings().state)
    hint = f"run: tailor gate --candidate {label} --baseline {to} --dataset {dataset}"
    near = store.find_verdicts_for(key.candidate_hash) if hasattr(store, "find_verdicts_for") else []
    differs = []
    for entry in near[:1]:
        for name in ("baseline_hash", "dataset_hash", "policy_hash", "code_hash"):
            if getattr(entry, name) != getattr(key, name):
                differs.append(name.removesuffix("_hash"))
    other = f"; the newest verdict for it was for another {', '.join(differs)}" if differs else ""
    return (
        f"no gate verdict for {label} ({key.candidate_hash[:12]}) against {to} = {current_label} "
        f"({key.baseline_hash[:12]}) on {dataset} under this policy and code{other}; {hint}"
    )


def rollback(alias: str = "production", *, reason: str | None = None, who: str | None = None) -> AliasMove:
    """Move `alias` back to the version before its latest (not rolled back) move."""
    from app.registry import current_actor, open_registry

    registry = open_registry()
    current = registry.alias(alias)
    if current is None:
        raise NotFoundError(f"unknown alias {alias!r}")
    stack: list[str] = []
    for move in registry.store.alias_history(alias):
        if move.kind == "rollback" and stack:
            stack.pop()
        else:
            stack.append(move.pipeline_hash)
    if len(stack) < 2:
        raise InputError(f"{alias} has no earlier version to roll back to")
    previous = stack[-2]
    move = registry.set_alias(
        alias,
        previous,
        reason or f"rollback from {current.label} ({current.pipeline_hash[:12]})",
        who=who or current_actor(),
        expected=current.pipeline_hash,
        kind="rollback",
    )
    _mirror(alias, previous)
    return move


def history(alias: str = "production") -> list[HistoryRow]:
    from app.registry import open_registry
    from app.state import open_state

    registry = open_registry()
    registry.alias(alias)  # a fresh store adopts the bootstrap entry first
    store = open_state(get_settings().state)
    rows = []
    for move in registry.store.alias_history(alias):
        verdict = store.get_verdict(move.verdict_id) if move.verdict_id else None
        rows.append(
            HistoryRow(
                at=move.at,
                alias=move.alias,
                label=move.label,
                pipeline_hash=move.pipeline_hash,
                kind=move.kind,
                who=move.who,
                why=move.why,
                forced=move.forced,
                verdict_id=move.verdict_id,
                verdict_passed=None if verdict is None else verdict.passed,
            )
        )
    return rows


def _mirror(alias: str, pipeline_hash: str) -> None:
    """The MLflow prompt registry's aliases follow every move at once."""
    from app.registry import open_registry
    from evals.tracking import mirror_prompts

    registry = open_registry()
    pipeline = registry.resolve(pipeline_hash)
    mirror_prompts(pipeline, registry, tracking_uri=get_settings().tracking, aliases={alias: pipeline.hash})
