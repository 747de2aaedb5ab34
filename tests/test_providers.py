"""Provider plugins: the entry-point path, declared prices and parameters, the local plugin's shape.

The plugin package in tests/fixtures/provider_plugin is "installed" the way pip leaves it for
importlib.metadata: a dist-info folder on sys.path whose entry_points.txt is written from the
package's own pyproject.toml, so the entry point tested is the one the package declares.
"""

from __future__ import annotations

import importlib
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pydantic import ValidationError

from app.errors import ConfigError, NotFoundError
from app.models import (
    ALL_PARAMS,
    PROVIDERS,
    ChatParams,
    ChatRequest,
    ModelClient,
    Price,
    ProviderPlugin,
    ProviderReply,
    provider_info,
    unregister_provider,
    validate_model,
)

PLUGIN_PROJECT = Path(__file__).parent / "fixtures" / "provider_plugin"


def _install_dist_info(site: Path, name: str, entry_points: dict[str, str]) -> None:
    dist = site / f"{name.replace('-', '_')}-0.1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1.0\n", encoding="utf-8")
    lines = "".join(f"{key} = {value}\n" for key, value in entry_points.items())
    (dist / "entry_points.txt").write_text(f"[tailor.providers]\n{lines}", encoding="utf-8")


@pytest.fixture
def myplug(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    project = tomllib.loads((PLUGIN_PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = project["project"]["entry-points"]["tailor.providers"]
    assert "myplug" not in PROVIDERS.prefixes()
    _install_dist_info(tmp_path / "site", "tailor-myplug", declared)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.syspath_prepend(str(PLUGIN_PROJECT))
    monkeypatch.setenv("MYPLUG_API_KEY", "key")
    PROVIDERS.scan(again=True)
    module = importlib.import_module("tailor_myplug")
    module.CALLS.clear()
    try:
        yield module
    finally:
        unregister_provider("myplug")
        sys.modules.pop("tailor_myplug", None)


def _request(model: str, json_schema: dict[str, Any] | None = None, **params: Any) -> ChatRequest:
    return ChatRequest(
        model=model,
        messages=({"role": "user", "content": "one two three"},),
        params=ChatParams(**params),
        json_schema=json_schema,
    )


def test_an_installed_plugin_is_found_through_its_entry_point(
    myplug: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "myplug" in PROVIDERS.prefixes()
    validate_model("myplug/echo")
    with pytest.raises(NotFoundError, match="known: myplug/echo"):
        validate_model("myplug/other")
    monkeypatch.delenv("MYPLUG_API_KEY")
    with pytest.raises(ConfigError, match="MYPLUG_API_KEY"):
        validate_model("myplug/echo")


def test_the_plugins_declared_price_is_the_cost(myplug: ModuleType) -> None:
    client = ModelClient(retries=1)
    completion = client.complete(_request("myplug/echo"), agent="writer")
    record = completion.record
    assert completion.text == "one two three"
    assert (record.input_tokens, record.output_tokens) == (3, 3)
    assert record.cost_usd == pytest.approx((3 * 0.5 + 3 * 1.5) / 1000)
    assert client.meter.summary()["cost_usd"] == pytest.approx(0.006)


def test_parameters_the_plugin_does_not_support_are_not_sent(
    myplug: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    import litellm

    sent: list[dict[str, Any]] = []
    real_completion = litellm.completion

    def spy(**kwargs: Any) -> Any:
        sent.append(kwargs)
        return real_completion(**kwargs)

    monkeypatch.setattr(litellm, "completion", spy)
    request = _request("myplug/echo", {"type": "object"}, max_tokens=33, seed=11, repeat_penalty=1.3)
    text = ModelClient(retries=1).complete(request, agent="a").text
    assert text == '{"echo": true}'
    assert {"repeat_penalty", "seed", "top_p"}.isdisjoint(sent[-1])
    assert sent[-1]["max_tokens"] == 33 and sent[-1]["response_format"] == {"type": "json_object"}
    call = myplug.CALLS[-1]
    assert (call.max_tokens, call.seed, call.repeat_penalty, call.top_p) == (33, None, None, None)
    assert call.json_output and call.json_schema is None


def test_the_local_provider_is_a_plugin_sent_what_llama_cpp_takes() -> None:
    info = provider_info("local/smollm2")
    assert info is not None and info.price == Price() and info.supported_params == ALL_PARAMS
    kwargs = ModelClient()._kwargs(_request("local/smollm2", {"type": "object"}, repeat_penalty=1.2))
    assert kwargs["repeat_penalty"] == 1.2 and "drop_params" not in kwargs
    assert kwargs["response_format"] == {"type": "json_object", "schema": {"type": "object"}}
    with pytest.raises(NotFoundError):
        validate_model("local/gpt-99")


def test_hosted_models_keep_litellms_shape() -> None:
    assert provider_info("openai/gpt-4o-mini") is None
    kwargs = ModelClient()._kwargs(_request("openai/gpt-4o-mini", {"type": "object"}))
    assert kwargs["drop_params"] is True and "repeat_penalty" not in kwargs
    assert kwargs["response_format"]["type"] == "json_schema"


def test_a_plugin_that_fails_to_load_is_named_with_its_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install_dist_info(tmp_path / "site", "tailor-broken", {"brokenplug": "tailor_no_such_module:plugin"})
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    PROVIDERS.scan(again=True)
    with pytest.raises(ConfigError, match="'brokenplug' failed to load: ModuleNotFoundError"):
        validate_model("brokenplug/x")


def test_a_plugin_declaring_an_unknown_parameter_is_refused() -> None:
    with pytest.raises(ValidationError, match="temprature"):
        ProviderPlugin(
            prefix="typo",
            supported_params=frozenset({"temprature"}),
            chat=lambda call: ProviderReply(text=""),
        )


class _RecordingLlama:
    """Stands in for llama_cpp.Llama: records what llama.cpp would be asked."""

    def __init__(self) -> None:
        self.kwargs: list[dict[str, Any]] = []

    def reset(self) -> None:
        pass

    def create_chat_completion(self, messages: list[dict[str, str]], **kwargs: Any) -> dict[str, Any]:
        self.kwargs.append(kwargs)
        return {
            "choices": [{"message": {"content": "{}"}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 1, "total_tokens": 6},
        }


def test_llama_cpp_is_asked_exactly_what_it_was_before_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.models._local import LocalLlama

    llama = _RecordingLlama()
    monkeypatch.setattr(LocalLlama, "_load", lambda self: llama)
    request = _request("local/smollm2", {"type": "object"}, stop=("\n",))
    record = ModelClient(retries=1).complete(request, agent="writer").record
    assert llama.kwargs == [
        {
            "temperature": 0.0,
            "top_p": 1.0,
            "max_tokens": 256,
            "repeat_penalty": 1.15,
            "seed": 7,
            "stop": ["\n"],
            "response_format": {"type": "json_object", "schema": {"type": "object"}},
        }
    ]
    assert (record.input_tokens, record.output_tokens, record.cost_usd) == (5, 1, 0.0)
