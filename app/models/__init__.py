"""The model layer: litellm model strings, provider plugins (the local llama.cpp one among them), a
response cache, usage.

Importing this package is cheap; litellm and llama.cpp load on the first call that needs them.
"""

from app.models._cache import ResponseCache, cache_location, close_response_caches, shared_response_cache
from app.models._client import ModelClient
from app.models._faults import BREAKERS, CircuitBreakers, CircuitView
from app.models._local import gguf_path
from app.models._plugin import ALL_PARAMS, Price, ProviderCall, ProviderInfo, ProviderPlugin, ProviderReply
from app.models._providers import (
    PROVIDERS,
    ProviderRegistry,
    ensure_installed,
    provider_info,
    register_plugin,
    register_provider,
    unregister_provider,
    validate_model,
)
from app.models._types import CallRecord, ChatParams, ChatRequest, Completion
from app.models._usage import UsageMeter, UsageSummary, UsageTotals

DEFAULT_MODEL = "local/smollm2"

__all__ = [
    "ALL_PARAMS",
    "BREAKERS",
    "DEFAULT_MODEL",
    "PROVIDERS",
    "CallRecord",
    "ChatParams",
    "ChatRequest",
    "CircuitBreakers",
    "CircuitView",
    "Completion",
    "ModelClient",
    "Price",
    "ProviderCall",
    "ProviderInfo",
    "ProviderPlugin",
    "ProviderRegistry",
    "ProviderReply",
    "ResponseCache",
    "UsageMeter",
    "UsageSummary",
    "UsageTotals",
    "cache_location",
    "close_response_caches",
    "ensure_installed",
    "gguf_path",
    "provider_info",
    "register_plugin",
    "register_provider",
    "shared_response_cache",
    "unregister_provider",
    "validate_model",
]
