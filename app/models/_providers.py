"""Providers as plugins. litellm knows the hosted ones; Tailor adds its own by prefix.

A plugin is found through the entry-point group `tailor.providers` (name = prefix, value = a
factory returning a `ProviderPlugin`). The built-in `local/` provider (llama.cpp on GGUF) is loaded
the same way, from an entry point Tailor declares itself. Tests register their scripted fake with
`register_provider(prefix, handler)`, which takes a litellm `CustomLLM` as it is: such a handler
is sent every parameter, as before plugins declared theirs.

All of this process's provider state lives in one object, `PROVIDERS`.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from app.errors import ConfigError, NotFoundError
from app.heavy import load
from app.models._plugin import ProviderInfo, ProviderPlugin, litellm_handler

log = logging.getLogger("tailor.models")

GROUP = "tailor.providers"
BUILTIN = (EntryPoint(name="local", value="app.models._local:local_plugin", group=GROUP),)


@dataclass
class _Provider:
    info: ProviderInfo
    make_handler: Callable[[], Any]  # the litellm CustomLLM, built on first use


class ProviderRegistry:
    """Tailor's providers, their litellm handlers, and which models litellm has been given a price for."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._providers: dict[str, _Provider] = {}
        self._handlers: dict[str, Any] = {}
        self._broken: dict[str, str] = {}  # prefix -> why its plugin failed to load
        self._scanned = False
        self.priced: set[str] = set()  # models whose price litellm has been given (or knows)
        self.unpriced: set[str] = set()  # models with no known price (warned about once)

    # -- registration -------------------------------------------------------------------------
    def register_plugin(self, plugin: ProviderPlugin) -> None:
        self._put(plugin.prefix, _Provider(plugin.info(), lambda: litellm_handler(plugin)))

    def register_handler(self, prefix: str, handler: Any) -> None:
        """A ready litellm CustomLLM: declares nothing, so it is sent every parameter."""
        self._put(prefix, _Provider(ProviderInfo(prefix=prefix), lambda: handler))

    def unregister(self, prefix: str) -> None:
        with self._lock:
            self._providers.pop(prefix, None)
            self._handlers.pop(prefix, None)
            self._forget_prices(prefix)
        self.install()

    def _put(self, prefix: str, provider: _Provider) -> None:
        with self._lock:
            self._providers[prefix] = provider
            self._handlers.pop(prefix, None)
            self._broken.pop(prefix, None)
            self._forget_prices(prefix)
        self.install()

    def _forget_prices(self, prefix: str) -> None:
        for names in (self.priced, self.unpriced):
            names.difference_update({m for m in names if m.split("/", 1)[0] == prefix})

    # -- plugins from entry points -----------------------------------------------------------
    def scan(self, *, again: bool = False) -> None:
        """Load the built-in and installed plugins; once per process (a scan costs ~20 ms)."""
        with self._lock:
            if self._scanned and not again:
                return
            self._scanned = True
            for ep in (*BUILTIN, *entry_points(group=GROUP)):
                if ep.name in self._providers:
                    continue  # registered already (a built-in, or by hand)
                try:
                    self._providers[ep.name] = self._from_entry_point(ep)
                except Exception as exc:
                    reason = str(exc).splitlines()[0][:200] if str(exc) else ""
                    self._broken[ep.name] = f"{type(exc).__name__}: {reason}".rstrip(": ")
                    log.warning(
                        "provider plugin %r (%s) failed to load: %s", ep.name, ep.value, self._broken[ep.name]
                    )

    @staticmethod
    def _from_entry_point(ep: EntryPoint) -> _Provider:
        made = ep.load()()
        if isinstance(made, ProviderPlugin):
            if made.prefix != ep.name:
                raise ConfigError(f"entry point {ep.name!r} returns a plugin for prefix {made.prefix!r}")
            plugin = made
            return _Provider(plugin.info(), lambda: litellm_handler(plugin))
        return _Provider(ProviderInfo(prefix=ep.name), lambda: made)  # a litellm CustomLLM, as before plugins

    # -- look-ups -------------------------------------------------------------------------------
    def get(self, prefix: str) -> ProviderInfo | None:
        self.scan()
        with self._lock:
            provider = self._providers.get(prefix)
        return provider.info if provider is not None else None

    def prefixes(self) -> set[str]:
        self.scan()
        with self._lock:
            return set(self._providers)

    def broken(self, prefix: str) -> str | None:
        self.scan()
        return self._broken.get(prefix)

    # -- litellm ----------------------------------------------------------------------------------
    def install(self) -> None:
        """Give litellm the current provider map (handlers are built once, on first use)."""
        litellm: Any = load("litellm")
        litellm.suppress_debug_info = True  # no "Give Feedback" banners in front of users
        self.scan()
        with self._lock:
            for prefix, provider in self._providers.items():
                if prefix not in self._handlers:
                    self._handlers[prefix] = provider.make_handler()
            litellm.custom_provider_map = [
                {"provider": p, "custom_handler": h} for p, h in self._handlers.items()
            ]
            from litellm.utils import custom_llm_setup

            custom_llm_setup()

    def ensure_installed(self) -> None:
        self.scan()
        with self._lock:
            missing = set(self._providers) - set(self._handlers)
            empty = not self._handlers
        if missing or empty:
            self.install()


PROVIDERS = ProviderRegistry()


def register_provider(prefix: str, handler: Any) -> None:
    """Route `prefix/<model>` to `handler` (a litellm CustomLLM instance), sent every parameter."""
    PROVIDERS.register_handler(prefix, handler)


def register_plugin(plugin: ProviderPlugin) -> None:
    """Route `<plugin.prefix>/<model>` to a plugin, by hand rather than through an entry point."""
    PROVIDERS.register_plugin(plugin)


def unregister_provider(prefix: str) -> None:
    PROVIDERS.unregister(prefix)


def provider_info(model: str) -> ProviderInfo | None:
    """The declarations of the Tailor provider serving `model`; None for a model litellm serves itself."""
    return PROVIDERS.get(model.split("/", 1)[0])


def custom_prefixes() -> set[str]:
    return PROVIDERS.prefixes()


def ensure_installed() -> None:
    PROVIDERS.ensure_installed()


def validate_model(model: str) -> None:
    """Fail fast, with one line, on a model string that cannot work here.

    Unknown provider prefix or model name -> NotFoundError; a key the provider needs is not set ->
    ConfigError. Checked without loading any weights.
    """
    prefix, _, name = model.partition("/")
    if not name:
        raise NotFoundError(f"unknown model {model!r}: use provider/model, e.g. local/smollm2")
    info = PROVIDERS.get(prefix)
    if info is not None:
        _validate_plugin_model(info, model, name)
        return
    broken = PROVIDERS.broken(prefix)
    if broken is not None:
        raise ConfigError(f"provider plugin {prefix!r} failed to load: {broken}")
    litellm: Any = load("litellm")

    try:
        litellm.get_llm_provider(model)
    except Exception as exc:
        raise NotFoundError(f"unknown model {model!r}: litellm knows no provider {prefix!r}") from exc
    env = litellm.validate_environment(model)
    missing = env.get("missing_keys") or []
    if missing and prefix not in ("ollama", "ollama_chat", "hosted_vllm", "openai_like"):
        raise ConfigError(f"model {model!r} needs {', '.join(missing)} set in the environment")


def _validate_plugin_model(info: ProviderInfo, model: str, name: str) -> None:
    if info.models and name not in info.models:
        known = ", ".join(f"{info.prefix}/{m}" for m in info.models)
        raise NotFoundError(f"unknown model {model!r} (known: {known})")
    if info.check_model is not None:
        info.check_model(name)
    if info.api_key_env and not os.environ.get(info.api_key_env):
        raise ConfigError(f"model {model!r} needs {info.api_key_env} set in the environment")
