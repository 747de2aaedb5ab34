"""Completion webhooks, signed with HMAC-SHA256 (setting `api_webhook_secret`).

The body names the job, its status and pipeline, never the resume or the result (fetch those with
the job id). Headers: `X-Tailor-Timestamp` (UNIX seconds) and
`X-Tailor-Signature: sha256=<hex of HMAC(secret, "<timestamp>.<body>")>`. A receiver recomputes
the HMAC over the raw body and refuses a stale timestamp. Best effort: three tries with backoff.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from typing import Any

from app.state import JobEntry

log = logging.getLogger("tailor.api.jobs")

ATTEMPTS = 3


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def payload(job: JobEntry) -> dict[str, Any]:
    return {
        "event": "job.finished",
        "job_id": job.id,
        "status": job.status,
        "error": job.error,
        "pipeline": {"label": job.pipeline_label, "hash": job.pipeline_hash},
        "finished_at": job.finished_at,
    }


class WebhookSender:
    def __init__(self, secret: str | None, timeout_s: float = 10.0) -> None:
        self.secret = secret
        self.timeout_s = timeout_s

    async def __call__(self, job: JobEntry) -> None:
        if not job.webhook_url or not self.secret:
            return
        import httpx

        body = json.dumps(payload(job), sort_keys=True).encode()
        for attempt in range(ATTEMPTS):
            timestamp = str(int(time.time()))
            headers = {
                "Content-Type": "application/json",
                "X-Tailor-Timestamp": timestamp,
                "X-Tailor-Signature": sign(self.secret, timestamp, body),
            }
            try:
                async with httpx.AsyncClient(timeout=self.timeout_s) as client:
                    response = await client.post(job.webhook_url, content=body, headers=headers)
                if response.status_code < 500:
                    return
                problem = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                problem = type(exc).__name__
            log.warning("webhook for job %s: %s (try %d of %d)", job.id, problem, attempt + 1, ATTEMPTS)
            await asyncio.sleep(0.5 * 2**attempt)
