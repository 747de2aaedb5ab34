"""Which capitalised words of an output line are not new names, for `fabrication`'s entities check.

A Title Case heading or list ("Sales Growth", "Training & Talent Development", "Medical-Surgical
Unit") capitalises ordinary words; a proper name (an employer, a product: "Creo", "Assembled") is
never written in lower case. So a capitalised word is ordinary when the source, the JD or the
output itself uses it in lower case, or a word of its family ("Reduction" for "reduced"), or it is
a compound adjective ("Results-oriented", "PDM-based"). It is no new name either when its run of
capitalised words spells out an abbreviation the source uses ("Labor & Delivery" for "L&D"), or
when it is the country of a place the source names ("Juárez, Mexico").
"""

from __future__ import annotations

import re
from typing import Protocol

from app.grounding import stem
from evals.scorers._fabrication_families import Families, is_frame_word

_ADJECTIVE_ENDINGS = ("oriented", "driven", "focused", "based", "centric", "facing", "minded", "led", "level")
_SMALL = {"of", "and", "the", "for", "in", "&", "to"}
_CREDENTIAL_ENDINGS = frozenset({"certified", "licensed", "registered", "accredited", "credentialed"})
COUNTRIES = frozenset(
    """Mexico Canada Ireland India China Japan Germany France Spain Italy Portugal Brazil Argentina
    Chile Colombia Peru Philippines Vietnam Thailand Malaysia Singapore Indonesia Australia Netherlands
    Belgium Switzerland Austria Sweden Norway Denmark Finland Poland Czechia Greece Turkey Israel
    Egypt Nigeria Kenya Ghana Pakistan Bangladesh Korea UK USA England Scotland Wales""".split()
)


class NameSource(Protocol):
    text: str
    families: Families
    lowercase_stems: frozenset[str]


def lowercase_stems(*texts: str) -> frozenset[str]:
    """The stems of the words these texts write in lower case: ordinary words, not names."""
    return frozenset(stem(w) for t in texts for w in re.findall(r"(?<![\w-])[a-z][a-z'-]*[a-z]", t))


def ordinary_word(word: str, start: int, text: str, src: NameSource) -> bool:
    low = word.lower().strip(".")
    if stem(low) in src.lowercase_stems or is_frame_word(low) or src.families.knows(low):
        return True
    if "-" in low and low.rsplit("-", 1)[1] in _ADJECTIVE_ENDINGS:
        return True  # "Results-oriented", "PDM-based"
    head, _, tail = word.rpartition("-")
    if (
        tail.lower() in _CREDENTIAL_ENDINGS
        and head
        and re.search(rf"(?<![\w-]){re.escape(head)}(?![\w-])", src.text)
    ):
        return True  # "NATE-certified" for the source's "NATE": the certifications check judges the claim
    return _spells_a_stated_abbreviation(start, text, src.text) or _country_of_a_stated_place(
        word, start, text, src.text
    )


def _spells_a_stated_abbreviation(start: int, text: str, source: str) -> bool:
    """ "Labor & Delivery" for the source's "L&D": the initials of the run of capitalised words
    (small words between) around `start`, as the source writes them, with or without "&" or "/"."""
    run = re.compile(r"(?:[A-Z][\w'-]*(?:\s+(?:&|and|of|the|/)\s+|\s+|\s*/\s*))*[A-Z][\w'-]*")
    for m in run.finditer(text):
        if not m.start() <= start < m.end():
            continue
        words = [w for w in re.findall(r"[A-Za-z][\w'-]*", m.group(0)) if w.lower() not in _SMALL]
        letters = "".join(w if w.isupper() and len(w) <= 6 else w[0].upper() for w in words)
        if len(letters) < 2:
            return False  # an acronym in the run gives all its letters: "SHRM Certified Professional"
        joined = r"\s*[&/-]?\s*".join(re.escape(c) for c in letters)
        return re.search(rf"(?<![\w-]){joined}(?![\w-])", source) is not None
    return False


def _country_of_a_stated_place(word: str, start: int, text: str, source: str) -> bool:
    if word not in COUNTRIES:
        return False
    place = re.search(r"([A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*)?),\s*$", text[:start])
    return place is not None and place.group(1) in source


def abbreviates_source_words(word: str, source: str) -> bool:
    """An abbreviation the source writes in full or in the plural: "IV" for the source's "IVs",
    "P&C" for "property and casualty", "OTA" for "over-the-air". Its letters must begin consecutive
    words joined as the abbreviation joins them ("&" or "/" by "and", "&" or "/"; plain letters by
    hyphens inside one compound), so "P&C" is never "project coordination" nor "OTA" "on time"."""
    core = word[:-1] if len(word) > 2 and word.endswith("s") and word[:-1].isupper() else word
    if not re.fullmatch(r"[A-Z](?:[&/]?[A-Z]){1,5}", core):
        return False
    if re.search(rf"(?<![\w-]){re.escape(core)}s(?![\w-])", source):
        return True  # "IVs", "PRs": the source's plural
    letters = core.replace("&", "").replace("/", "")
    joint = r"\s+(?:and|&)\s+|\s*[&/]\s*" if ("&" in core or "/" in core) else r"-(?:[a-z]+-)?"
    spelled = rf"(?i:\b{letters[0]}[a-z]*" + "".join(rf"(?:{joint}){c}[a-z]*" for c in letters[1:]) + r"\b)"
    return re.search(spelled, source) is not None
