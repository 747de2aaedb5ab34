"""Does a text mention a requirement or skill? The one matcher both the pipeline and scorers use.

A phrase that names a skill of the lexicon is mentioned when any of that skill's surface forms
occurs ("ML" = "machine learning"; exact-case forms such as "Go" only as written) or its name's
word forms do ("Mentored" for "Mentoring", "Collaborated with cross-functional teams" for
"Cross-Functional Collaboration"). Any other phrase is mentioned when it occurs whole-word after
normalisation, when a degree it names is one the text names ("BSc Computer Science" for "BS in
Computer Science"), or when every content word of it occurs, in these or other word forms, in one
line or sentence of the text. A phrase of alternatives ("Tableau or Power BI", "Zendesk, Freshdesk
or similar") is mentioned when any one of them is.

Category words ("Version Control" for Git) are not this matcher's business: an is-a taxonomy grounds
them, plugged in where evidence is mapped (`map_evidence(..., matcher=...)`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from app.grounding._degrees import Degree, DegreeMention, find_degrees, same_degree
from app.grounding._normalize import (
    STOPWORDS,
    contains_phrase,
    content_words,
    family_words,
    normalize_text,
)
from app.grounding._skills import SkillLexicon, SkillMention

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?;])\s+|\n+")
_OR = re.compile(r"(?<![A-Za-z])or(?![A-Za-z])")  # lower case: "OR" is an operating room
_ALTERNATIVE_SPLIT = re.compile(r"\s*,\s*(?:(?:and/)?or\s+)?|\s+(?:and/)?or\s+")
_OPEN_LEAD = re.compile(
    r"^(?:a|an|the|any|some|other|another|any other|some other|similar)\s+", re.IGNORECASE
)
# Words of an open alternative ("or similar", "or equivalent experience", "or a related field"):
# the JD leaves it open, so there is nothing to look for in a resume.
OPEN_WORDS = frozenset(
    """similar equivalent equivalents comparable related relevant alternative alternatives experience field
    fields discipline disciplines area areas degree degrees background education combination higher above
    more like same kind type tool tools platform platforms technology technologies software system systems
    solution solutions product products""".split()
)
_DEGREE_WORDS = frozenset("degree degrees in of".split())
_VERSION = re.compile(r"\s+(\d{1,4})\b")


def _lexicon() -> SkillLexicon:
    return SkillLexicon.default()


def skill_canonicals(text: str) -> set[str]:
    return set(_skill_set(text))


@lru_cache(maxsize=8192)
def _skill_set(text: str) -> frozenset[str]:  # a resume line is asked about every requirement
    lexicon = _lexicon()
    return frozenset(m.canonical for m in lexicon.find(text) if not _compound_tail(text, m, lexicon))


_ACRONYM_BEFORE = re.compile(r"(?<![A-Za-z0-9])([A-Z][A-Z0-9]{1,7})[ -]$")


def _compound_tail(text: str, mention: SkillMention, lexicon: SkillLexicon) -> bool:
    """A one-letter skill written right after an acronym no skill names is the tail of a name of its
    own: "MISRA C" is a coding standard, read whole as the JD analyst reads it, not the skill C."""
    if len(mention.raw) != 1:
        return False
    before = _ACRONYM_BEFORE.search(text, 0, mention.start)
    return before is not None and lexicon.canonical(before.group(1)) is None


@lru_cache(maxsize=16384)
def _words(part: str) -> tuple[frozenset[str], frozenset[str]]:
    """A sentence's (or phrase's) content words: stemmed, and as word families."""
    return frozenset(content_words(part)), frozenset(family_words(part))


def is_open_alternative(words: str) -> bool:
    """ "similar", "equivalent experience", "a related field": an alternative a resume cannot show."""
    content = [w for w in normalize_text(words).split() if w not in STOPWORDS]
    return all(w in OPEN_WORDS for w in content)


def alternatives_of(phrase: str) -> tuple[str, ...] | None:
    """The alternatives a phrase names ("Tableau or Power BI" -> Tableau, Power BI; "Kafka or other
    event streaming" -> Kafka, event streaming; "pytest or similar" -> pytest), None if it names one thing."""
    if not _OR.search(phrase):
        return None
    out = []
    for part in _ALTERNATIVE_SPLIT.split(phrase.strip()):
        part = _OPEN_LEAD.sub("", part.strip(" .;:()")).strip()
        if part and not is_open_alternative(part):
            out.append(part)
    return tuple(out)


def mentions(text: str, phrase: str) -> bool:
    if not phrase.strip() or not text.strip():
        return False
    options = alternatives_of(phrase)
    if options is not None:
        return any(_mentions_one(text, option) for option in options)
    return _mentions_one(text, phrase)


_GLOSSED = re.compile(r"(?P<long>[A-Za-z].*?)\s*\((?P<acr>[A-Z][A-Z0-9&]{1,7})\)?")


def _mentions_one(text: str, phrase: str) -> bool:
    glossed = _GLOSSED.fullmatch(phrase.strip())
    if glossed and glossed.group("acr") != phrase.strip():
        # "Certified Fund Raising Executive (CFRE)": the acronym, or every word it abbreviates (a
        # skill inside, "SOLIDWORKS" of "Certified SOLIDWORKS Professional", is not the credential)
        long = glossed.group("long")
        return (
            _mentions_one(text, glossed.group("acr"))
            or contains_phrase(text, long)
            or _words_in_one_sentence(text, long)
        )
    lexicon = _lexicon()
    canonical = lexicon.canonical(phrase)
    if canonical is not None:  # the lexicon knows its exact-case forms: "Go" is not "go to market"
        return canonical in _skill_set(text) or _stem_match(text, canonical, lexicon)
    if contains_phrase(text, phrase) or _degree_match(text, phrase) or _acronym_match(text, phrase):
        return True
    phrase_mentions = lexicon.find(phrase)
    phrase_skills = {m.canonical for m in phrase_mentions}
    words = [w for w in content_words(phrase) if not w.isdigit()]
    if phrase_skills and len(words) <= 2 * len(phrase_skills) + 1:
        # "Python programming", "experience with AWS": the named skills carry the phrase; not "SAP IBP"
        # or "Google Analytics 4", whose acronym or version is a name of its own.
        return phrase_skills <= _skill_set(text) and all(
            _has_token(text, t) for t in _distinctive_rest(phrase, phrase_mentions)
        )
    if not words:
        return False
    return _words_in_one_sentence(text, phrase)


_ACRONYM = re.compile(r"[A-Z][A-Z&]{1,6}")
_CONNECTORS = frozenset("of and for in on & the to".split())
_WORD = re.compile(r"[A-Za-z][\w'.&-]*|&")


def _acronym_match(text: str, acronym: str) -> bool:
    """An acronym or form number the text writes in the plural ("IVs" for "IV", "941s" for "941") or spells out in capitalised words
    ("Certified Nursing Assistant" for "CNA", of three letters or more); small words between
    them ("Associate in Risk Management" for "ARM") give no letter."""
    if not _ACRONYM.fullmatch(acronym) and not re.fullmatch(r"\d{3,5}", acronym):
        return False
    if re.search(rf"(?<![A-Za-z0-9]){re.escape(acronym)}s(?![A-Za-z0-9])", text):
        return True
    letters = acronym.replace("&", "").lower()
    if len(letters) < 3 or not letters.isalpha():
        return False  # two capitalised words spell too many two-letter acronyms ("Excel VBA": EV)
    words = [w.group() for w in _WORD.finditer(text)]
    for i, word in enumerate(words):
        if not word[0].isupper() or word[0].lower() != letters[0]:
            continue
        got, j = "", i
        while j < len(words) and len(got) < len(letters):
            w = words[j]
            if w[0].isupper():
                got += w[0].lower()
            elif w.lower() not in _CONNECTORS:
                break
            j += 1
        if got == letters and words[j - 1][0].isupper():
            return True
    return False


def _words_in_one_sentence(text: str, phrase: str) -> bool:
    """Every content word of `phrase` in one sentence of `text`, stemmed or as a word family."""
    needed, family = _words(phrase)
    for part in _SENTENCE_SPLIT.split(text):
        stems, families = _words(part)
        if needed <= stems or (family and family <= families):
            return True
    return False


def _stem_match(text: str, canonical: str, lexicon: SkillLexicon) -> bool:
    """ "Mentored" evidences "Mentoring": word forms of a skill's name, for names matched case-blind
    (never an exact-case form such as Go or Excel, which double as ordinary words)."""
    if len(canonical) < 5 or lexicon.canonical(canonical.lower()) != canonical:
        return False
    return bool(content_words(canonical)) and _words_in_one_sentence(text, canonical)


def _distinctive_rest(phrase: str, phrase_mentions: list[SkillMention]) -> list[str]:
    """The words of a phrase outside its skill names that name something of their own: an acronym
    ("IBP" in "SAP IBP") or a version right after a skill ("4" in "Google Analytics 4")."""
    rest, pos = [], 0
    for m in phrase_mentions:
        rest.append(phrase[pos : m.start])
        version = _VERSION.match(phrase, m.end)
        if version:
            rest.append(f" {version.group(1)} ")
        pos = m.end
    rest.append(phrase[pos:])
    words = " ".join(rest).split()
    return [
        w.strip("(),;:") for w in words if re.fullmatch(r"\(?(?:[A-Z][A-Z0-9&]{1,7}|\d{1,4})\)?[,;:]?", w)
    ]


def _has_token(text: str, token: str) -> bool:
    if token.isdigit():  # "GA4" states version 4 as well as "Google Analytics 4" does
        return re.search(rf"(?<!\d){token}(?!\d)", text) is not None
    return contains_phrase(text, token)


def _degree_match(text: str, phrase: str) -> bool:
    """A degree the phrase names, held in one line of the text with the rest of the phrase's words:
    "BSc Computer Science" for "BS in Computer Science", "BSN" for "Bachelor's degree in Nursing"."""
    wanted = _degrees_in(phrase)
    if not wanted:
        return False
    rest = phrase
    for d in sorted(wanted, key=lambda d: -d.start):
        rest = rest[: d.start] + " " + rest[d.end :]
    rest_words = {w for w in _words(rest)[1] if w not in _DEGREE_WORDS}
    for part in text.splitlines():  # by line: "B.S. Chemical Engineering" is one, though "B.S." ends in "."
        held = _degrees_in(part)
        if not all(any(_degree_grounds(w.degree, h.degree) for h in held) for w in wanted):
            continue
        fields = " ".join(h.degree.field or "" for h in held)
        if rest_words <= _words(part)[1] | _words(fields)[1]:
            return True
    return False


@lru_cache(maxsize=8192)
def _degrees_in(text: str) -> tuple[DegreeMention, ...]:
    return tuple(find_degrees(text))


def _degree_grounds(wanted: Degree, held: Degree) -> bool:
    """A held degree grounds a wanted one of its level, never a less specific one a more specific
    one: "a doctorate" does not ground "PhD"; any bachelor's grounds "Bachelor's degree"."""
    if wanted.field is not None and held.field is None:
        return False
    return same_degree(wanted, held)


def mentioned(text: str, phrases: Iterable[str]) -> list[str]:
    """The phrases that `text` mentions, in the given order."""
    return [p for p in phrases if mentions(text, p)]


def same_phrase(a: str, b: str) -> bool:
    """Two requirement phrases name the same thing (normalised text or lexicon canonical)."""
    if normalize_text(a) == normalize_text(b):
        return True
    ca, cb = _lexicon().canonical(a), _lexicon().canonical(b)
    return ca is not None and ca == cb
