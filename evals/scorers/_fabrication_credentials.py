"""The certification words of `fabrication`'s free-text check: "certified", "licensed" and what
follows them must be the source's. A certification word is grounded by the credential it names,
by the credentials the source's certificates or licenses section lists ("ACLS and BLS certified"),
or as the verb of a line the source states ("certified eleven developmental controllers")."""

from __future__ import annotations

import re
from typing import Any, Protocol

from app.grounding import STOPWORDS, acronym_in, contains_phrase, content_words, stem, without_quantities

CERT_RE = re.compile(
    r"\b(?:certified|certification|certificate|licensed|license)\b[^.;,]{0,40}", re.IGNORECASE
)


class SourceFacts(Protocol):
    """What these checks read of the source (`fabrication._Source` is one)."""

    text: str
    norm: str
    lines: list[set[str]]
    credentials: str  # the names and issuers of the certificates and licenses it lists


_NOT_CURRENT_RE = re.compile(r"(?i)\b(?:lapsed|expired|inactive|pending|in progress|expected|applied for)\b")


def not_current(entry: dict[str, Any]) -> bool:
    """A certificate the source marks lapsed, expired or pending ("NRP (lapsed 2019)"): it grounds no
    claim to hold it now ("RRT, ACLS, BLS and NRP certified")."""
    return any(_NOT_CURRENT_RE.search(str(v)) for v in entry.values() if isinstance(v, str))


def certification_offenses(text: str, src: SourceFacts) -> list[tuple[str, str, str]]:
    return [
        ("certification", c.group(0).strip(), "the source states no such certification")
        for c in CERT_RE.finditer(text)
        if not _credential_grounded(c.group(0), src)
        and not _listed_before(text[: c.start()], src)
        and not _certified_as_a_verb(c.group(0), src)
    ]


def _listed_before(before: str, src: SourceFacts) -> bool:
    """ "ACLS and BLS certified", "BLS-certified": the words before the certification word, in its
    clause, all name credentials the source's certificates or licenses section lists."""
    clause = re.split(r"[.;:,()]", before)[-1]
    names = [w for w in re.findall(r"[A-Za-z][\w+&/-]*", clause.rstrip("- ")) if w.lower() not in STOPWORDS]
    return bool(names and src.credentials) and all(contains_phrase(src.credentials, w) for w in names)


def _certified_as_a_verb(mention: str, src: SourceFacts) -> bool:
    """ "certified eleven developmental controllers" for the source's "Certified 11 developmental
    controllers", "TLS certificate rotation using Python" for "TLS certificate rotation with
    Python": the word and what follows it on one source line (all but a word of a rewrite's own),
    numbers compared elsewhere."""
    trigger, _, rest = mention.strip().partition(" ")
    words = set(content_words(without_quantities(rest)))
    root = stem(trigger.lower())[:6]
    needed = len(words) if len(words) <= 2 else len(words) - 1
    return bool(words) and any(
        len(words & line) >= needed and any(w.startswith(root) for w in line) for line in src.lines
    )


_CREDENTIAL_STOP_RE = re.compile(
    r"\b(?:and|or|with|for|since|from|at|by|to|who|which|in|through|via|during|while)\b|[(]", re.IGNORECASE
)


def _credential_grounded(mention: str, src: SourceFacts) -> bool:
    """ "licensed CPA" is grounded by a source that names the CPA; "certified management accountant"
    needs "certified" and "management accountant" in the source; "AWS Certified data scientist" needs
    the source to say "certified" at all."""
    trigger, _, rest = mention.strip().partition(" ")
    rest = re.sub(r"^(?:in|as|an?|the)\s+", "", rest.strip(), flags=re.IGNORECASE)
    words = _CREDENTIAL_STOP_RE.split(rest, maxsplit=1)[0].split()
    root = "licens" if trigger.lower().startswith("licens") else "certifi"
    trigger_stated = re.search(rf"(?<![a-z]){root}", src.norm) is not None  # "ACLS-certified" counts
    if not words:
        return trigger_stated
    if all(w.rstrip("s").isupper() for w in words):  # "CPA": the credential names itself
        return all(contains_phrase(src.text, w) or acronym_in(w, src.text) for w in words)
    return trigger_stated and contains_phrase(src.text, " ".join(words))
