"""The model layer: litellm model strings, the local llama.cpp provider, a response cache, usage.

Importing this package is cheap; litellm and llama.cpp load on the first call that needs them.
"""

from app.models._cache import ResponseCache
from app.models._client import ModelClient
from app.models._providers import register_provider, unregister_provider, validate_model
from app.models._types import CallRecord, ChatParams, ChatRequest, Completion
from app.models._usage import UsageMeter

DEFAULT_MODEL = "local/smollm2"

__all__ = [
    "DEFAULT_MODEL",
    "CallRecord",
    "ChatParams",
    "ChatRequest",
    "Completion",
    "ModelClient",
    "ResponseCache",
    "UsageMeter",
    "register_provider",
    "unregister_provider",
    "validate_model",
]
