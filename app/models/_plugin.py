"""What a provider plugin declares, what its chat function receives and answers, and its litellm adapter.

A plugin is Tailor's own seam: it names its models (or takes any name under its prefix), its
price, the parameters it supports (the rest are dropped, never sent), the environment variable
holding its key if it needs one, and a chat function. Tailor wraps the chat function in a litellm
`CustomLLM`, so every call still goes through litellm (retries, usage, the cache around it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.models._types import ChatRequest

ParamName = Literal["temperature", "top_p", "max_tokens", "seed", "repeat_penalty", "stop", "json_schema"]
ALL_PARAMS: frozenset[str] = frozenset(ParamName.__args__)  # type: ignore[attr-defined]
"""Every parameter Tailor can send; `json_schema` is grammar-constrained JSON output."""


class Price(BaseModel):
    """US dollars per 1,000 tokens; 0 for a model that runs on this machine."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input_per_1k: float = Field(default=0.0, ge=0.0)
    output_per_1k: float = Field(default=0.0, ge=0.0)

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        return (input_tokens * self.input_per_1k + output_tokens * self.output_per_1k) / 1000


class ProviderInfo(BaseModel):
    """A provider's declarations, without its chat function."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    prefix: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    models: tuple[str, ...] = ()  # empty: any name under the prefix
    price: Price = Price()
    prices: dict[str, Price] = Field(default_factory=dict)  # per model, where it differs from `price`
    supported_params: frozenset[str] = ALL_PARAMS
    api_key_env: str | None = None  # the environment variable that must hold its key, if it needs one
    check_model: Callable[[str], None] | None = None  # raises a TailorError for a name it cannot run

    @field_validator("supported_params")
    @classmethod
    def _known_params(cls, value: frozenset[str]) -> frozenset[str]:
        unknown = sorted(value - ALL_PARAMS)
        if unknown:
            raise ValueError(f"unknown parameter(s) {unknown}; known: {sorted(ALL_PARAMS)}")
        return value

    def price_of(self, name: str) -> Price:
        return self.prices.get(name, self.price)

    def supports(self, param: str) -> bool:
        return param in self.supported_params


class ProviderCall(BaseModel):
    """One chat call as the plugin sees it: a parameter it does not support is always None (or empty)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str  # the name after the prefix
    messages: tuple[dict[str, str], ...]
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    seed: int | None = None
    repeat_penalty: float | None = None
    stop: tuple[str, ...] = ()
    json_output: bool = False  # answer with a JSON object (json_schema, when given, constrains it)
    json_schema: dict[str, Any] | None = None


class ProviderReply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    input_tokens: int = 0
    output_tokens: int = 0
    finish_reason: str = "stop"


ChatFunction = Callable[[ProviderCall], ProviderReply]


class ProviderPlugin(ProviderInfo):
    """A provider plugin: its declarations and the function that answers."""

    chat: ChatFunction

    def info(self) -> ProviderInfo:
        return ProviderInfo(**{k: getattr(self, k) for k in ProviderInfo.model_fields})


def provider_call(
    info: ProviderInfo, model: str, messages: list[dict[str, str]], params: dict[str, Any]
) -> ProviderCall:
    """The call a plugin receives from litellm's `optional_params`, keeping only what it supports."""
    fields: dict[str, Any] = {
        name: params[name]
        for name in ("temperature", "top_p", "max_tokens", "seed", "repeat_penalty")
        if info.supports(name) and params.get(name) is not None
    }
    if info.supports("stop") and params.get("stop"):
        stop = params["stop"]
        fields["stop"] = (stop,) if isinstance(stop, str) else tuple(stop)
    fmt = params.get("response_format")
    if isinstance(fmt, dict) and fmt.get("type") in ("json_object", "json_schema"):
        fields["json_output"] = True
        if info.supports("json_schema"):
            fields["json_schema"] = fmt.get("schema") or (fmt.get("json_schema") or {}).get("schema")
    return ProviderCall(model=model, messages=tuple(messages), **fields)


def litellm_handler(plugin: ProviderPlugin) -> Any:
    """A litellm `CustomLLM` that answers through `plugin.chat` (imports litellm: call lazily)."""
    from litellm import CustomLLM
    from litellm.types.utils import Choices, Message, ModelResponse, Usage

    info = plugin.info()

    class PluginHandler(CustomLLM):
        def completion(self, *args: Any, **kwargs: Any) -> ModelResponse:
            call = provider_call(
                info,
                kwargs["model"],
                [dict(m) for m in kwargs["messages"]],
                dict(kwargs.get("optional_params") or {}),
            )
            reply = plugin.chat(call)
            response: ModelResponse = kwargs.get("model_response") or ModelResponse()
            response.choices = [
                Choices(
                    index=0,
                    finish_reason=reply.finish_reason,
                    message=Message(role="assistant", content=reply.text),
                )
            ]
            response.model = f"{info.prefix}/{call.model}"
            counts = Usage(
                prompt_tokens=reply.input_tokens,
                completion_tokens=reply.output_tokens,
                total_tokens=reply.input_tokens + reply.output_tokens,
            )
            setattr(response, "usage", counts)  # noqa: B010  (not a declared field of ModelResponse)
            return response

        async def acompletion(self, *args: Any, **kwargs: Any) -> ModelResponse:
            return await asyncio.to_thread(self.completion, *args, **kwargs)

    return PluginHandler()


def plugin_kwargs(info: ProviderInfo, request: ChatRequest, kwargs: dict[str, Any]) -> dict[str, Any]:
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
