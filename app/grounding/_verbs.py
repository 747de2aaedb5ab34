"""Vague lead verbs: "Helped with", "Supported", "Worked on" where the source says what was done.

"Scheduled 40 nurses" says what the candidate did; "Supported the scheduling of 40 nurses" says
they were near it. A rewrite that trades a line's specific lead verb for one of these vaguer
phrases is a downgrade, unless the source line already used a vague one (then nothing was lost)
or uses that same phrase elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.grounding._normalize import STOPWORDS, normalize_text, stem

# Phrases that say the candidate was near the work rather than what they did, in any word form.
VAGUE_PHRASES = (
    "helped",
    "assisted",
    "supported",
    "aided",
    "worked on",
    "worked with",
    "worked in",
    "participated in",
    "involved in",
    "contributed to",
    "responsible for",
    "exposure to",
    "gained exposure to",
    "took part in",
    "take part in",
    "part of",
    "engaged in",
    "dealt with",
    "tasked with",
    "familiar with",
    "familiarity with",
)
_VAGUE_STEMS = sorted(
    {tuple(stem(w) for w in phrase.split()) for phrase in VAGUE_PHRASES}, key=len, reverse=True
)
# Words a line may open with before its verb: "I", "Was responsible for", "Successfully helped".
_FILLERS = {"i", "was", "were", "am", "is", "are", "been", "being", "have", "has", "had", "also"}
_WORD_RE = re.compile(r"[a-z][a-z'-]*|\d[\w.,%$]*|\S")
_SENTENCE_RE = re.compile(r"(?<=[.!?;])\s+")


@dataclass(frozen=True)
class Downgrade:
    """A rewrite's vague lead phrase where the original opened with a specific verb."""

    vague: str  # the rewrite's phrase, normalised: "helped with", "supported"
    specific: str  # the original's lead word, normalised: "scheduled"


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(normalize_text(text))


def _lead_index(words: list[str]) -> int:
    i = 0
    while i < len(words) and (words[i] in _FILLERS or (words[i].endswith("ly") and len(words[i]) > 4)):
        i += 1
    return i


def vague_lead(text: str) -> str | None:
    """The vague phrase `text` opens with (after "I", "was", an adverb), else None."""
    words = _words(text)
    i = _lead_index(words)
    stems = [stem(w) for w in words[i : i + 4]]
    for phrase in _VAGUE_STEMS:
        if tuple(stems[: len(phrase)]) == phrase:
            end = i + len(phrase)
            follows = words[end] if end < len(words) and len(phrase) == 1 else ""
            tail = follows if follows in ("with", "to", "in", "on", "the") else ""
            return " ".join([*words[i:end], tail]).strip()
    return None


def lead_word(text: str) -> str:
    """The word `text` opens with, after "I", "was" or an adverb ("" for an empty line)."""
    words = _words(text)
    i = _lead_index(words)
    return words[i] if i < len(words) else ""


def opens_specifically(text: str) -> bool:
    """Whether `text` opens with a word that can be a specific verb: not a vague phrase, not a
    number, not a function word ("On the on-call rotation" states no action to lose)."""
    lead = lead_word(text)
    return lead[:1].isalpha() and lead not in STOPWORDS and vague_lead(text) is None


def _states_by_doing(rewrite: str, verb: str) -> bool:
    """ "Supported the audit by pulling registers" still says the original's "Pulled"."""
    return any(stem(m) == stem(verb) for m in re.findall(r"\bby ([a-z]+)", normalize_text(rewrite)))


def uses_phrase(text: str, phrase: str) -> bool:
    """Whether `text` says `phrase` anywhere, in any word form ("helping with" for "helped with")."""
    wanted = [stem(w) for w in phrase.split()]
    for vague in _VAGUE_STEMS:
        if list(vague) == wanted[: len(vague)]:
            wanted = list(vague)
            break
    stems = [stem(w) for w in _words(text)]
    n = len(wanted)
    return any(stems[i : i + n] == wanted for i in range(len(stems) - n + 1))


def verb_downgrades(original: str, rewrite: str) -> list[Downgrade]:
    """Sentences of `rewrite` that open with a vague phrase where `original` was specific.

    Sentence k of the rewrite is compared with sentence k of the original (the last one when
    the rewrite has more). An original that opens with a vague phrase, or says the rewrite's
    phrase anywhere, loses nothing.
    """
    originals = [s for s in _SENTENCE_RE.split(original.strip()) if s.strip()] or [original]
    found: list[Downgrade] = []
    for k, sentence in enumerate(s for s in _SENTENCE_RE.split(rewrite.strip()) if s.strip()):
        vague = vague_lead(sentence)
        if vague is None or uses_phrase(original, vague):
            continue
        source = originals[min(k, len(originals) - 1)]
        if not opens_specifically(source) or _states_by_doing(rewrite, lead_word(source)):
            continue
        found.append(Downgrade(vague, lead_word(source)))
    return found
