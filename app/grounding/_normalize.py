"""Text normalisation shared by the pipeline's checks and the scorers.

Comparisons happen on normalised text: NFKC, no invisible characters, one kind of dash and quote,
lower case, collapsed white space. Tokens keep technical shapes whole (c++, c#, .net, node.js, ci/cd).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Zero-width and other invisible format characters that hide text from a reader.
INVISIBLE_RE = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\u00ad\u180e\U000e0000-\U000e007f]"
)
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00b4": "'"})
TOKEN_RE = re.compile(r"[a-z0-9][a-z0-9+#]*(?:[./'&-][a-z0-9+#]+)*[+#]*|\.[a-z][a-z0-9]*", re.IGNORECASE)

STOPWORDS = frozenset(
    """a an and are as at be been being but by can could did do does for from had has have having he
    her him his i if in into is it its me my of on or our ours out over she so than that the their
    them then there these they this those through to too under up us was we were what when where
    which while who whom why will with within would you your yours also such via per each both
    either any all other more most some very just only own same about across after again against
    before below between during further here how no nor not off once further s t don should now""".split()
)


def strip_invisible(text: str) -> str:
    return INVISIBLE_RE.sub("", text)


def normalize_text(text: str) -> str:
    """Canonical form for comparison: NFKC, no invisibles, plain dashes/quotes, lower, one space."""
    text = unicodedata.normalize("NFKC", strip_invisible(text)).translate(_DASHES).translate(_QUOTES)
    return " ".join(text.lower().split())


def tokens(text: str) -> list[str]:
    return [t.strip(".'-&") or t for t in TOKEN_RE.findall(normalize_text(text))]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light, predictable English stemmer: enough for 'managed'/'managing'/'manages'."""
    w = word.lower()
    if len(w) <= 4 or not w.isalpha():
        return w
    for suffix, repl in (
        ("ational", "ate"),
        ("ization", "ize"),
        ("isation", "ize"),
        ("ies", "y"),
        ("ied", "y"),
        ("ing", ""),
        ("ed", ""),
        ("ment", ""),
        ("ness", ""),
        ("es", ""),
        ("s", ""),
    ):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)] + repl
            break
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
        w = w[:-1]
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]  # manage/managed, license/licensed, oscilloscope/oscilloscopes
    return w


def content_words(text: str) -> list[str]:
    """Stems of the words that carry meaning, in order."""
    return [stem(t) for t in tokens(text) if t not in STOPWORDS and len(t) > 1]


def contains_phrase(haystack: str, needle: str) -> bool:
    """Whole-word containment of `needle` in `haystack`, both normalised."""
    h, n = normalize_text(haystack), normalize_text(needle)
    if not n:
        return False
    return re.search(rf"(?<![a-z0-9]){re.escape(n)}(?![a-z0-9+#])", h) is not None


# Derivational endings, longest first: "collaboration", "collaborated" and "collaborative" are one family.
_FAMILY_SUFFIXES = tuple(
    sorted(
        """ationally ational ations ation ators ator atives ative ating ated ates ate izations ization
        isations isation izing ising ized ised izes ises ize ise itions ition ions ion ively ive ities ity
        ically ical ally ments ment ness ings ing ied ies ed es ly al s""".split(),
        key=len,
        reverse=True,
    )
)
_INFLECTIONS = frozenset("s es ed ing ings ied ies ly".split())


@lru_cache(maxsize=65536)
def word_family(word: str) -> str:
    """A word's family, for matching requirements: stronger than `stem` ("communication" and
    "communicated" -> "communic"; "functional" and "function" -> "funct"). Only ever used as an extra
    way to match, beside `stem`, so it can add evidence and never remove any."""
    w = word.lower()
    if not w.isalpha() or len(w) <= 5:
        return stem(w)
    for inflections in (True, False):  # then once more for a derivation under an inflection
        for suffix in _FAMILY_SUFFIXES:
            if (
                not w.endswith(suffix)
                or len(w) - len(suffix) < 4
                or (not inflections and suffix in _INFLECTIONS)
            ):
                continue
            if suffix == "s" and w[-2] in "siu":  # analysis, status, class
                continue
            w = w[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
            break
    if len(w) > 4 and w[-1] == "e":
        w = w[:-1]
    if len(w) > 4 and w[-1] == w[-2] and w[-1] not in "lsz":
        w = w[:-1]
    return w


def family_words(text: str) -> list[str]:
    """Families of the words that carry meaning; hyphenated compounds count word by word
    ("cross-functional" -> "cross", "funct")."""
    out = []
    for token in tokens(text):
        for part in token.split("-") if "-" in token else (token,):
            if part not in STOPWORDS and len(part) > 1:
                out.append(word_family(part))
    return out
