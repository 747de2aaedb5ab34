"""Providers as plugins. litellm knows the hosted ones; Tailor adds in-process ones by prefix.

Built in: `local/` (llama.cpp on GGUF). A package can add more through the entry-point group
`tailor.providers` (name = prefix, value = a factory returning a litellm `CustomLLM`), and tests
register their scripted fake with `register_provider`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any

from app.errors import ConfigError, NotFoundError
from app.heavy import load

_factories: dict[str, Callable[[], Any]] = {}
_installed: dict[str, Any] = {}
_lock = threading.Lock()


def _builtin_local() -> Any:
    from app.models._local import make_litellm_handler

    return make_litellm_handler()


_factories["local"] = _builtin_local


def register_provider(prefix: str, handler: Any) -> None:
    """Route `prefix/<model>` to `handler` (a litellm CustomLLM instance)."""
    with _lock:
        _factories[prefix] = lambda: handler
        _installed.pop(prefix, None)
    _install()


def unregister_provider(prefix: str) -> None:
    with _lock:
        _factories.pop(prefix, None)
        _installed.pop(prefix, None)
    _install()


def custom_prefixes() -> set[str]:
    _load_entry_points()
    return set(_factories)


_entry_points_loaded = False


def _load_entry_points() -> None:
    """Plugins installed as packages; scanned once per process (a scan costs ~20 ms)."""
    global _entry_points_loaded
    if _entry_points_loaded:
        return
    for ep in entry_points(group="tailor.providers"):
        if ep.name not in _factories:
            _factories[ep.name] = ep.load()
    _entry_points_loaded = True


def _install() -> None:
    """Give litellm the current provider map (handlers are built once, on first use)."""
    litellm: Any = load("litellm")

    litellm.suppress_debug_info = True  # no "Give Feedback" banners in front of users
    _load_entry_points()
    with _lock:
        for prefix, factory in _factories.items():
            if prefix not in _installed:
                _installed[prefix] = factory()
        litellm.custom_provider_map = [{"provider": p, "custom_handler": h} for p, h in _installed.items()]
        from litellm.utils import custom_llm_setup

        custom_llm_setup()


def ensure_installed() -> None:
    with _lock:
        missing = set(_factories) - set(_installed)
    if missing or not _installed:
        _install()


def validate_model(model: str) -> None:
    """Fail fast, with one line, on a model string that cannot work here.

    Unknown provider prefix -> NotFoundError; a hosted model whose key is not set -> ConfigError;
    an unknown local model -> NotFoundError (checked without loading the weights).
    """
    prefix, _, name = model.partition("/")
    if not name:
        raise NotFoundError(f"unknown model {model!r}: use provider/model, e.g. local/smollm2")
    if prefix == "local":
        from app.models._local import gguf_path

        gguf_path(name)
        return
    if prefix in custom_prefixes():
        return
    litellm: Any = load("litellm")

    try:
        litellm.get_llm_provider(model)
    except Exception as exc:
        raise NotFoundError(f"unknown model {model!r}: litellm knows no provider {prefix!r}") from exc
    env = litellm.validate_environment(model)
    missing = env.get("missing_keys") or []
    if missing and prefix not in ("ollama", "ollama_chat", "hosted_vllm", "openai_like"):
        raise ConfigError(f"model {model!r} needs {', '.join(missing)} set in the environment")
