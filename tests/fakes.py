"""A scripted fake LLM for unit tests, registered as a litellm provider (`fake/...`).

Tests see exactly what the pipeline sends (`calls`) and decide what it answers (`responder`).
It goes through litellm like every real model, so tests exercise the real call path.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

Responder = Callable[[list[dict[str, str]], dict[str, Any]], str]


def echo_last_user(messages: list[dict[str, str]], params: dict[str, Any]) -> str:
    if params.get("response_format"):
        return '{"skills": [], "adds_fact": false}'
    return messages[-1]["content"]


class ScriptedLLM:
    """Build with a responder; `handler()` gives the litellm CustomLLM to register."""

    def __init__(
        self, responder: Responder = echo_last_user, *, fail_with: type[Exception] | None = None
    ) -> None:
        self.responder = responder
        self.fail_with = fail_with
        self.calls: list[list[dict[str, str]]] = []
        self.params: list[dict[str, Any]] = []

    def all_text_sent(self) -> str:
        return "\n".join(m["content"] for call in self.calls for m in call)

    def handler(self) -> Any:
        from litellm import CustomLLM
        from litellm.types.utils import Choices, Message, ModelResponse, Usage

        outer = self

        class _Fake(CustomLLM):  # type: ignore[misc]
            def completion(self, *args: Any, **kwargs: Any) -> ModelResponse:
                messages = [dict(m) for m in kwargs["messages"]]
                params = dict(kwargs.get("optional_params") or {})
                outer.calls.append(messages)
                outer.params.append(params)
                if outer.fail_with is not None:
                    raise outer.fail_with("scripted failure")
                text = outer.responder(messages, params)
                response: ModelResponse = kwargs.get("model_response") or ModelResponse()
                response.choices = [
                    Choices(index=0, finish_reason="stop", message=Message(role="assistant", content=text))
                ]
                prompt_tokens = sum(len(m["content"].split()) for m in messages)
                response.usage = Usage(  # type: ignore[attr-defined]
                    prompt_tokens=prompt_tokens,
                    completion_tokens=len(text.split()),
                    total_tokens=prompt_tokens + len(text.split()),
                )
                return response

            async def acompletion(self, *args: Any, **kwargs: Any) -> ModelResponse:
                return await asyncio.to_thread(self.completion, *args, **kwargs)

        return _Fake()
