"""Credentials the source has not (yet, or any longer) earned, for `fabrication`'s structured half.

A source line that names a credential with a status ("Currently studying for AWS Certified
Solutions Architect – Associate", "Associate in Risk Management (ARM): two of three courses
completed", "NRP (lapsed 2019)") grounds the credential only with a status: an output
qualification that names it must say so too ("ARM in progress", "(in preparation)"), else it shows
as held what the source only works toward. Restated with a status, it is the source's, however
its name is spelled out ("ARRT Magnetic Resonance Imaging (MR) — in preparation" for "Studying for
the ARRT MRI post-primary exam").

A credential is named by its distinctive words: those of the marked line that no line naming a
held credential uses ("MRI" beside a held "ARRT"), and its acronym, or an acronym the source writes
only on marked lines, stands for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.grounding import content_words, find_degrees
from evals.scorers._base import Offense
from evals.scorers._fabrication_qualifications import STATUS_RE, credential_role

_CREDENTIAL_RE = re.compile(r"(?i)certif|licen[cs]|credential|registry|registered|designation|\bexam\b")
_NOT_NAME = frozenset(
    content_words(
        "currently status exam exams course courses completed started scheduled taken not yet planned "
        "certificate certification certified credential license post-primary the for of in"
    )
)
_ACRONYM_RE = re.compile(r"\b[A-Z][A-Z0-9]{1,7}\b")
_YEAR_RE = re.compile(r"^\d[\d/-]*$")


@dataclass(frozen=True)
class Pending:
    words: frozenset[str]  # the distinctive words of its name
    acronyms: frozenset[str]  # acronyms that stand for it


def pending_credentials(source: dict[str, Any], src_text: str) -> list[Pending]:
    cert_names = [
        str(e.get("name")) for e in source.get("certificates") or [] if isinstance(e, dict) and e.get("name")
    ]
    lines = _entry_lines(source) + [
        c for ln in src_text.splitlines() for c in re.split(r"\s*[;·|]\s*", ln) if c.strip()
    ]

    def credential_line(line: str) -> bool:
        return bool(_CREDENTIAL_RE.search(line)) or any(n in line for n in cert_names)

    marked = [ln for ln in lines if STATUS_RE.search(ln) and credential_line(ln) and not find_degrees(ln)]
    unmarked = [ln for ln in lines if not STATUS_RE.search(ln) and not any(ln.strip() in m for m in marked)]
    held_words = {w for ln in unmarked if credential_line(ln) for w in content_words(ln)}
    unmarked_text = "\n".join(unmarked)
    out = []
    for line in marked:
        name = STATUS_RE.sub(" ", line)
        words = {
            w
            for w in content_words(name)
            if w not in _NOT_NAME and w not in held_words and not _YEAR_RE.match(w)
        }
        own = set(re.findall(r"\(([A-Z][A-Z0-9]{1,7})\)", name))
        rare = {a for a in _ACRONYM_RE.findall(name) if re.search(rf"\b{a}\b", unmarked_text) is None}
        acronyms = {a for a in own | rare if a.lower() in words}
        if words:
            out.append(Pending(frozenset(words), frozenset(acronyms)))
    return out


def _entry_lines(source: dict[str, Any]) -> list[str]:
    """Each certificate entry of the source as one line, with the entries its parse split off
    that are only a status ("AWS Certified Cloud Practitioner — status: studying, not yet taken")."""
    from evals.scorers._fabrication_qualifications import status_only

    out: list[str] = []
    for entry in source.get("certificates") or []:
        if not isinstance(entry, dict):
            continue
        text = ", ".join(str(v) for v in entry.values() if isinstance(v, str))
        if out and status_only(text):
            out[-1] += ", " + text
        else:
            out.append(text)
    return out


def _initials(text: str) -> set[str]:
    """The initials of each run of capitalised words ("Magnetic Resonance Imaging": "MRI")."""
    out = set()
    for run in re.findall(r"(?:[A-Z][\w'-]*(?:\s+(?:of|and|in|for|&)\s+|\s+)?)+", text):
        letters = "".join(w[0] for w in run.split() if w[0].isupper())
        out |= {letters[i:j] for i in range(len(letters)) for j in range(i + 2, len(letters) + 1)}
    return out


def names(item: str, pending: Pending) -> bool:
    if pending.acronyms and (
        any(re.search(rf"\b{a}\b", item) for a in pending.acronyms) or pending.acronyms & _initials(item)
    ):
        return True
    return pending.words <= set(content_words(item))


def _items(value: str) -> list[str]:
    return [p.strip() for p in re.split(r"\s*[;·|]\s*", value) if p.strip()]


def marked_restatement(entry: dict[str, Any], pending: list[Pending]) -> bool:
    """An output certificate that names a pending credential with a status: the source's."""
    text = ", ".join(str(v) for v in entry.values() if isinstance(v, str))
    return bool(STATUS_RE.search(text)) and any(names(text, p) for p in pending)


def shown_as_held(sample: Any) -> list[Offense]:
    """Each output qualification (a certificate, a school's entry, a credentials list read as a
    role) that names a pending source credential with no status."""
    pending = pending_credentials(sample.source, sample.grounding_text)
    if not pending:
        return []
    out = []
    for section in ("certificates", "education", "work", "volunteer"):
        for i, entry in enumerate(sample.output.get(section) or []):
            if not isinstance(entry, dict):
                continue
            if section in ("work", "volunteer") and not credential_role(entry, sample.source):
                continue
            whole = ", ".join(str(v) for v in entry.values() if isinstance(v, str))
            for key, value in entry.items():
                if not isinstance(value, str) or key in ("date", "startDate", "endDate", "url"):
                    continue
                for item in _items(value):
                    if not any(names(item, p) for p in pending) or STATUS_RE.search(item):
                        continue
                    if section != "work" and section != "volunteer" and STATUS_RE.search(whole):
                        continue
                    path = f"{section}[{i}].{key}"
                    out.append(
                        Offense(
                            "certification",
                            item,
                            f"{path}: the source has it only in progress, not held",
                            path,
                        )
                    )
    return out
