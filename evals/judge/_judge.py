"""The LLM judge: registry rubric prompts scored 1-5, normalised to [0, 1] as `judge_<rubric>`.

Each rubric is a prompt version (`judge_<rubric>@vN`) whose answer is strict JSON
`{"score": 1-5, "reason": "..."}`, grammar-constrained on the local model and validated here.

Sampling. n == 1 runs at the prompt's temperature (0). n > 1 draws n samples with seeds
`seed + i` at `temperature` (default 0.7). At temperature 0 the local model decodes greedily and is
deterministic whatever the seed, so n > 1 at temperature 0 repeats one answer (spread 0); hosted
providers may or may not honour the seed at all.

Retries. Output that does not parse (or does not validate) is asked again with another seed, and at
least `retry_temperature`, because a new seed alone changes nothing for a greedy decoder. A rubric
with no parsable sample is `Score.missing`, never zero; partial failures are counted in details.

Privacy. Every text is pseudonymised (a ContactVault built from the source resume, the output and
the texts themselves) before it is clipped to `max_chars` and rendered; a rendered message that still
carries a contact value is refused, not sent.
"""

from __future__ import annotations

import asyncio
import dataclasses
import statistics
from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from app.errors import TailorError
from app.hashing import sha256_json
from app.models import ChatParams, ChatRequest, ModelClient
from app.registry import PromptVersion, Registry
from app.resume import ContactVault
from evals.judge._texts import sample_parts, sample_vault
from evals.scorers import Sample, Score

RUBRICS = ("relevance", "faithfulness", "actionability", "readability")
LOCAL_MAX_CHARS = 1200  # per text part: four parts and the rubric fit SmolLM2's 2048-token context
HOSTED_MAX_CHARS = 6000
SAMPLED_TEMPERATURE = 0.7
REASON_MAX = 200
_PARAM_NAMES = set(ChatParams.model_fields)
V = TypeVar("V", bound=BaseModel)


class JudgePrivacyError(TailorError):
    """A contact detail was about to reach the judge: a bug, never sent."""


def _default_model() -> str:
    from app.settings import get_settings

    return get_settings().judge_model


class JudgeConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str = Field(default_factory=_default_model, description="litellm model string")
    rubrics: dict[str, str] = Field(default_factory=lambda: {r: f"judge_{r}@v1" for r in RUBRICS})
    pairwise: str = "judge_pairwise@v1"
    n: int = Field(default=1, ge=1, le=20, description="samples per rubric")
    temperature: float | None = Field(
        default=None, ge=0, le=2, description="None: the prompt's for n == 1, 0.7 above"
    )
    retry_temperature: float = Field(
        default=0.3, ge=0, le=2, description="floor for retries of unparsable output"
    )
    seed: int = 7
    max_chars: int | None = Field(
        default=None, ge=200, description="per text part; None: 1200 local/, 6000 hosted"
    )
    max_tokens: int | None = Field(default=None, ge=16, description="None: the prompt's")
    retries: int = Field(default=2, ge=0, le=10, description="extra attempts on unparsable output")

    @property
    def effective_max_chars(self) -> int:
        if self.max_chars is not None:
            return self.max_chars
        return LOCAL_MAX_CHARS if self.model.startswith("local/") else HOSTED_MAX_CHARS

    def sampling_temperature(self, prompt: PromptVersion) -> float:
        if self.temperature is not None:
            return self.temperature
        return float(prompt.params.get("temperature", 0.0)) if self.n == 1 else SAMPLED_TEMPERATURE


def judge_version(config: JudgeConfig, registry: Registry) -> str:
    """sha256 over the model, each rubric's prompt content hash, n and the sampling parameters."""
    rubrics = {
        r: {"ref": ref, "hash": registry.prompt(ref).content_hash}
        for r, ref in sorted(config.rubrics.items())
    }
    params = config.model_dump(mode="json", exclude={"model", "rubrics", "pairwise", "n"})
    params["max_chars"] = config.effective_max_chars
    if params["temperature"] is None:
        params["temperature"] = "prompt" if config.n == 1 else SAMPLED_TEMPERATURE
    return sha256_json({"model": config.model, "rubrics": rubrics, "n": config.n, "params": params})


# -- verdicts -----------------------------------------------------------------------------------
class RubricVerdict(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")

    score: Annotated[int, Field(ge=1, le=5)]
    reason: str

    @field_validator("reason")
    @classmethod
    def _clip_reason(cls, value: str) -> str:
        return " ".join(value.split())[:REASON_MAX]


def parse_verdict(text: str, model: type[V]) -> V | None:
    """Strict JSON validated by `model`; a ```json fence is tolerated, nothing else is."""
    text = text.strip()
    if text.startswith("```"):
        text = text.strip("`").strip()
        text = text[4:] if text.lower().startswith("json") else text
    try:
        return model.model_validate_json(text)
    except ValidationError:
        return None


# -- asking -------------------------------------------------------------------------------------
async def ask_verdict(
    prompt: PromptVersion,
    variables: Mapping[str, str],
    model: type[V],
    *,
    config: JudgeConfig,
    client: ModelClient,
    vault: ContactVault,
    seed: int,
    seed_stride: int = 1,
) -> tuple[V | None, int]:
    """One judged sample: (verdict or None when every attempt was unparsable, attempts made)."""
    messages = prompt.render(**variables)
    if any(vault.leaks(m["content"]) for m in messages):
        raise JudgePrivacyError(f"refused to send a contact detail to the judge ({prompt.ref})")
    base: dict[str, Any] = {
        k: (tuple(v) if k == "stop" else v) for k, v in prompt.params.items() if k in _PARAM_NAMES
    }
    if config.max_tokens is not None:
        base["max_tokens"] = config.max_tokens
    temperature = config.sampling_temperature(prompt)
    for attempt in range(config.retries + 1):
        params = ChatParams.model_validate(
            {
                **base,
                "temperature": temperature if attempt == 0 else max(temperature, config.retry_temperature),
                "seed": seed + attempt * seed_stride,  # strided so no retry reuses another sample's seed
            }
        )
        request = ChatRequest(
            model=config.model, messages=tuple(messages), params=params, json_schema=prompt.output_schema
        )
        completion = await client.acomplete(request, agent="judge")
        verdict = parse_verdict(completion.text, model)
        if verdict is not None:
            return verdict, attempt + 1
    return None, config.retries + 1


def _aggregate(
    name: str, ref: str, results: list[tuple[RubricVerdict | None, int]], config: JudgeConfig
) -> Score:
    verdicts = [v for v, _ in results if v is not None]
    attempts = sum(a for _, a in results)
    details: dict[str, Any] = {"prompt": ref, "model": config.model, "n": config.n, "attempts": attempts}
    failed = len(results) - len(verdicts)
    if not verdicts:
        missing = Score.missing(name, f"judge output unparsable after {attempts} attempts")
        return dataclasses.replace(missing, details={**details, "failed": failed})
    scores = [v.score for v in verdicts]
    mean = statistics.fmean(scores)
    spread = statistics.pstdev(scores) if len(scores) > 1 else 0.0
    details.update(
        scores=scores,
        mean=round(mean, 4),
        stdev=round(spread, 4),
        parsed=len(verdicts),
        failed=failed,
        reasons=[v.reason for v in verdicts][:3],
    )
    note = f", {failed} of {len(results)} unparsable" if failed else ""
    first = f": {verdicts[0].reason}" if verdicts[0].reason else ""
    return Score(
        name=name,
        value=(mean - 1) / 4,
        passed=mean >= 3,
        explanation=f"{name.removeprefix('judge_')} {mean:.2f}/5 over {len(scores)} sample(s){note}{first}",
        details=details,
    )


async def _judge_rubric(
    rubric: str,
    ref: str,
    parts: Mapping[str, str],
    vault: ContactVault,
    config: JudgeConfig,
    client: ModelClient,
    registry: Registry,
) -> Score:
    name = f"judge_{rubric}"
    try:
        prompt = registry.prompt(ref)
        results = await asyncio.gather(
            *(
                ask_verdict(
                    prompt,
                    parts,
                    RubricVerdict,
                    config=config,
                    client=client,
                    vault=vault,
                    seed=config.seed + i,
                    seed_stride=config.n,
                )
                for i in range(config.n)
            )
        )
    except TailorError as exc:
        return Score.missing(name, f"judge call failed: {exc}")
    return _aggregate(name, ref, list(results), config)


async def judge_sample(
    sample: Sample, config: JudgeConfig, client: ModelClient, registry: Registry
) -> list[Score]:
    """One Score per rubric, `judge_<rubric>`: value (mean - 1) / 4, passed when mean >= 3."""
    try:
        vault = sample_vault(sample)
        parts = sample_parts(sample, vault, config.effective_max_chars)
    except TailorError as exc:
        return [Score.missing(f"judge_{r}", f"judge input unusable: {exc}") for r in config.rubrics]
    return list(
        await asyncio.gather(
            *(
                _judge_rubric(r, ref, parts, vault, config, client, registry)
                for r, ref in config.rubrics.items()
            )
        )
    )


async def judge(
    sample: Sample,
    *,
    client: ModelClient,
    config: JudgeConfig | Mapping[str, Any] | None = None,
    registry: Registry | None = None,
    **_: Any,
) -> list[Score]:
    """LLM judge: relevance, faithfulness, actionability and readability (1-5 rubrics, scaled to [0, 1])."""
    if registry is None:
        from app.registry import open_registry

        registry = open_registry()
    if not isinstance(config, JudgeConfig):
        config = JudgeConfig.model_validate(dict(config or {}))
    return await judge_sample(sample, config, client, registry)
