"""The word-level half of `fabrication`: which words a source states (with their hyphenated parts,
ordinals and word families), a line that says too many new things, and the JD's words copied in."""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

from app.grounding._degrees import find_degrees
from app.grounding._glosses import contract_expansions
from app.grounding._normalize import STOPWORDS, content_words, stem
from app.grounding._numbers import SCALES, TENS, UNITS
from app.grounding._skills import SkillLexicon
from app.pipeline._guard import GENERIC_VERBS, LEADERSHIP_STEMS, PLAIN_VERBS
from evals.scorers._base import Offense, Sample
from evals.scorers._fabrication_fields import free_text
from evals.scorers._ordinary_words import CATEGORY_NOUNS, ORDINARY_STEMS, base_form

_ORDINALS = dict(zip(
    "1st 2nd 3rd 4th 5th 6th 7th 8th 9th 10th".split(),
    "first second third fourth fifth sixth seventh eighth ninth tenth".split(),
    strict=True,
))  # fmt: skip


# Short forms of words, as resumes write them: the source's "org design" says organizational design.
_SHORT_FORMS = {
    "org": "organization organizational", "mgmt": "management", "ops": "operations",
    "dept": "department", "govt": "government", "intl": "international", "info": "information",
    "tech": "technology technical", "dev": "development", "mktg": "marketing",
    "acct": "account accounting", "mfg": "manufacturing", "admin": "administration administrative",
    "comms": "communications", "yr": "year", "yrs": "years", "sq": "square", "ft": "feet foot",
    "prep": "preparation prepare", "approx": "approximately", "mgr": "manager", "hr": "hour",
    "hrs": "hours", "wk": "week", "wks": "weeks", "mo": "month", "mos": "months",
}  # fmt: skip


def stems_and_parts(text: str) -> set[str]:
    """Content stems, with each part of a hyphenated or slashed word too ("ACLS-certified" says
    certified, "college/career" says career), a possessive's noun ("site's"), an irregular verb's
    base ("drew" says draw), an ordinal in both spellings ("1st Place" says first), and a short
    form's long one ("org")."""
    words = set(content_words(text))
    words |= {_family(part) for w in words if "-" in w or "/" in w for part in re.split(r"[-/]", w) if part}
    words |= {stem(w[:-2]) for w in words if w.endswith("'s")} | {base_form(w) for w in words}
    words |= {stem(long) for w in list(words) if w in _SHORT_FORMS for long in _SHORT_FORMS[w].split()}
    words |= {stem(_ORDINALS[w]) for w in words if w in _ORDINALS}
    return words | {w for w, word in _ORDINALS.items() if stem(word) in words}


def _family(word: str) -> str:
    return stem(stem(word))  # the stemmer is not idempotent: "businesses" -> "business" -> "busi"


# A line may bring a word or two of its own (a synonym, a plainer verb); this many words the
# source never uses, in one line, state something it does not ("by adding a peer review step").
NEW_CONTENT_WORDS = 3


# "daily" restates "per day", as "five" restates "5".
_FREQUENCIES = frozenset(
    stem(w) for w in "daily weekly monthly yearly annually quarterly hourly nightly".split()
)


def new_content(text: str, source_words: set[str], lexicon: SkillLexicon) -> list[tuple[str, str, str]]:
    """Three or more words the source never uses, two of them side by side (small words between
    allowed): a new phrase, not synonyms scattered through a reworded line. Skills and degrees are
    judged as such and not counted here."""
    owned = [(m.start, m.end) for m in lexicon.find(text)] + [(m.start, m.end) for m in find_degrees(text)]
    unowned = text
    for start, end in sorted(owned, reverse=True):
        unowned = unowned[:start] + " " * (end - start) + unowned[end:]
    words = [
        (base_form(m.group(0).lower().strip(".")), m)
        for m in re.finditer(r"(?<![\w.$])[A-Za-z][\w'/+#.-]*", unowned)
        if m.group(0).lower().strip(".") not in STOPWORDS
    ]
    is_new = [_is_new(w, source_words) for w, _ in words]
    new = list(dict.fromkeys(w for (w, _), fresh in zip(words, is_new, strict=True) if fresh))
    side_by_side = any(a and b for a, b in pairwise(is_new))
    if len(new) < NEW_CONTENT_WORDS or not side_by_side:
        return []
    spans = [m for (_, m), fresh in zip(words, is_new, strict=True) if fresh]
    span = text[spans[0].start() : spans[-1].end()]
    return [("claim", span, f"{len(new)} words the source never uses: {', '.join(new[:6])}")]


def _is_new(word: str, source_words: set[str]) -> bool:
    return not (
        known_word(word, source_words)
        or word in ORDINARY_STEMS
        or word in PLAIN_VERBS
        or word in LEADERSHIP_STEMS
        or word in _FREQUENCIES
        or word in SCALES
        or len(word) < 2
    )


def copied_from_jd(sample: Sample) -> list[Offense]:
    """Two consecutive words the JD uses and the source never does ("shotgun metagenomic data"
    in a bullet about "16S rRNA amplicon data"): a requirement claimed in the JD's own words, which
    no skills lexicon has to know."""
    from evals.scorers._fabrication_lines import copied_from_source, source_units

    jd_pairs = set(word_pairs(sample.case.job_description))
    source_pairs = set(word_pairs(sample.grounding_text))
    source_words = stems_and_parts(sample.grounding_text)
    units = source_units(sample)
    offenses = []
    for path, written in free_text(sample.output):
        if copied_from_source(written, units, sample.grounding_text):
            continue
        text = contract_expansions(written, sample.grounding_text)
        for first, second, span in word_pairs(text, spans=True):
            new = {w for w in (first, second) if not known_word(w, source_words)}
            if new == {second} and second in CATEGORY_NOUNS:
                continue  # "desktop software" for the source's "desktop": the kind it already is
            if new and (first, second) in jd_pairs and (first, second) not in source_pairs:
                offenses.append(Offense("skill", span, "the JD's words, which the source never uses", path))
    return offenses


_NUMBER_WORDS = frozenset(stem(w) for w in [*UNITS, *TENS, *SCALES, "dozen", "zero", "hundred"])


def known_word(word: str, source_words: set[str]) -> bool:
    """In the source, in another form of the same family ("radiographs" for "radiography"), a
    number word, a verb any rewrite may use, or a compound whose parts all are ("five-day" for
    the source's "5-day", "a/b-tested")."""
    if word in source_words or _family(word) in source_words or word in GENERIC_VERBS:
        return True
    if word in _NUMBER_WORDS or word in UNITS or word in TENS:
        return True
    parts = [p for p in re.split(r"[-/]", word) if p]
    if len(parts) > 1:
        return all(len(p) < 2 or p.isdigit() or known_word(stem(p), source_words) for p in parts)
    return len(word) >= 7 and any(w[:7] == word[:7] for w in source_words if len(w) >= 7)


def word_pairs(text: str, spans: bool = False) -> list[Any]:
    """Consecutive pairs of content words (stems; "CI/CD" is one word), with the text they span;
    only small words and spaces may stand between them, never a comma or a full stop."""
    words = [
        (stem(m.group(0).lower()), m.start(), m.end())
        for m in re.finditer(r"[A-Za-z][A-Za-z0-9+#]*(?:[/.&-][A-Za-z0-9+#]+)*", text)
        if m.group(0).lower() not in STOPWORDS and not m.group(0)[1:].isdigit()
    ]
    pairs = []
    for (a, start, gap_start), (b, gap_end, end) in pairwise(words):
        if re.fullmatch(r"[A-Za-z \t]*", text[gap_start:gap_end]):
            pairs.append((a, b, text[start:end]) if spans else (a, b))
    return pairs
