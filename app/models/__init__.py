"""The model layer: litellm model strings, provider plugins (the local llama.cpp one among them), a
response cache, usage.

Importing this package is cheap; litellm and llama.cpp load on the first call that needs them.
"""

from app.models._cache import ResponseCache, close_response_caches, shared_response_cache
from app.models._client import ModelClient
from app.models._plugin import ALL_PARAMS, Price, ProviderCall, ProviderInfo, ProviderPlugin, ProviderReply
from app.models._providers import (
    PROVIDERS,
    ProviderRegistry,
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
    "DEFAULT_MODEL",
    "PROVIDERS",
    "CallRecord",
    "ChatParams",
    "ChatRequest",
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
    "close_response_caches",
    "provider_info",
    "register_plugin",
    "register_provider",
    "shared_response_cache",
    "unregister_provider",
    "validate_model",
]
