"""Prices for litellm: the plugin's declared price (0 if none) for a model litellm's own map lacks."""

from __future__ import annotations

import logging
from typing import Any

from app.models._plugin import Price
from app.models._providers import PROVIDERS, provider_info

log = logging.getLogger("tailor.models")


def ensure_priced(litellm: Any, model: str) -> None:
    """Register, once per model, the plugin's declared price (0 if none) for a model litellm's map lacks.

    litellm prices every response while logging it; for a model its map does not know it searches every
    name variant on every call and fails (about a third of the runner's per-call CPU in
    bench/eval_throughput.py). Registered, the price is one dict look-up, and the same for both.
    """
    if model in PROVIDERS.priced:
        return
    PROVIDERS.priced.add(model)
    info = provider_info(model)
    if info is None:
        try:
            litellm.get_model_info(model)
            return  # litellm's price map knows it
        except Exception:
            PROVIDERS.unpriced.add(model)
            log.warning("no price known for %s; its cost is recorded as 0", model)
    price = info.price_of(model.split("/", 1)[1]) if info is not None else Price()
    entry = {
        "input_cost_per_token": price.input_per_1k / 1000,
        "output_cost_per_token": price.output_per_1k / 1000,
        "litellm_provider": model.split("/", 1)[0],
        "mode": "chat",
    }
    litellm_log = logging.getLogger("LiteLLM")
    level = litellm_log.level
    litellm_log.setLevel(logging.ERROR)  # its "not in built-in cost map" warning repeats ours
    try:
        litellm.register_model({model: entry})
    finally:
        litellm_log.setLevel(level)
