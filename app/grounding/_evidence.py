"""Where a resume supports each requirement: JSON paths of the lines that mention it.

A requirement with alternatives ("Tableau or Power BI") is supported by a line that shows any one of
them, and the line's terms are the alternatives it shows, never the ones it does not.
`map_evidence` takes the matcher as a parameter: `mentions` (lexical) by default; a grounding that
also knows categories (Git is a kind of version control) plugs in there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.grounding._injection import is_injection
from app.grounding._match import mentions
from app.grounding._requirements import MUST, Requirement
from app.resume import iter_strings

# Fields whose text can evidence a requirement (not contact details, not dates or URLs).
_EVIDENCE_KEYS = {
    "summary",
    "label",
    "highlights",
    "keywords",
    "name",
    "position",
    "description",
    "area",
    "studyType",
    "courses",
    "title",
    "language",
    "roles",
    "issuer",
}
# (line text, phrase) -> whether the line grounds the phrase.
LineMatcher = Callable[[str, str], bool]
_SKIP_TOP = {"basics.name", "basics.email", "basics.phone", "basics.url", "meta", "$schema", "references"}
# A part of a line that states something as not (or no longer) held: "working toward MISRA C",
# "CRDE - coursework started", "NRP (lapsed 2019)", "ARM: two of three courses completed".
_UNSETTLED = re.compile(
    r"\b(?:working towards?|pursuing|studying for|preparing for|in pursuit of|in progress|in-progress|"
    r"coursework (?:started|underway|in progress)|not yet (?:held|certified|licensed|scheduled|passed|taken)|"
    r"lapsed|expired|\w+ of \w+ (?:courses|exams|parts|modules|sections) (?:completed|passed|done))\b",
    re.IGNORECASE,
)
# Fields that give an entry's issuer, dates or status, not what the entry says it shows.
_STATUS_KEYS = {"issuer", "date", "startDate", "endDate", "status", "fluency", "level"}
_PARTS = re.compile(r"\s*(?:[;·•|]|(?<=[.!?])\s)\s*")


def path_str(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def evidence_lines(resume: dict[str, Any]) -> list[tuple[str, str]]:
    """(path, text) for every line of the resume that can carry evidence."""
    lines = []
    for path, text in iter_strings(resume):
        keys = [p for p in path if isinstance(p, str)]
        dotted = ".".join(keys[:2])
        if not keys or dotted in _SKIP_TOP or keys[0] in _SKIP_TOP or keys[-1] not in _EVIDENCE_KEYS:
            continue
        if keys[0] == "basics" and keys[-1] not in ("summary", "label"):
            continue
        if text.strip() and not is_injection(text):  # an injected line evidences nothing
            lines.append((path_str(path), text))
    for i, school in enumerate(resume.get("education") or []):
        degree = (
            " ".join(str(school.get(k) or "") for k in ("studyType", "area")).strip()
            if isinstance(school, dict)
            else ""
        )
        if " " in degree and not is_injection(degree):  # "BSc" + "Computer Science": one degree, one line
            lines.append((f"education[{i}]", degree))
    return lines


@dataclass
class EvidenceMap:
    requirements: list[Requirement]
    where: dict[str, list[str]] = field(default_factory=dict)  # requirement name -> paths
    # requirement name -> path -> what the line shows of it (its name, or the alternatives it shows)
    shown: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    @property
    def evidenced(self) -> list[Requirement]:
        return [r for r in self.requirements if self.where.get(r.name)]

    @property
    def unevidenced(self) -> list[Requirement]:
        return [r for r in self.requirements if not self.where.get(r.name)]

    def terms_for(self, path: str) -> list[str]:
        """What the line at `path` evidences, must-haves first: requirement names, or for a requirement
        with alternatives the alternatives the line shows ("Tableau", not "Tableau or Power BI")."""
        hits = [r for r in self.requirements if path in self.where.get(r.name, [])]
        terms = [t for r in sorted(hits, key=lambda r: r.importance != MUST) for t in self._shown(r, path)]
        return list(dict.fromkeys(terms))

    def shown_as(self, requirement: Requirement) -> list[str]:
        """What the resume shows of a requirement anywhere: its name, or the alternatives it shows."""
        return list(
            dict.fromkeys(
                t for p in self.where.get(requirement.name, []) for t in self._shown(requirement, p)
            )
        )

    def evidenced_terms(self) -> list[str]:
        """What the resume shows of each evidenced requirement, in requirement order (for a summary)."""
        return list(dict.fromkeys(t for r in self.evidenced for t in self.shown_as(r)))

    def _shown(self, requirement: Requirement, path: str) -> list[str]:
        return self.shown.get(requirement.name, {}).get(path) or [requirement.name]

    def weight(self, path: str) -> int:
        return sum(
            2 if r.importance == MUST else 1 for r in self.requirements if path in self.where.get(r.name, [])
        )


def settled_text(text: str) -> str:
    """`text` without the parts of it that state something as in progress, lapsed or expired: such a
    part evidences no requirement (a credential one is working toward is not held)."""
    if not _UNSETTLED.search(text):
        return text
    return " · ".join(part for part in _PARTS.split(text) if part and not _UNSETTLED.search(part))


def _unsettled_entries(resume: dict[str, Any]) -> list[str]:
    """Entries a short field of which gives their status as lapsed or in progress ("NRP", issuer
    "lapsed"): the paths of those entries (with the "." or "[" that ends them), none of whose lines
    evidences anything."""
    out = []
    for path, text in iter_strings(resume):
        if len(path) > 1 and path[-1] in _STATUS_KEYS and _UNSETTLED.search(text):
            parent = path_str(path[:-1])
            out += [parent + ".", parent + "["]
    return out


def map_evidence(
    resume: dict[str, Any], requirements: list[Requirement], *, matcher: LineMatcher = mentions
) -> EvidenceMap:
    """Which lines evidence each requirement, by `matcher` (the lexical `mentions` by default)."""
    lapsed = _unsettled_entries(resume)
    lines = [
        (path, "" if any(path.startswith(e) for e in lapsed) else settled_text(text))
        for path, text in evidence_lines(resume)
    ]
    emap = EvidenceMap(requirements)
    for req in requirements:
        shown: dict[str, list[str]] = {}
        for path, text in lines:
            hits = [option for option in req.options if matcher(text, option)]
            if hits:
                shown[path] = hits if req.alternatives else [req.name]
        emap.where[req.name] = list(shown)
        emap.shown[req.name] = shown
    return emap
