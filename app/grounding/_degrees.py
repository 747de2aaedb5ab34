"""Degrees compared by meaning: "BSc", "B.S." and "Bachelor of Science" are one degree.

A degree reads as (level, field): ("bachelor", "science"). A level alone ("Bachelor's degree")
is grounded by any degree of that level; otherwise level and field must agree, so "MSc" never
grounds "PhD" and "BA" never grounds "BSc".
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Degree(NamedTuple):
    level: str
    field: str | None  # None: the level only


# Abbreviations, written without dots or spaces, lower case.
_ABBREVIATIONS: dict[str, Degree] = {
    "bs": Degree("bachelor", "science"),
    "bsc": Degree("bachelor", "science"),
    "ba": Degree("bachelor", "arts"),
    "ab": Degree("bachelor", "arts"),
    "beng": Degree("bachelor", "engineering"),
    "btech": Degree("bachelor", "technology"),
    "bba": Degree("bachelor", "business administration"),
    "bfa": Degree("bachelor", "fine arts"),
    "bsn": Degree("bachelor", "science in nursing"),
    "bcom": Degree("bachelor", "commerce"),
    "llb": Degree("bachelor", "laws"),
    "ms": Degree("master", "science"),
    "msc": Degree("master", "science"),
    "ma": Degree("master", "arts"),
    "meng": Degree("master", "engineering"),
    "mtech": Degree("master", "technology"),
    "mba": Degree("master", "business administration"),
    "mfa": Degree("master", "fine arts"),
    "mph": Degree("master", "public health"),
    "med": Degree("master", "education"),
    "msw": Degree("master", "social work"),
    "mpa": Degree("master", "public administration"),
    "msn": Degree("master", "science in nursing"),
    "llm": Degree("master", "laws"),
    "phd": Degree("doctorate", "philosophy"),
    "dphil": Degree("doctorate", "philosophy"),
    "edd": Degree("doctorate", "education"),
    "dpt": Degree("doctorate", "physical therapy"),
    "bed": Degree("bachelor", "education"),
    "md": Degree("doctorate", "medicine"),
    "jd": Degree("doctorate", "law"),
    "aa": Degree("associate", "arts"),
    "aas": Degree("associate", "applied science"),
}
_LEVEL_WORDS = {
    "bachelor": "bachelor",
    "master": "master",
    "doctor": "doctorate",
    "doctorate": "doctorate",
    "associate": "associate",
}
_SPELLED_RE = re.compile(
    r"\b(bachelor|master|doctorate|doctor|associate)('?s)?\b(\s+degree)?"
    r"(?:\s+of\s+((?:applied\s+|fine\s+|public\s+|business\s+|social\s+|physical\s+)?[a-z]+(?:\s+in\s+[a-z]+)?))?",
    re.IGNORECASE,
)
_FIELD_ALIASES = {"juris": "law", "law": "law", "laws": "laws"}
_ABBREVIATION_RE = re.compile(
    r"(?<![\w.])(?:"
    + "|".join(r"\.?".join(a) for a in sorted(_ABBREVIATIONS, key=len, reverse=True))
    + r")\.?(?![\w])",
    re.IGNORECASE,
)
# Two-letter forms that are also words, units, states or products: degrees only when written in
# capitals or with dots, and never before a product name or after "City, ".
_AMBIGUOUS = {"ba", "ma", "ms", "md", "aa", "ab", "jd", "bs"}
# Words first: degrees only as "M.Ed."/"MEd" ("med-surg", "12-BED UNIT" are not).
_WRITTEN_AS = {"med": ("M.Ed.", "M.Ed", "MEd"), "bed": ("B.Ed.", "B.Ed", "BEd")}
_NOT_A_DEGREE_AFTER = re.compile(
    r"\s*(?:office|excel|word|access|project|teams|sql|dynamics|azure|visio|powerpoint|outlook|edwards|dos)\b",
    re.IGNORECASE,
)


def _field(words: str | None) -> str | None:
    if not words:
        return None
    words = " ".join(words.lower().split())
    for known in (
        "science in nursing",
        "business administration",
        "social work",
        "public administration",
        "physical therapy",
        "fine arts",
        "applied science",
        "public health",
    ):
        if words.startswith(known):
            return known
    first = words.split()[0]
    return _FIELD_ALIASES.get(first, first)


class DegreeMention(NamedTuple):
    raw: str
    degree: Degree
    start: int
    end: int


def find_degrees(text: str) -> list[DegreeMention]:
    """Every degree named in `text`, with the words that name it and where."""
    found = [
        DegreeMention(m.group(0), Degree("doctorate", "law"), m.start(), m.end())
        for m in re.finditer(r"\bjuris\s+doctor\b", text, re.IGNORECASE)
    ]
    for m in _SPELLED_RE.finditer(text):
        word, possessive, degree_word, field = m.group(1).lower(), m.group(2), m.group(3), m.group(4)
        if not (
            field or degree_word or word in ("bachelor", "doctorate") or (possessive or "").startswith("'")
        ):
            continue  # "Associate Director", "doctors and nurses", "master data" are not degrees
        degree = Degree(_LEVEL_WORDS[word], _field(field))
        found.append(
            DegreeMention(m.group(0).strip(), degree, m.start(), m.start() + len(m.group(0).strip()))
        )
    for m in _ABBREVIATION_RE.finditer(text):
        raw = m.group(0)
        key = raw.replace(".", "").lower()
        if key in _WRITTEN_AS and raw not in _WRITTEN_AS[key]:
            continue
        if (
            key in _AMBIGUOUS
            and raw.islower()
            and re.search(r"\d ?$", text[max(0, m.start() - 2) : m.start()])
        ):
            continue  # "180 ms.": a unit after its number
        if key in _AMBIGUOUS and "." not in raw:
            if not raw.isupper() or _NOT_A_DEGREE_AFTER.match(text, m.end()):
                continue
            if re.search(r",\s*$", text[max(0, m.start() - 3) : m.start()]):
                continue  # "Boston, MA": a state
        found.append(DegreeMention(raw, _ABBREVIATIONS[key], m.start(), m.end()))
    return found


def same_degree(a: Degree, b: Degree) -> bool:
    """Same level, and the same field where both name one ("science" covers "science in nursing")."""
    if a.level != b.level or a.field is None or b.field is None:
        return a.level == b.level
    return a.field == b.field or a.field.startswith(b.field + " in ") or b.field.startswith(a.field + " in ")


def degree_grounded(degree: Degree, source_degrees: list[Degree]) -> bool:
    return any(same_degree(degree, known) for known in source_degrees)
