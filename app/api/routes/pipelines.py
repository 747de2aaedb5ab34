"""GET /v1/pipelines/{alias}: where an alias points, the move that put it there, and its verdict."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from app.api.context import ApiContext
from app.api.deps import ClientCaller, Context
from app.api.schemas import ERROR_RESPONSES, AliasView, PipelineRef, VerdictView
from app.errors import NotFoundError
from app.state import ALIAS_RE, AliasMove

router = APIRouter(prefix="/v1/pipelines", tags=["pipelines"])

AliasName = Annotated[str, Path(min_length=1, max_length=64, pattern=ALIAS_RE.pattern)]


@router.get("/{alias}", response_model=AliasView, responses=ERROR_RESPONSES, summary="What an alias serves, with its verdict")
async def get_alias(alias: AliasName, request: Request, context: Context, caller: ClientCaller) -> Any:
    found = await asyncio.to_thread(alias_view, context, alias)
    request.state.pipeline = found.pipeline.model_dump()
    return found


def alias_view(context: ApiContext, alias: str) -> AliasView:
    """The alias's head; for the served alias, also what runs (the API may move it to its model)."""
    move = context.registry.alias(alias)
    if move is None:
        raise NotFoundError(f"unknown alias {alias!r}")
    target = PipelineRef(label=move.label, hash=move.pipeline_hash)
    served = alias == context.served.alias
    running = target
    if served:
        version = context.served.current()
        running = PipelineRef(label=version.label, hash=version.hash)
    return AliasView(
        alias=alias,
        served=served,
        target=target,
        pipeline=running,
        kind=move.kind,
        who=move.who,
        why=move.why,
        at=move.at,
        forced=move.forced,
        verdict=_verdict(context, move),
    )


def _verdict(context: ApiContext, move: AliasMove) -> VerdictView | None:
    if move.verdict_id is None:
        return None
    entry = context.store.get_verdict(move.verdict_id)
    if entry is None:
        return None
    try:
        reasons = list(json.loads(entry.verdict_json).get("blocking_reasons") or [])
    except (ValueError, AttributeError):
        reasons = []
    return VerdictView(
        id=entry.id,
        passed=entry.passed,
        at=entry.at,
        baseline_hash=entry.baseline_hash,
        dataset_hash=entry.dataset_hash,
        policy_hash=entry.policy_hash,
        code_hash=entry.code_hash,
        blocking_reasons=[str(r) for r in reasons],
    )

