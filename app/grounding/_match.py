"""Does a text mention a requirement or skill? The one matcher both the pipeline and scorers use.

A phrase that names a skill of the lexicon is mentioned when any of that skill's surface forms
occurs ("ML" = "machine learning"; exact-case forms such as "Go" only as written) or its name's
word forms do ("Mentored" for "Mentoring"). Any other phrase is mentioned when it occurs
whole-word after normalisation, or when every content word of it occurs, stemmed, in one line or
sentence of the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.grounding._normalize import contains_phrase, content_words, normalize_text
from app.grounding._skills import SkillLexicon

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?;])\s+|\n+")


def _lexicon() -> SkillLexicon:
    return SkillLexicon.default()


def skill_canonicals(text: str) -> set[str]:
    return {m.canonical for m in _lexicon().find(text)}


def mentions(text: str, phrase: str) -> bool:
    if not phrase.strip() or not text.strip():
        return False
    lexicon = _lexicon()
    canonical = lexicon.canonical(phrase)
    if canonical is not None:  # the lexicon knows its exact-case forms: "Go" is not "go to market"
        return canonical in skill_canonicals(text) or _stem_match(text, canonical, lexicon)
    if contains_phrase(text, phrase):
        return True
    phrase_skills = skill_canonicals(phrase)
    words = [w for w in content_words(phrase) if not w.isdigit()]
    if phrase_skills and len(words) <= 2 * len(phrase_skills) + 1:
        # "Python programming", "experience with AWS": the named skills carry the phrase.
        return phrase_skills <= skill_canonicals(text)
    if not words:
        return False
    needed = set(words)
    return any(needed <= set(content_words(part)) for part in _SENTENCE_SPLIT.split(text))


def _stem_match(text: str, canonical: str, lexicon: SkillLexicon) -> bool:
    """ "Mentored" evidences "Mentoring": word forms of a skill's name, for names matched case-blind
    (never an exact-case form such as Go or Excel, which double as ordinary words)."""
    if len(canonical) < 5 or lexicon.canonical(canonical.lower()) != canonical:
        return False
    needed = set(content_words(canonical))
    return bool(needed) and any(needed <= set(content_words(part)) for part in _SENTENCE_SPLIT.split(text))


def mentioned(text: str, phrases: Iterable[str]) -> list[str]:
    """The phrases that `text` mentions, in the given order."""
    return [p for p in phrases if mentions(text, p)]


def same_phrase(a: str, b: str) -> bool:
    """Two requirement phrases name the same thing (normalised text or lexicon canonical)."""
    if normalize_text(a) == normalize_text(b):
        return True
    ca, cb = _lexicon().canonical(a), _lexicon().canonical(b)
    return ca is not None and ca == cb
