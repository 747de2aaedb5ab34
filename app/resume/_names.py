"""A person's name as resumes write it: "Priya Ramanathan, RN, BSN", "Jonathan Pierce-Walden, Esq.".

Credentials after the name (post-nominals) are part of how the candidate signs, so the header keeps
them, but they are not the name: "BSN" or "Ph.D." must not be pseudonymised wherever the resume
mentions the degree, and "Esq." must not make the name line look like a sentence.
"""

from __future__ import annotations

import re

POSTNOMINALS = frozenset(
    "phd dphil md do dds dmd dvm pharmd jd esq jr sr ii iii iv rn bsn msn lpn np aprn crna cna cpa cfa "
    "cma pmp pe peng mba ms msc ma ba bs bsc beng meng llb llm edd psyd lcsw lmft cissp phr sphr ccrn "
    "aia faia cpcu cfp ea frcs mrcp facs ceng mcips acca aca cima fcca".split()
)


def _is_postnominal(part: str, *, caps_name: bool) -> bool:
    bare = part.replace(".", "").strip()
    if bare.lower() in POSTNOMINALS:
        return True
    # An unknown acronym ("CCRP") is a credential after a mixed-case name, not after "DOE, JANE".
    return not caps_name and bare.isupper() and 2 <= len(bare) <= 6


def split_postnominals(name: str) -> tuple[str, str]:
    """("Priya Ramanathan", "RN, BSN") for "Priya Ramanathan, RN, BSN"; ("Doe, Jane", "") for "Doe, Jane"."""
    head, sep, tail = name.partition(",")
    parts = [p for p in re.split(r"[\s,]+", tail) if p]
    letters = [c for c in head if c.isalpha()]
    caps_name = bool(letters) and all(c.isupper() for c in letters)
    if sep and parts and all(_is_postnominal(p, caps_name=caps_name) for p in parts):
        return head.strip(), tail.strip()
    return name.strip(), ""
