"""US states by name and by postal code: "Tennessee, Mississippi and Arkansas" for a source's
"TN, MS and AR" says nothing new. Used by `_glosses.contract_expansions`, in free text only."""

from __future__ import annotations

import re
from functools import lru_cache

US_STATES = {
    "Alabama": "AL", "Alaska": "AK", "Arizona": "AZ", "Arkansas": "AR", "California": "CA",
    "Colorado": "CO", "Connecticut": "CT", "Delaware": "DE", "Florida": "FL", "Georgia": "GA",
    "Hawaii": "HI", "Idaho": "ID", "Illinois": "IL", "Indiana": "IN", "Iowa": "IA", "Kansas": "KS",
    "Kentucky": "KY", "Louisiana": "LA", "Maine": "ME", "Maryland": "MD", "Massachusetts": "MA",
    "Michigan": "MI", "Minnesota": "MN", "Mississippi": "MS", "Missouri": "MO", "Montana": "MT",
    "Nebraska": "NE", "Nevada": "NV", "New Hampshire": "NH", "New Jersey": "NJ", "New Mexico": "NM",
    "New York": "NY", "North Carolina": "NC", "North Dakota": "ND", "Ohio": "OH", "Oklahoma": "OK",
    "Oregon": "OR", "Pennsylvania": "PA", "Rhode Island": "RI", "South Carolina": "SC",
    "South Dakota": "SD", "Tennessee": "TN", "Texas": "TX", "Utah": "UT", "Vermont": "VT",
    "Virginia": "VA", "Washington": "WA", "West Virginia": "WV", "Wisconsin": "WI", "Wyoming": "WY",
    "District of Columbia": "DC",
}  # fmt: skip
_STATE_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, US_STATES), key=len, reverse=True)) + r")\b")


@lru_cache(maxsize=64)
def _codes_in(source_text: str) -> frozenset[str]:
    """The state codes the source writes, in capitals as a word of their own ("Memphis, TN")."""
    return frozenset(c for c in US_STATES.values() if re.search(rf"(?<![\w/&-]){c}(?![\w/&-])", source_text))


def contract_place_names(text: str, source_text: str) -> str:
    """`text` with each state it names written as the source's code for it, where the source
    writes the code and never the name."""
    codes = _codes_in(source_text)
    if not codes:
        return text

    def code(m: re.Match[str]) -> str:
        name = m.group(1)
        if US_STATES[name] in codes and name not in source_text:
            return US_STATES[name]
        return name

    return _STATE_RE.sub(code, text)
