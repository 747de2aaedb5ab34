"""Route dependencies: the app's context, the calling client (API key and rate limit), the admin."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from app.api.context import ApiContext
from app.api.errors import Forbidden, RateLimited, Unauthorized

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="Set TAILOR_API_KEYS to require it.")
admin_bearer = HTTPBearer(auto_error=False, description="The admin token (TAILOR_API_ADMIN_TOKEN).")


def get_context(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.context
    return context


Context = Annotated[ApiContext, Depends(get_context)]


def require_client(
    request: Request, context: Context, api_key: Annotated[str | None, Security(api_key_header)] = None
) -> str:
    """The client id (a hash of its key, or `anonymous:<address>` when /v1 is open); 401 without a
    valid key when keys are configured; 429 with Retry-After past the client's rate."""
    if context.api_keys:
        client = _match(api_key, context.api_keys)
        if client is None:
            raise Unauthorized("missing or unknown API key: send it in the X-API-Key header")
    else:
        host = request.client.host if request.client else "unknown"
        client = f"anonymous:{host}"
    wait_s = context.limiter.take(client)
    if wait_s:
        raise RateLimited(f"rate limit reached: retry in {wait_s} s", wait_s)
    request.state.client = client
    return client


Client = Annotated[str, Depends(require_client)]


def require_admin(
    context: Context, credentials: Annotated[HTTPAuthorizationCredentials | None, Security(admin_bearer)] = None
) -> str:
    token = context.settings.api_admin_token
    if not token:
        raise Forbidden("admin endpoints are off: set TAILOR_API_ADMIN_TOKEN on the server")
    given = credentials.credentials if credentials else ""
    if not given or not hmac.compare_digest(given.encode(), token.encode()):
        raise Unauthorized("missing or wrong admin token: send Authorization: Bearer <token>")
    return "api-admin"


Admin = Annotated[str, Depends(require_admin)]


def _match(given: str | None, keys: dict[str, str]) -> str | None:
    if not given:
        return None
    found = None
    for key, client in keys.items():  # compare with every key, in constant time each
        if hmac.compare_digest(given.encode(), key.encode()):
            found = client
    return found
