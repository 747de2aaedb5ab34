"""Acronym glosses: "Web Content Accessibility Guidelines (WCAG)" for a source's "WCAG".

An output that spells out an acronym the source uses, or adds the acronym to a name the source
spells out, says nothing new. `spell_like_source` rewrites each such gloss to the form the source
uses, so the fact checks compare like with like; a gloss the source grounds in neither form is
left as written and judged as usual.
"""

from __future__ import annotations

import re

from app.grounding._normalize import STOPWORDS, contains_phrase

# "Long Form (ACR)", "long form (A.C.R.)", "(EHRs)": up to eight words before the parenthesis.
_GLOSS_RE = re.compile(r"((?:[A-Za-z][\w'&-]*[ \t]+){0,7}[A-Za-z][\w'&-]*)[ \t]*\(((?:[A-Z]\.?){2,8})(s?)\)")
_MAX_EXTRA_SMALL_WORDS = 3
# The other ways round: "MAPE (mean absolute percentage error)", "(mean absolute percentage error, MAPE)".
_ACRONYM_FIRST_RE = re.compile(r"\b((?:[A-Z]\.?){2,8})(s?)[ \t]*\(([A-Za-z][\w'& -]{2,80})\)")
_ACRONYM_INSIDE_RE = re.compile(r"\(([A-Za-z][\w'& -]{2,80}),[ \t]*((?:[A-Z]\.?){2,8})(s?)\)")


def _expansion(words: list[str], letters: str) -> int | None:
    """How many trailing `words` spell `letters` by their initials (small words may be skipped or
    count as a letter: "Master of Arts in Teaching" is MAT, "Associate in Occupational Studies" AOS)."""
    for size in range(1, min(len(words), len(letters) + _MAX_EXTRA_SMALL_WORDS) + 1):
        window = [w.lower() for w in words[-size:]]
        if window[0] in STOPWORDS:
            continue
        if _spells(window, letters.lower()):
            return size
    return None


def _spells(words: list[str], letters: str) -> bool:
    if not letters:
        return all(w in STOPWORDS for w in words)
    if not words:
        return False
    head, rest = words[0], words[1:]
    if head.startswith(letters[0]) and _spells(rest, letters[1:]):
        return True
    if "-" in head and _spells([*head.split("-"), *rest], letters):
        return True  # "multi-factor authentication" is MFA
    return head in STOPWORDS and _spells(rest, letters)


def expansion_before(text: str, acronym: str) -> str | None:
    """The words at the end of `text` (on its last line) that `acronym` abbreviates, if any."""
    words = re.findall(r"[A-Za-z][\w'&-]*", text.splitlines()[-1] if text.strip() else "")
    size = _expansion(words, acronym.replace(".", "")) if words else None
    return " ".join(words[-size:]) if size else None


def spell_like_source(text: str, source_text: str) -> str:
    """`text` with every acronym gloss the source grounds written the way the source writes it."""

    def rewrite(match: re.Match[str]) -> str:
        words = match.group(1).split()
        acronym, plural = match.group(2), match.group(3)
        size = _expansion(words, acronym.replace(".", ""))
        if size is None or contains_phrase(source_text, match.group(0)):
            return match.group(0)  # not a gloss, or one the source writes the same way
        spans = [m.span() for m in re.finditer(r"\S+", match.group(1))]
        before = match.group(1)[: spans[-size][0]]  # the words outside the gloss, as written
        long_form = " ".join(words[-size:])
        for form in (acronym + plural, acronym.replace(".", "") + plural, acronym, long_form):
            if contains_phrase(source_text, form):
                return before + form
        return match.group(0)

    def inside(acronym: str, plural: str, long_form: str, whole: str) -> str | None:
        words = long_form.split()
        if contains_phrase(source_text, whole) or _expansion(words, acronym.replace(".", "")) != len(words):
            return None
        return next(
            (f for f in (acronym + plural, acronym, long_form) if contains_phrase(source_text, f)), None
        )

    def acronym_first(match: re.Match[str]) -> str:
        return inside(match.group(1), match.group(2), match.group(3), match.group(0)) or match.group(0)

    def acronym_inside(match: re.Match[str]) -> str:
        form = inside(match.group(2), match.group(3), match.group(1), match.group(0))
        return f"({form})" if form else match.group(0)

    text = _ACRONYM_FIRST_RE.sub(acronym_first, text)
    text = _ACRONYM_INSIDE_RE.sub(acronym_inside, text)
    return _GLOSS_RE.sub(rewrite, text)
