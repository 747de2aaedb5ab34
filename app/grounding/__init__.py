"""Grounding: does the source state this, and where? The one answer the pipeline and scorers share.

This is the package's public surface: other packages import from `app.grounding`, never from its
`_private` modules (enforced by import-linter, `.importlinter`). Besides the `Grounder` service it
exports the text tools the pipeline, the resume parser and the scorers share: normalisation, dates,
numbers, degrees, skills, the is-a taxonomy, qualifiers and verbs, glosses, injection checks and
requirement extraction.

`EvidenceMap` and `map_evidence` load on first use: the evidence map reads resumes (`app.resume`),
which itself reads dates and text through this package, so neither package may need the other
half-imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.grounding._dates import (
    DATE_RE,
    MONTHS,
    PRESENT,
    PRESENT_WORDS,
    RANGE_RE,
    PartialDate,
    expand_year_ranges,
    find_dates,
    parse_date,
    parse_range,
)
from app.grounding._degrees import Degree, degree_grounded, find_degrees
from app.grounding._glosses import contract_expansions, expansion_before, spell_like_source
from app.grounding._injection import is_injection, strip_injections
from app.grounding._match import mentions, same_phrase
from app.grounding._meaning import CALIBRATION_FILE as MEANING_CALIBRATION_FILE
from app.grounding._meaning import MeaningCalibration, closest_line
from app.grounding._normalize import (
    INVISIBLE_RE,
    STOPWORDS,
    contains_phrase,
    content_words,
    normalize_text,
    stem,
    strip_invisible,
    tokens,
)
from app.grounding._numbers import (
    SCALES,
    TENS,
    UNITS,
    Quantity,
    dropped_quantities,
    find_quantities,
    ungrounded_quantities,
    without_quantities,
)
from app.grounding._places import US_STATES, contract_place_names
from app.grounding._qualifiers import dropped_qualifiers, find_qualifiers
from app.grounding._requirements import MUST, NICE, Importance, Requirement, extract_requirements
from app.grounding._service import Grounder, Grounding, line_grounds, same_source_line
from app.grounding._skills import SkillLexicon, SkillMention
from app.grounding._taxonomy import GeneralMention, IsARelation, Taxonomy
from app.grounding._variants import acronym_in, same_name
from app.grounding._verbs import opens_specifically, uses_phrase, verb_downgrades

if TYPE_CHECKING:  # pragma: no cover
    from app.grounding._evidence import EvidenceMap, map_evidence

_LAZY = {"EvidenceMap": "app.grounding._evidence", "map_evidence": "app.grounding._evidence"}


def __getattr__(name: str) -> Any:
    """Load the evidence map on first use (see the module docstring for why it is not eager)."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DATE_RE",
    "INVISIBLE_RE",
    "MEANING_CALIBRATION_FILE",
    "MONTHS",
    "MUST",
    "NICE",
    "PRESENT",
    "PRESENT_WORDS",
    "RANGE_RE",
    "SCALES",
    "STOPWORDS",
    "TENS",
    "UNITS",
    "US_STATES",
    "Degree",
    "EvidenceMap",
    "GeneralMention",
    "Grounder",
    "Grounding",
    "Importance",
    "IsARelation",
    "MeaningCalibration",
    "PartialDate",
    "Quantity",
    "Requirement",
    "SkillLexicon",
    "SkillMention",
    "Taxonomy",
    "acronym_in",
    "closest_line",
    "contains_phrase",
    "content_words",
    "contract_expansions",
    "contract_place_names",
    "degree_grounded",
    "dropped_qualifiers",
    "dropped_quantities",
    "expand_year_ranges",
    "expansion_before",
    "extract_requirements",
    "find_dates",
    "find_degrees",
    "find_qualifiers",
    "find_quantities",
    "is_injection",
    "line_grounds",
    "map_evidence",
    "mentions",
    "normalize_text",
    "opens_specifically",
    "parse_date",
    "parse_range",
    "same_name",
    "same_phrase",
    "same_source_line",
    "spell_like_source",
    "stem",
    "strip_injections",
    "strip_invisible",
    "tokens",
    "ungrounded_quantities",
    "uses_phrase",
    "verb_downgrades",
    "without_quantities",
]
