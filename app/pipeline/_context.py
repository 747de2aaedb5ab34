"""What every agent step shares in one run: the pipeline version, its agents' typed options, the model
client, the contact vault.

`ask` is the only way an agent reaches a model: it renders the agent's registry prompt, refuses to
send anything that still carries a contact detail, and goes through the model client (cache,
retries, usage accounting).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from app.errors import TailorError
from app.models import ChatParams, ChatRequest, ModelClient
from app.pipeline._options import PipelineOptions, pipeline_options
from app.registry import Pipeline, PromptVersion
from app.resume import ContactVault

_PARAM_NAMES = set(ChatParams.model_fields)


class Tracer(Protocol):
    def span(self, name: str, attributes: dict[str, Any]) -> AbstractContextManager[Any]: ...


class NoTracer:
    def span(self, name: str, attributes: dict[str, Any]) -> AbstractContextManager[Any]:
        return nullcontext()


class PrivacyError(TailorError):
    """A contact detail was about to reach a model: a bug, never sent."""


@dataclass
class RunContext:
    pipeline: Pipeline
    prompts_root: Path
    client: ModelClient
    vault: ContactVault
    jd_text: str  # pseudonymised
    tracer: Tracer = field(default_factory=NoTracer)
    options: PipelineOptions = field(init=False)  # validated from the manifest's options as written
    _prompts: dict[str, PromptVersion] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.options = pipeline_options(self.pipeline)

    def uses_llm(self, agent: str) -> bool:
        spec = self.pipeline.agents.get(agent)
        return spec is not None and spec.prompt_ref is not None

    def prompt(self, agent: str) -> PromptVersion:
        if agent not in self._prompts:
            self._prompts[agent] = self.pipeline.prompt(self.prompts_root, agent)
        return self._prompts[agent]

    @contextmanager
    def step(self, name: str, **attributes: Any) -> Iterator[None]:
        with self.tracer.span(name, attributes):
            yield

    async def ask(self, agent: str, **variables: Any) -> str:
        """Render the agent's prompt with `variables`, call its model, return the text."""
        spec = self.pipeline.agents[agent]
        prompt = self.prompt(agent)
        messages = prompt.render(**variables)
        for message in messages:
            if self.vault.leaks(message["content"]):
                raise PrivacyError(f"refused to send a contact detail to the model (agent {agent})")
        params = ChatParams.model_validate({k: v for k, v in spec.params.items() if k in _PARAM_NAMES})
        request = ChatRequest(
            model=spec.model, messages=tuple(messages), params=params, json_schema=prompt.output_schema
        )
        completion = await self.client.acomplete(request, agent=agent)
        return completion.text

    async def ask_json(self, agent: str, **variables: Any) -> dict[str, Any] | None:
        """`ask` for a prompt with an output schema; None when the model's JSON is unusable."""
        text = await self.ask(agent, **variables)
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            return None
        return value if isinstance(value, dict) else None
