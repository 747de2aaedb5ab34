"""Route dependencies: the app's context, and the caller with the role a route needs.

A key comes in `X-API-Key` or as `Authorization: Bearer <key>` (what Prometheus can send). Missing or
unknown when one is needed: 401; a key whose role is too low: 403; past its rate: 429 with
Retry-After. Order: who (401), may (403), how often (429).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from app.api.auth import Caller, anonymous
from app.api.context import ApiContext
from app.api.errors import Forbidden, RateLimited, Unauthorized
from app.state import Role

api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="An API key (`tailor keys create`); or send it as a Bearer token."
)
bearer = HTTPBearer(auto_error=False, description="An API key, or the admin token (TAILOR_API_ADMIN_TOKEN).")


def get_context(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.context
    return context


Context = Annotated[ApiContext, Depends(get_context)]


def require(role: Role) -> Callable[..., Awaitable[Caller]]:
    """A dependency: the caller, allowed `role` and within its rate (or the matching error)."""

    async def dependency(
        request: Request,
        context: Context,
        api_key: Annotated[str | None, Security(api_key_header)] = None,
        token: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)] = None,
    ) -> Caller:
        caller = await _identify(request, context, api_key or (token.credentials if token else None))
        await _check_role(context, caller, role)
        settings = context.settings
        wait_s = await context.limiter.take(
            caller.client,
            per_minute=caller.rate_per_minute or settings.api_rate_per_minute,
            burst=caller.rate_burst or settings.api_rate_burst,
        )
        if wait_s:
            raise RateLimited(f"rate limit reached: retry in {wait_s} s", wait_s)
        request.state.client = caller.client
        return caller

    dependency.__name__ = f"require_{role}"
    return dependency


async def _identify(request: Request, context: ApiContext, credential: str | None) -> Caller:
    keys = context.keys
    if credential:
        caller = await keys.identify(credential)
        if caller is not None:
            return caller
        if await keys.admin_possible():  # with nothing configured, a stray header changes nothing
            raise Unauthorized("unknown or revoked API key")
    elif await keys.required():
        raise Unauthorized("missing API key: send it in the X-API-Key header")
    return anonymous(request.client.host if request.client else "unknown")


async def _check_role(context: ApiContext, caller: Caller, role: Role) -> None:
    if caller.may(role):
        return
    if caller.authenticated:
        raise Forbidden(f"this needs the {role} role; the key has the {caller.role} role")
    if role == "operator":  # while /v1 is open, so are the operators' reads (metrics, every job)
        return
    if await context.keys.admin_possible():
        raise Unauthorized(f"this needs an {role} key: send it in the X-API-Key header")
    raise Forbidden(
        "admin endpoints are off: create an admin key (tailor keys create --role admin) or set TAILOR_API_ADMIN_TOKEN"
    )


ClientCaller = Annotated[Caller, Depends(require("client"))]
OperatorCaller = Annotated[Caller, Depends(require("operator"))]
AdminCaller = Annotated[Caller, Depends(require("admin"))]
