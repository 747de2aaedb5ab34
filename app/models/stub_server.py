"""An OpenAI-compatible stub endpoint that answers after a fixed latency: for load tests of the
harness itself (the throughput benchmark, kill-and-resume tests), never as a default model.

    python -m app.models.stub_server --port 0 --latency-ms 200

prints `port <n>` on its first line, then serves POST /v1/chat/completions (echoing the last user
message, or a small JSON object when JSON output is requested) and GET /stats (requests served, in
all and per model).

Provider faults, for tests of retries, circuit breakers and fallbacks: POST /faults with
`{"model": "stub", "status": 500, "count": 3}` makes the next 3 requests for that model (`"*"`: any
model; `count` -1: until cleared) answer HTTP 500 (a 429 carries `Retry-After`, `retry_after_s`);
`"delay_ms": 5000` instead delays them (a timeout). POST /faults with `{"clear": true}` clears all.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

JSON_REPLY = {"skills": [], "adds_fact": False, "score": 3, "reason": "stub", "winner": "tie"}


class Fault:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.model = str(spec.get("model", "*"))
        self.status = int(spec.get("status", 0))  # 0: no error status, only the delay
        self.delay_s = float(spec.get("delay_ms", 0)) / 1000
        self.retry_after_s = spec.get("retry_after_s", 0)
        self.left = int(spec.get("count", -1))

    def take(self, model: str) -> bool:
        if self.left == 0 or self.model not in ("*", model):
            return False
        self.left -= 1 if self.left > 0 else 0
        return True


class StubState:
    def __init__(self, latency_s: float) -> None:
        self.latency_s = latency_s
        self.requests = 0
        self.per_model: dict[str, int] = {}
        self.faults: list[Fault] = []
        self.faulted = 0

    def fault_for(self, model: str) -> Fault | None:
        return next((fault for fault in self.faults if fault.take(model)), None)


def _completion(body: dict[str, Any]) -> dict[str, Any]:
    messages = body.get("messages") or [{"content": ""}]
    wants_json = (body.get("response_format") or {}).get("type") in ("json_object", "json_schema")
    text = json.dumps(JSON_REPLY) if wants_json else str(messages[-1].get("content", ""))
    prompt_tokens = sum(len(str(m.get("content", "")).split()) for m in messages)
    return {
        "id": f"stub-{time.time_ns()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "stub"),
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": len(text.split()),
            "total_tokens": prompt_tokens + len(text.split()),
        },
    }


def make_app(state: StubState) -> Any:
    from aiohttp import web

    async def chat(request: web.Request) -> web.Response:
        body = await request.json()
        model = str(body.get("model", ""))
        state.requests += 1
        state.per_model[model] = state.per_model.get(model, 0) + 1
        fault = state.fault_for(model)
        await asyncio.sleep(state.latency_s + (fault.delay_s if fault else 0.0))
        if fault is not None and fault.status:
            state.faulted += 1
            headers = {"Retry-After": str(fault.retry_after_s)} if fault.status == 429 else {}
            error = {"error": {"message": f"stub fault {fault.status}", "type": "stub_fault", "code": fault.status}}
            return web.json_response(error, status=fault.status, headers=headers)
        return web.json_response(_completion(body))

    async def stats(_: web.Request) -> web.Response:
        return web.json_response({"requests": state.requests, "per_model": state.per_model, "faulted": state.faulted})

    async def faults(request: web.Request) -> web.Response:
        spec = await request.json()
        if spec.get("clear"):
            state.faults.clear()
        else:
            state.faults.append(Fault(spec))
        return web.json_response({"faults": len(state.faults)})

    async def models(_: web.Request) -> web.Response:
        return web.json_response({"object": "list", "data": [{"id": "stub", "object": "model"}]})

    app = web.Application()
    app.add_routes(
        [
            web.post("/v1/chat/completions", chat),
            web.post("/chat/completions", chat),
            web.get("/stats", stats),
            web.post("/faults", faults),
            web.get("/v1/models", models),
        ]
    )
    return app


async def serve(port: int, latency_s: float) -> None:
    from aiohttp import web

    runner = web.AppRunner(make_app(StubState(latency_s)), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, backlog=1024)
    await site.start()
    bound = runner.addresses[0][1]
    print(f"port {bound}", flush=True)
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency-ms", type=float, default=200.0)
    args = parser.parse_args()
    try:
        asyncio.run(serve(args.port, args.latency_ms / 1000))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
