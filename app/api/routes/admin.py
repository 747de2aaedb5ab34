"""POST /v1/admin/promote and /v1/admin/rollback: the CLI's rules exactly (`evals.gate.promote` and
`rollback`): a promotion needs a passing verdict for exactly this candidate against what the alias
points to now (or `force` with a reason, recorded as forced). Both need the admin role."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request

from app.api.deps import AdminCaller, Context
from app.api.routes.pipelines import alias_view
from app.api.schemas import ERROR_RESPONSES, AliasView, PromoteRequest, RollbackRequest

router = APIRouter(prefix="/v1/admin", tags=["admin"])


@router.post("/promote", response_model=AliasView, responses=ERROR_RESPONSES, summary="Promote a gated pipeline")
async def promote(body: PromoteRequest, request: Request, context: Context, admin: AdminCaller) -> Any:
    from evals.gate import promote as promote_alias

    await asyncio.to_thread(
        promote_alias, body.ref, to=body.to, dataset=body.dataset, force=body.force, reason=body.reason, who=admin.who
    )
    return await _after_move(request, context, body.to)


@router.post("/rollback", response_model=AliasView, responses=ERROR_RESPONSES, summary="Roll an alias back")
async def rollback(body: RollbackRequest, request: Request, context: Context, admin: AdminCaller) -> Any:
    from evals.gate import rollback as rollback_alias

    await asyncio.to_thread(rollback_alias, body.alias, reason=body.reason, who=admin.who)
    return await _after_move(request, context, body.alias)


async def _after_move(request: Request, context: Context, alias: str) -> AliasView:
    """This process serves the new version at once; other processes within the alias TTL."""
    context.served.invalidate()
    found = await asyncio.to_thread(alias_view, context, alias)
    request.state.pipeline = found.pipeline.model_dump()
    return found
