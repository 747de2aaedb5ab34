"""One ASGI middleware for every HTTP request: request id in and out, `X-Pipeline-Version` on every
response, a structured access log line, request metrics, and a JSON 500 (never a traceback) for a bug.

Pure ASGI rather than BaseHTTPMiddleware, so server-sent event streams pass through untouched.
"""

from __future__ import annotations

import json
import logging
import time
from typing import TYPE_CHECKING

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.observability import accept_request_id, log_event, request_id_var, request_span

if TYPE_CHECKING:
    from app.api.context import ApiContext

log = logging.getLogger("tailor.api")


class RequestMiddleware:
    def __init__(self, app: ASGIApp, context: ApiContext) -> None:
        self.app = app
        self.context = context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = accept_request_id(Headers(scope=scope).get("x-request-id"))
        state = scope.setdefault("state", {})
        state["request_id"] = rid
        served = self.context.served.peek()
        if served is not None:
            state.setdefault("pipeline", served.body())
        token = request_id_var.set(rid)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = rid
                version = _version(state)
                if version:
                    headers["X-Pipeline-Version"] = version
            await send(message)

        with request_span(scope["method"], scope.get("path", "")) as span:
            try:
                await self.app(scope, receive, send_with_headers)
            except Exception as exc:
                log.error("internal error", exc_info=exc, extra={"request_id": rid})
                if not response_started:
                    await _internal_error(send_with_headers, rid, state.get("pipeline"))
                status = 500
            finally:
                seconds = time.perf_counter() - started
                route = _route(scope)
                span.set("http.route", route)
                span.set("http.status_code", status)
                self.context.metrics.observe_request(scope["method"], route, status, seconds)
                log_event(log, "request", method=scope["method"], route=route, status=status,
                          ms=round(seconds * 1000, 1), pipeline=_version(state), request_id=rid)
                request_id_var.reset(token)


def _version(state: dict[str, object]) -> str | None:
    pipeline = state.get("pipeline")
    if isinstance(pipeline, dict) and pipeline.get("label") and pipeline.get("hash"):
        canary = f"; canary={pipeline['canary']}" if pipeline.get("canary") else ""  # a canary job (app/api/serving.py)
        return f"{pipeline['label']}@{pipeline['hash']}{canary}"
    return None


def _route(scope: Scope) -> str:
    """The route's template (`/v1/jobs/{job_id}`), so metrics never get one series per job id."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    return "static" if str(scope.get("path", "")).startswith("/static/") else "unmatched"


async def _internal_error(send: Send, rid: str, pipeline: object) -> None:
    body = json.dumps({
        "error": {"type": "internal_error", "message": f"internal error (request id {rid})"},
        "request_id": rid,
        "pipeline": pipeline,
    }).encode()
    await send({
        "type": "http.response.start",
        "status": 500,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
    })
    await send({"type": "http.response.body", "body": body})
