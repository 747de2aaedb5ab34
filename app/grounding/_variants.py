"""Ways to write the same name: "Sr." for "Senior", "Certified Public Accountant (CPA)" as "CPA",
"PRs" for "pull requests". Used to accept an honest rewording of a title, credential or phrase.
"""

from __future__ import annotations

import re

from app.grounding._normalize import STOPWORDS, normalize_text, tokens

# Abbreviations of words found in job titles and credentials, as normalise_text leaves them.
_WORD_ABBREVIATIONS = {
    "sr": "senior",
    "snr": "senior",
    "jr": "junior",
    "mgr": "manager",
    "asst": "assistant",
    "assoc": "associate",
    "dir": "director",
    "eng": "engineer",
    "engr": "engineer",
    "dev": "developer",
    "admin": "administrator",
    "exec": "executive",
    "coord": "coordinator",
    "rep": "representative",
    "spec": "specialist",
    "tech": "technician",
    "vp": "vice president",
    "svp": "senior vice president",
    "evp": "executive vice president",
    "avp": "assistant vice president",
}
# Small words that may stand for a letter ("POC": proof of concept, "ROI": return on investment);
# other small words never do ("needed a sales analyst" is not NASA).
_LETTER_WORDS = {"of", "and", "for", "on", "in", "to"}
_PAREN_ACRONYM_RE = re.compile(r"\(([A-Za-z]{2,8})s?\)")


def _initials_match(words: list[str], acronym: str) -> bool:
    return len(words) == len(acronym) and all(w.startswith(a) for w, a in zip(words, acronym, strict=True))


def _without_acronym_glosses(text: str) -> list[str]:
    """`text`, and `text` with its first "(ACR)" after the words it abbreviates written one way only."""
    m = _PAREN_ACRONYM_RE.search(text)
    if m is None:
        return [text]
    acronym = m.group(1).lower()
    before, after = tokens(text[: m.start()]), tokens(text[m.end() :])
    n = len(acronym)
    if len(before) >= n and _initials_match(before[-n:], acronym):
        long_only, short_only = before + after, [*before[:-n], acronym, *after]
        return [text, " ".join(long_only), " ".join(short_only)]
    if m.group(1).isupper():
        return [text, " ".join(before + after)]  # an acronym we cannot expand: compare without it
    return [text]  # "(Lead)", "(Contract)": words that change the meaning


def canonical_forms(text: str) -> set[str]:
    """Normalised spellings of a title or credential that mean the same ("Sr." = "Senior")."""
    forms = set()
    text = re.sub(r"\s*&\s*", " and ", text)  # "Logistics & Supply Chain" is "Logistics and Supply Chain"
    for variant in _without_acronym_glosses(text):
        words = [_WORD_ABBREVIATIONS.get(t, t) for t in tokens(variant)]
        forms.add(" ".join(" ".join(words).split()))
    return forms


def same_name(a: str, b: str) -> bool:
    """Whether two titles or credentials are the same, written differently."""
    if normalize_text(a) == normalize_text(b):
        return True
    return bool(canonical_forms(a) & canonical_forms(b))


def acronym_in(acronym: str, text: str) -> bool:
    """Whether `text` spells out `acronym` ("PRs" in "reviewed pull requests", "POC" in "proofs of
    concept"): consecutive words whose initials are its letters."""
    letters = acronym.lower()
    if letters.endswith("s") and len(letters) > 2 and acronym[-1] == "s":
        letters = letters[:-1]  # a plural: "PRs"
    if not (2 <= len(letters) <= 6) or not letters.isalpha():
        return False
    words = tokens(text)
    for start in range(len(words) - len(letters) + 1):
        window = words[start : start + len(letters)]
        if all(
            w.startswith(a) and (w not in STOPWORDS or w in _LETTER_WORDS)
            for w, a in zip(window, letters, strict=True)
        ):
            return True
    return False
