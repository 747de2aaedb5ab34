"""The API's failures, as `TailorError`s with an HTTP status, and the handlers that turn every
exception into a JSON answer: `{"error": {"type", "message", "fields"}, "request_id", "pipeline"}`.
Nothing but a TailorError's one-line message reaches a client; a bug answers 500 with the request
id, and its traceback goes to the log only (`app.api.middleware` catches those).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.errors import InputError, TailorError

log = logging.getLogger("tailor.api")


class FieldError(InputError):
    """An input field is unusable (422): says which field and why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = " ".join(reason.split())


class PayloadTooLarge(FieldError):
    http_status = 413


class Unauthorized(TailorError):
    http_status = 401


class Forbidden(TailorError):
    http_status = 403


class RateLimited(TailorError):
    http_status = 429

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


_TYPES = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
          409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type",
          422: "validation_error", 429: "rate_limited", 502: "model_error", 503: "unavailable"}


def error_body(request: Request, status: int, message: str, fields: list[dict[str, str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "error": {"type": _TYPES.get(status, "internal_error" if status >= 500 else "bad_request"), "message": message},
        "request_id": getattr(request.state, "request_id", None),
        "pipeline": getattr(request.state, "pipeline", None),
    }
    if fields:
        body["error"]["fields"] = fields
    return body


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(TailorError)
    async def _tailor_error(request: Request, exc: TailorError) -> JSONResponse:
        fields = [{"field": exc.field, "reason": exc.reason}] if isinstance(exc, FieldError) else None
        headers = {"Retry-After": str(exc.retry_after_s)} if isinstance(exc, RateLimited) else None
        if exc.http_status >= 500:
            log.warning("request failed: %s: %s", type(exc).__name__, exc)
        return JSONResponse(error_body(request, exc.http_status, exc.message, fields), exc.http_status, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [_field(error) for error in exc.errors()]
        message = "; ".join(f"{f['field']}: {f['reason']}" for f in fields) or "invalid request"
        return JSONResponse(error_body(request, 422, message, fields), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "request refused"
        if exc.status_code == 400:  # FastAPI could not parse the body (not JSON, not UTF-8): a 422 like any
            fields = [{"field": "body", "reason": "is not valid JSON"}]
            return JSONResponse(error_body(request, 422, f"body: {message}", fields), 422)
        return JSONResponse(error_body(request, exc.status_code, message), exc.status_code, exc.headers)


def _field(error: Any) -> dict[str, str]:
    location = [str(part) for part in error.get("loc", ()) if part != "body"]
    reason = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    return {"field": ".".join(location) or "body", "reason": reason}
