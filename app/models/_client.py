"""Every completion goes through here: cache, then litellm with retries, then usage accounting."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from tenacity import AsyncRetrying, Retrying, retry_if_exception, stop_after_attempt, stop_any

from app.errors import CircuitOpenError, ConfigError, ModelError, ProviderUnavailableError
from app.heavy import load
from app.models._cache import ResponseCache
from app.models._faults import (
    CircuitBreakers,
    StopWhenCircuitOpen,
    WaitJitterOrRetryAfter,
    is_config_problem,
    is_transient,
)
from app.models._plugin import plugin_kwargs
from app.models._pricing import ensure_priced
from app.models._providers import PROVIDERS, ensure_installed, provider_info
from app.models._types import CallRecord, ChatRequest, Completion
from app.models._usage import UsageMeter

log = logging.getLogger("tailor.models")


class ModelClient:
    """One client per run. `meter` receives a CallRecord for every call, cached or not.

    Provider faults (5xx, 429, timeouts) are retried with jittered backoff (at least the provider's
    `Retry-After`). With `breakers`, each model has a circuit that opens after repeated faults; with
    `fallback_model`, a call whose model is unavailable (retries spent, or its circuit open) is
    answered by the fallback instead, and its record names the model it replaced (`fallback_from`).
    """

    def __init__(
        self,
        *,
        cache: ResponseCache | None = None,
        meter: UsageMeter | None = None,
        retries: int = 3,
        timeout_s: float = 180.0,
        backoff_max_s: float = 8.0,
        breakers: CircuitBreakers | None = None,
        fallback_model: str | None = None,
    ) -> None:
        self.cache = cache
        self.meter = meter or UsageMeter()
        self.retries = max(1, retries)
        self.timeout_s = timeout_s
        self.backoff_max_s = backoff_max_s
        self.breakers = breakers
        self.fallback_model = fallback_model or None
        self.model_calls = 0  # calls that reached a model (cache misses that were sent)

    # -- public -----------------------------------------------------------------------------
    def complete(self, request: ChatRequest, *, agent: str) -> Completion:
        hit = self._lookup(request, agent)
        if hit is not None:
            return hit
        try:
            return self._call(request, agent)
        except ProviderUnavailableError as exc:
            fallback = self._fallback(request, agent, exc)
            if fallback is None:
                raise
            return self._lookup(fallback, agent, request.model) or self._call(fallback, agent, request.model)

    async def acomplete(self, request: ChatRequest, *, agent: str) -> Completion:
        hit = await self._alookup(request, agent)
        if hit is not None:
            return hit
        try:
            return await self._acall(request, agent)
        except ProviderUnavailableError as exc:
            fallback = self._fallback(request, agent, exc)
            if fallback is None:
                raise
            cached = await self._alookup(fallback, agent, request.model)
            return cached or await self._acall(fallback, agent, request.model)

    # -- internals ----------------------------------------------------------------------------
    def _call(self, request: ChatRequest, agent: str, fallback_from: str | None = None) -> Completion:
        self._admit(request.model)
        litellm = self._litellm(request.model)
        started = time.perf_counter()
        try:
            for attempt in Retrying(**self._retry_policy(request.model)):
                with attempt:
                    try:
                        response = litellm.completion(**self._kwargs(request))
                    except Exception as exc:
                        self._settle(request.model, exc)
                        raise
                    self._settle(request.model, None)
        except Exception as exc:
            raise self._failure(request, exc) from exc
        return self._finish(request, agent, response, started, fallback_from)

    async def _acall(self, request: ChatRequest, agent: str, fallback_from: str | None = None) -> Completion:
        self._admit(request.model)
        litellm = self._litellm(request.model)
        started = time.perf_counter()
        try:
            async for attempt in AsyncRetrying(**self._retry_policy(request.model)):
                with attempt:
                    try:
                        response = await asyncio.wait_for(
                            litellm.acompletion(**self._kwargs(request)), timeout=self.timeout_s
                        )
                    except Exception as exc:
                        self._settle(request.model, exc)
                        raise
                    self._settle(request.model, None)
        except Exception as exc:
            raise self._failure(request, exc) from exc
        if self.cache is not None and self.cache.remote:  # a network round trip: not on the event loop
            completion = self._finish(request, agent, response, started, fallback_from, store=False)
            await asyncio.to_thread(self._store, request, completion)
            return completion
        return self._finish(request, agent, response, started, fallback_from)

    async def _alookup(
        self, request: ChatRequest, agent: str, fallback_from: str | None = None
    ) -> Completion | None:
        """`_lookup` for the event loop: a remote cache (Redis, PostgreSQL) is asked from a thread,
        so one case's round trip never stalls the other cases on the loop."""
        if self.cache is not None and self.cache.remote:
            return await asyncio.to_thread(self._lookup, request, agent, fallback_from)
        return self._lookup(request, agent, fallback_from)

    def _store(self, request: ChatRequest, completion: Completion) -> None:
        if self.cache is not None:
            record = completion.record.model_copy(update={"agent": "", "fallback_from": None})
            self.cache.put(request.content_key(), completion.text, record)

    def _admit(self, model: str) -> None:
        if self.breakers is not None and not self.breakers.allow(model):
            raise CircuitOpenError(
                f"model {model!r} is failing: its circuit is open (up to {self.breakers.open_s:g}s after "
                f"{self.breakers.failure_threshold} consecutive faults)"
            )

    def _settle(self, model: str, exc: BaseException | None) -> None:
        """Tell the model's circuit how this attempt went: a fault counts, any answer closes it."""
        if self.breakers is None:
            return
        if exc is not None and is_transient(exc):
            if self.breakers.failure(model):
                log.warning(
                    "circuit for %s opened after %d consecutive faults",
                    model,
                    self.breakers.failure_threshold,
                    extra={"event": "model.circuit_open", "model": model},
                )
        else:
            self.breakers.success(model)

    def _fallback(
        self, request: ChatRequest, agent: str, exc: ProviderUnavailableError
    ) -> ChatRequest | None:
        if not self.fallback_model or self.fallback_model == request.model:
            return None
        log.warning(
            "%s unavailable for %s (%s); answering with fallback %s",
            request.model,
            agent,
            type(exc).__name__,
            self.fallback_model,
            extra={
                "event": "model.fallback",
                "model": request.model,
                "fallback": self.fallback_model,
                "agent": agent,
                "reason": type(exc).__name__,
            },
        )
        return request.model_copy(update={"model": self.fallback_model})

    def _litellm(self, model: str | None = None) -> Any:
        litellm = load("litellm")
        ensure_installed()
        if model is not None:
            ensure_priced(litellm, model)
        return litellm

    def _retry_policy(self, model: str) -> dict[str, Any]:
        return {
            "stop": stop_any(stop_after_attempt(self.retries), StopWhenCircuitOpen(self.breakers, model)),
            "wait": WaitJitterOrRetryAfter(multiplier=0.25, max_s=self.backoff_max_s),
            "retry": retry_if_exception(is_transient),
            "reraise": True,
        }

    def _lookup(
        self, request: ChatRequest, agent: str, fallback_from: str | None = None
    ) -> Completion | None:
        if self.cache is None:
            return None
        started = time.perf_counter()
        cached = self.cache.get(request.content_key())
        if cached is None:
            return None
        lookup_ms = round((time.perf_counter() - started) * 1000, 3)
        record = cached.record.model_copy(  # model_latency_ms stays what the model took when it ran
            update={
                "agent": agent,
                "cached": True,
                "cost_usd": 0.0,
                "latency_ms": lookup_ms,
                "fallback_from": fallback_from,
            }
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
            return plugin_kwargs(info, request, kwargs)
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

    def _finish(
        self,
        request: ChatRequest,
        agent: str,
        response: Any,
        started: float,
        fallback_from: str | None = None,
        *,
        store: bool = True,
    ) -> Completion:
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
            fallback_from=fallback_from,
        )
        completion = Completion(text=text, record=record)
        if store:
            self._store(request, completion)
        self.meter.add(record)
        return completion

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
        if is_config_problem(exc):
            return ConfigError(f"model {request.model!r} rejected the credentials: {type(exc).__name__}")
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        message = f"model call to {request.model!r} failed after {self.retries} attempt(s): {reason}"
        if is_transient(exc):
            if self.breakers is not None and self.breakers.is_open(request.model):
                message = f"model call to {request.model!r} failed and its circuit opened: {reason}"
            return ProviderUnavailableError(message)
        return ModelError(message)
