"""The skills-list half of `fabrication`'s skills check: an item no lexicon knows ("Eaglesoft"), the
product names beside a known skill ("Workday Payroll"), an item glossed by another ("syngo.via
(advanced visualization)"), and which lexicon matches are no skill claim at all ("IV Access")."""

from __future__ import annotations

import re
from typing import Any, Protocol

from app.grounding import (
    STOPWORDS,
    Grounder,
    SkillLexicon,
    acronym_in,
    contains_phrase,
    content_words,
    stem,
    without_quantities,
)
from evals.scorers._fabrication_families import Families, is_frame_word, stated_by_family
from evals.scorers._fabrication_lines import reads_as_sentence
from evals.scorers._fabrication_names import ordinary_word


class SkillSource(Protocol):
    """What these checks read of the source (`fabrication._Source` is one)."""

    text: str
    stems: set[str]
    families: Families
    grounder: Grounder
    lowercase_stems: frozenset[str]


def a_list_item(text: str) -> bool:
    """A short item of a list ("Coaching & mentoring of trainees"), not a sentence: no full stop, a
    few words, no verb and object."""
    return len(text.split()) <= 8 and not text.rstrip().endswith(".") and not reads_as_sentence(text)


def ordinary_word_after_an_abbreviation(raw: str, before: str, src: SkillSource) -> bool:
    """A product named by one ordinary word ("Access", "Word") that the texts also write in lower
    case, right after an abbreviation: a compound noun of the trade ("IV Access"), not the product."""
    return (
        raw.isalpha()
        and raw.istitle()
        and stem(raw.lower()) in src.lowercase_stems
        and re.search(r"(?<![\w-])[A-Z]{2,5}[ \t]+$", before) is not None
    )


def unknown_skill(keyword: str, src: SkillSource, lexicon: SkillLexicon) -> list[tuple[str, str, str]]:
    """A skills-list item no lexicon knows ("Eaglesoft") is still a skill: the source must state it,
    or all of its words."""
    if contains_phrase(src.text, keyword):
        return []
    if known := lexicon.find(keyword):
        return unknown_names_beside_skills(keyword, known, src)
    if contains_phrase(src.text, re.sub(r"\b[A-Z][a-z]+\s+(?=\d)", "", keyword)):
        return []  # "Section 504 plans", "Form 1099 preparation": a numbered rule named in full
    words = content_words(without_quantities(keyword))
    if all(w in src.stems for w in words) or (
        keyword.rstrip("s").isupper() and acronym_in(keyword, src.text)
    ):
        return []
    if stated_by_family(keyword, src.stems, src.families):
        return []
    answer = src.grounder.ground(keyword)  # "CAD software" for SolidWorks; or close in meaning
    if answer.grounded:
        return []
    parts = glossed_parts(keyword)  # "syngo.via (advanced visualization)": each part grounded on its own
    if parts and not any(unknown_skill(part, src, lexicon) for part in parts):
        return []
    return [("skill", keyword, answer.reason)]


_GLOSSED = re.compile(r"(?P<a>[^():]+?)\s*\((?P<b>[^()]+)\)|(?P<c>[^():]{2,40}?):\s*(?P<d>[^():]+)")


def glossed_parts(keyword: str) -> list[str]:
    """The two parts of a skills-list item that glosses one with the other, each a claim of its own:
    "Siemens syngo.via (advanced visualization)", "Prospect research: Instrumentl"; a part that only
    says how long ("TI MSP430 (3 yrs)") claims no skill, and its number is the numbers check's."""
    m = _GLOSSED.fullmatch(keyword.strip())
    if m is None:
        return []
    parts = [p.strip() for p in m.group("a", "b", "c", "d") if p and p.strip()]
    return [p for p in parts if not all(is_frame_word(w) for w in content_words(without_quantities(p)))]


ENGLISH_NOUN = re.compile(
    r"(?i)(?:tion|sion|ment|ness|ity|ance|ence|ship|ing|ics|ogy|ure|form|system|tool|service)s?$"
)


def unknown_names_beside_skills(
    keyword: str, known: list[Any], src: SkillSource
) -> list[tuple[str, str, str]]:
    """ "Workday Payroll" where only "Payroll" is a known skill: the item's other capitalised words
    name a product too, and the source must name it ("Workday" is no ordinary word)."""
    rest = keyword
    for m in sorted(known, key=lambda m: m.start, reverse=True):
        rest = rest[: m.start] + " " * (m.end - m.start) + rest[m.end :]
    return [
        ("skill", m.group(0), "the source never names this product")
        for m in re.finditer(r"(?<![\w-])[A-Z][A-Za-z0-9+#]*[a-z][A-Za-z0-9+#]*(?![\w-])", rest)
        if m.group(0).lower() not in STOPWORDS
        and not ENGLISH_NOUN.search(m.group(0))  # "Development", "Reduction", "Platforms": no product
        and not contains_phrase(src.text, m.group(0))
        and not ordinary_word(m.group(0), m.start(), rest, src)
    ]
