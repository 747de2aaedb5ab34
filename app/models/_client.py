"""Every completion goes through here: cache, then litellm with retries, then usage accounting."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from tenacity import (
    AsyncRetrying,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from app.errors import ConfigError, ModelError
from app.heavy import load
from app.models._cache import ResponseCache
from app.models._plugin import Price, ProviderInfo
from app.models._providers import PROVIDERS, ensure_installed, provider_info
from app.models._types import CallRecord, ChatRequest, Completion
from app.models._usage import UsageMeter

log = logging.getLogger("tailor.models")


def _ensure_priced(litellm: Any, model: str) -> None:
    """Register, once per model, the plugin's declared price (0 if none) for a model litellm's map lacks.

    litellm prices every response while logging it; for a model its map does not know it searches every
    name variant on every call and fails (about a third of the runner's per-call CPU in
    bench/eval_throughput.py). Registered, the price is one dict look-up, and the same for both.
    """
    if model in PROVIDERS.priced:
        return
    PROVIDERS.priced.add(model)
    info = provider_info(model)
    if info is None:
        try:
            litellm.get_model_info(model)
            return  # litellm's price map knows it
        except Exception:
            PROVIDERS.unpriced.add(model)
            log.warning("no price known for %s; its cost is recorded as 0", model)
    price = info.price_of(model.split("/", 1)[1]) if info is not None else Price()
    entry = {
        "input_cost_per_token": price.input_per_1k / 1000,
        "output_cost_per_token": price.output_per_1k / 1000,
        "litellm_provider": model.split("/", 1)[0],
        "mode": "chat",
    }
    litellm_log = logging.getLogger("LiteLLM")
    level = litellm_log.level
    litellm_log.setLevel(logging.ERROR)  # its "not in built-in cost map" warning repeats ours
    try:
        litellm.register_model({model: entry})
    finally:
        litellm_log.setLevel(level)


def _is_transient(exc: BaseException) -> bool:
    import litellm

    transient = (
        litellm.RateLimitError,
        litellm.Timeout,
        litellm.ServiceUnavailableError,
        litellm.BadGatewayError,
        litellm.InternalServerError,
        litellm.APIConnectionError,
        asyncio.TimeoutError,
        TimeoutError,
    )
    return isinstance(exc, transient)


def _is_config_problem(exc: BaseException) -> bool:
    import litellm

    return isinstance(exc, litellm.AuthenticationError | litellm.PermissionDeniedError)


class ModelClient:
    """One client per run. `meter` receives a CallRecord for every call, cached or not."""

    def __init__(
        self,
        *,
        cache: ResponseCache | None = None,
        meter: UsageMeter | None = None,
        retries: int = 3,
        timeout_s: float = 180.0,
        backoff_max_s: float = 8.0,
    ) -> None:
        self.cache = cache
        self.meter = meter or UsageMeter()
        self.retries = max(1, retries)
        self.timeout_s = timeout_s
        self.backoff_max_s = backoff_max_s
        self.model_calls = 0  # calls that reached a model (cache misses that were sent)

    # -- public -----------------------------------------------------------------------------
    def complete(self, request: ChatRequest, *, agent: str) -> Completion:
        hit = self._lookup(request, agent)
        if hit is not None:
            return hit
        started = time.perf_counter()
        retrying = Retrying(**self._retry_policy())
        try:
            for attempt in retrying:
                with attempt:
                    response = self._litellm(request.model).completion(**self._kwargs(request))
        except Exception as exc:
            raise self._failure(request, exc) from exc
        return self._finish(request, agent, response, started)

    async def acomplete(self, request: ChatRequest, *, agent: str) -> Completion:
        hit = self._lookup(request, agent)
        if hit is not None:
            return hit
        started = time.perf_counter()
        litellm = self._litellm(request.model)
        try:
            async for attempt in AsyncRetrying(**self._retry_policy()):
                with attempt:
                    response = await asyncio.wait_for(
                        litellm.acompletion(**self._kwargs(request)), timeout=self.timeout_s
                    )
        except Exception as exc:
            raise self._failure(request, exc) from exc
        return self._finish(request, agent, response, started)

    # -- internals ----------------------------------------------------------------------------
    def _litellm(self, model: str | None = None) -> Any:
        litellm = load("litellm")
        ensure_installed()
        if model is not None:
            _ensure_priced(litellm, model)
        return litellm

    def _retry_policy(self) -> dict[str, Any]:
        return {
            "stop": stop_after_attempt(self.retries),
            "wait": wait_random_exponential(multiplier=0.25, max=self.backoff_max_s),
            "retry": retry_if_exception(_is_transient),
            "reraise": True,
        }

    def _lookup(self, request: ChatRequest, agent: str) -> Completion | None:
        if self.cache is None:
            return None
        started = time.perf_counter()
        cached = self.cache.get(request.content_key())
        if cached is None:
            return None
        lookup_ms = round((time.perf_counter() - started) * 1000, 3)
        record = cached.record.model_copy(  # model_latency_ms stays what the model took when it ran
            update={"agent": agent, "cached": True, "cost_usd": 0.0, "latency_ms": lookup_ms}
        )
        self.meter.add(record)
        return Completion(text=cached.text, record=record)

    def _kwargs(self, request: ChatRequest) -> dict[str, Any]:
        p = request.params
        kwargs: dict[str, Any] = {
            "model": request.model,
            "messages": [dict(m) for m in request.messages],
            "temperature": p.temperature,
            "top_p": p.top_p,
            "max_tokens": p.max_tokens,
            "seed": p.seed,
            "timeout": self.timeout_s,
            "num_retries": 0,  # tenacity owns retries
        }
        if p.stop:
            kwargs["stop"] = list(p.stop)
        info = provider_info(request.model)
        if info is not None:
            return _plugin_kwargs(info, request, kwargs)
        if request.model.split("/", 1)[0] in ("ollama", "ollama_chat"):
            kwargs["repeat_penalty"] = p.repeat_penalty
        else:
            kwargs["drop_params"] = True
        if request.json_schema is not None:
            kwargs["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "output", "schema": request.json_schema, "strict": True},
            }
        return kwargs

    def _finish(self, request: ChatRequest, agent: str, response: Any, started: float) -> Completion:
        elapsed_ms = (time.perf_counter() - started) * 1000
        self.model_calls += 1
        text = response.choices[0].message.content or ""
        usage = getattr(response, "usage", None)
        input_tokens = int(getattr(usage, "prompt_tokens", 0) or 0)
        output_tokens = int(getattr(usage, "completion_tokens", 0) or 0)
        record = CallRecord(
            agent=agent,
            model=request.model,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            cost_usd=self._cost(request.model, response, input_tokens, output_tokens),
            latency_ms=round(elapsed_ms, 3),
            model_latency_ms=round(elapsed_ms, 3),
        )
        if self.cache is not None:
            self.cache.put(request.content_key(), text, record.model_copy(update={"agent": ""}))
        self.meter.add(record)
        return Completion(text=text, record=record)

    def _cost(self, model: str, response: Any, input_tokens: int, output_tokens: int) -> float:
        info = provider_info(model)
        if info is not None:
            return info.price_of(model.split("/", 1)[1]).cost(input_tokens, output_tokens)
        if model in PROVIDERS.unpriced:
            return 0.0
        hidden = getattr(response, "_hidden_params", None) or {}
        if hidden.get("response_cost") is not None:  # litellm priced it already while logging
            return float(hidden["response_cost"])
        try:
            return float(self._litellm().completion_cost(completion_response=response) or 0.0)
        except Exception:
            if model not in PROVIDERS.unpriced:
                PROVIDERS.unpriced.add(model)
                log.warning("no price known for %s; its cost is recorded as 0", model)
            return 0.0

    def _failure(self, request: ChatRequest, exc: BaseException) -> Exception:
        if isinstance(exc, ModelError | ConfigError):
            return exc
        if _is_config_problem(exc):
            return ConfigError(f"model {request.model!r} rejected the credentials: {type(exc).__name__}")
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        return ModelError(f"model call to {request.model!r} failed after {self.retries} attempt(s): {reason}")


def _plugin_kwargs(info: ProviderInfo, request: ChatRequest, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Only what the plugin declares it supports; the rest is dropped here, never sent."""
    for name in ("temperature", "top_p", "max_tokens", "seed", "stop"):
        if name in kwargs and not info.supports(name):
            del kwargs[name]
    if info.supports("repeat_penalty"):
        kwargs["repeat_penalty"] = request.params.repeat_penalty
    if request.json_schema is not None:
        if info.supports("json_schema"):
            kwargs["response_format"] = {"type": "json_object", "schema": request.json_schema}
        else:
            kwargs["response_format"] = {"type": "json_object"}
    return kwargs
