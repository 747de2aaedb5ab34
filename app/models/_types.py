"""The model layer's vocabulary: a request, its completion, and one call's usage record."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ChatParams(BaseModel):
    """Sampling parameters. Defaults suit the local 135M model: greedy, no loops, short."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    temperature: float = 0.0
    max_tokens: int = 256
    repeat_penalty: float = 1.15
    stop: tuple[str, ...] = ()
    seed: int = 7
    top_p: float = 1.0


class ChatRequest(BaseModel):
    model_config = ConfigDict(frozen=True)

    model: str
    messages: tuple[dict[str, str], ...]
    params: ChatParams = Field(default_factory=ChatParams)
    json_schema: dict[str, Any] | None = None  # grammar-constrained JSON where the provider can

    def content_key(self) -> str:
        """Content address of (model, messages, parameters): the cache key."""
        payload = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class CallRecord(BaseModel):
    """What one call cost. `latency_ms` is the time it took now (a cache hit's is the look-up);
    `model_latency_ms` is what the model took when it ran (for a cache hit, the original call)."""

    agent: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    latency_ms: float = 0.0
    model_latency_ms: float = 0.0
    cached: bool = False
    fallback_from: str | None = None  # the model this call stood in for (its provider was unavailable)


class Completion(BaseModel):
    text: str
    record: CallRecord
