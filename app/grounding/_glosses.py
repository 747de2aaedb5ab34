"""Acronym glosses: "Web Content Accessibility Guidelines (WCAG)" for a source's "WCAG".

An output that spells out an acronym the source uses, or adds the acronym to a name the source
spells out, says nothing new. `spell_like_source` rewrites each such gloss to the form the source
uses, so the fact checks compare like with like; a gloss the source grounds in neither form is
left as written and judged as usual. `contract_expansions` does the same for words that spell a
source acronym with no gloss at all ("Chief Revenue Officer" for CRO), in free text only.

`_variants.acronym_in` answers the reverse question for the scorers (does the source spell out an
output's acronym?) with stricter rules for small words; the two could share `_spells`.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

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
        window = words[-size:]
        if window[0].lower() in STOPWORDS:
            continue
        if _spells(window, letters.lower()):
            return size
    return None


def _spells(words: list[str], letters: str, small_letters: bool = True) -> bool:
    """Whether `words` spell `letters` by their initials; small words may be skipped, and count as
    a letter only when `small_letters` ("Master of Arts in Teaching" is MAT either way). The parts
    of a hyphenated word each count, small ones too ("click-through rate" is CTR), and a part in
    capitals gives all its letters ("ST-elevation myocardial infarction" is STEMI)."""
    return _spell([(w, False) for w in words], letters.lower(), small_letters)


def _spell(words: list[tuple[str, bool]], letters: str, small_letters: bool) -> bool:
    if not letters:
        return all(w.lower() in STOPWORDS for w, _ in words)
    if not words:
        return False
    (head, in_compound), rest = words[0], words[1:]
    low = head.lower()
    as_letter = small_letters or in_compound or low not in STOPWORDS
    if as_letter and low.startswith(letters[0]) and _spell(rest, letters[1:], small_letters):
        return True
    capitals = 1 < len(head) < len(letters) and head.isalpha() and head.isupper()
    if capitals and letters.startswith(low) and _spell(rest, letters[len(low) :], small_letters):
        return True
    if "-" in head and _spell([(p, True) for p in head.split("-") if p] + rest, letters, small_letters):
        return True  # "multi-factor authentication" is MFA
    return low in STOPWORDS and _spell(rest, letters, small_letters)


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


# "CRO", "VMs", "ePCR" (a small letter before the capitals), "IV/IO" (each), "A/R" (written so).
_SOURCE_ACRONYM_RE = re.compile(
    r"(?<![\w&-])(?:(?<!/)([A-Z]/[A-Z])(?!/)|([a-z]?[A-Z][A-Z]{1,5}))(s?)(?![\w&+])"
)
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z']*")


def contract_expansions(text: str, source_text: str) -> str:
    """Words that spell out an acronym the source uses, with no gloss beside them ("Chief Revenue
    Officer" for the source's CRO, "virtual machines" for its VMs), written as the acronym. For
    free text only: a name ("Palmetto Auto Insurance Co.") is compared as written."""
    from app.grounding._places import contract_place_names

    acronyms, source_words = _source_acronyms(source_text)
    words = list(_WORD_RE.finditer(text))
    initials = {w.group(0)[0].lower() for w in words}
    for acronym in acronyms:
        if acronym[0].lower() in initials:  # most acronyms cannot start anywhere in a short line
            contracted = _contract(text, words, acronym, source_words, source_text)
            if contracted != text:
                text, words = contracted, list(_WORD_RE.finditer(contracted))
    return contract_place_names(text, source_text)


@lru_cache(maxsize=64)
def _source_acronyms(source_text: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """The source's acronyms, longest first, and the words it uses; one source is scored line by line."""
    places = set(re.findall(r"[A-Z][a-z]+,\s*([A-Z]{2})\b", source_text))  # "Baltimore, MD" is a place
    acronyms = {m.group(1) or m.group(2) for m in _SOURCE_ACRONYM_RE.finditer(source_text)} - places
    words = frozenset(w.lower() for w in _WORD_RE.findall(source_text))
    return tuple(sorted(acronyms, key=lambda a: (-len(a), a))), words


def _contract(
    text: str, words: list[re.Match[str]], acronym: str, source_words: frozenset[str], source_text: str
) -> str:
    """Only words the source does not use need the acronym to ground them: the words contracted
    include a new one, and a two-letter acronym never contracts words the source itself writes
    together ("code analysis" beside its CA; but "accounts receivable" for its A/R)."""
    letters = acronym.replace("/", "").lower()
    out, last, i = [], 0, 0
    while i < len(words):
        if not words[i].group(0).lower().startswith(letters[0]):
            i += 1
            continue
        size = _spelled_at(words, i, letters, text)
        new = [w.group(0).lower() not in source_words for w in words[i : i + size]]
        phrase = text[words[i].start() : words[i + size - 1].end()] if size else ""
        if size and any(new) and (len(letters) > 2 or not contains_phrase(source_text, phrase)):
            first, final = words[i], words[i + size - 1]
            ending = final.group(0).lower()
            plural = "s" if ending.endswith("s") and not ending.endswith("ss") and len(letters) <= 3 else ""
            out += [text[last : first.start()], acronym + plural]
            last, i = final.end(), i + size
        elif words[i].group(0).lower() not in source_words and _compound_spells(words[i].group(0), letters):
            out += [text[last : words[i].start()], acronym]  # "intraosseous" for the source's IO
            last, i = words[i].end(), i + 1
        else:
            i += 1
    return "".join([*out, text[last:]])


# Combining forms a compound word is built of: its acronym takes a letter from each part
# ("intraosseous" is IO, "electrocardiogram" ECG).
_COMBINING_FORMS = (
    "intra inter extra trans sub supra super hyper hypo peri endo epi electro cardio gastro neuro "
    "thermo hydro photo micro macro multi poly tele bio geo auto"
).split()


def _compound_parts(word: str) -> list[str]:
    for form in _COMBINING_FORMS:
        if word.startswith(form) and len(word) - len(form) >= 3:
            return [form, *_compound_parts(word[len(form) :])]
    return [word]


def _compound_spells(word: str, letters: str) -> bool:
    parts = _compound_parts(word.lower())
    return len(parts) == len(letters) > 1 and all(
        p.startswith(c) for p, c in zip(parts, letters, strict=True)
    )


def _spelled_at(words: list[re.Match[str]], i: int, letters: str, text: str) -> int:
    """How many words from `i` spell `letters` (small words between may be skipped), joined only
    by spaces or hyphens; 0 if they do not. Two letters need two words of three letters or more."""
    for size in range(len(letters), len(letters) + _MAX_EXTRA_SMALL_WORDS + 1):
        window = words[i : i + size]
        if len(window) < size:
            return 0
        written = [w.group(0) for w in window]
        lower = [w.lower() for w in written]
        gaps = [text[a.end() : b.start()] for a, b in itertools.pairwise(window)]
        if lower[0] in STOPWORDS or lower[-1] in STOPWORDS or any(g.strip(" -\u2013") for g in gaps):
            continue
        if len(letters) == 2 and (size != 2 or min(len(w) for w in lower) < 3):
            continue
        if _spells(_join_hyphenated(written, gaps), letters, small_letters=False):
            return size  # "design-for-manufacturing" is DFM, "click-through rate" CTR
    return 0


def _join_hyphenated(words: list[str], gaps: list[str]) -> list[str]:
    """Words joined by hyphens, as one hyphenated word: `_spells` counts each of its parts."""
    out = [words[0]]
    for gap, word in zip(gaps, words[1:], strict=True):
        if gap == "-":
            out[-1] += "-" + word
        else:
            out.append(word)
    return out
