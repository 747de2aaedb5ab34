"""Where a resume supports each requirement: JSON paths of the lines that mention it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.grounding._injection import is_injection
from app.grounding._match import mentions
from app.grounding._requirements import MUST, Requirement
from app.resume._document import iter_strings

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
_SKIP_TOP = {"basics.name", "basics.email", "basics.phone", "basics.url", "meta", "$schema", "references"}


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
    return lines


@dataclass
class EvidenceMap:
    requirements: list[Requirement]
    where: dict[str, list[str]] = field(default_factory=dict)  # requirement name -> paths

    @property
    def evidenced(self) -> list[Requirement]:
        return [r for r in self.requirements if self.where.get(r.name)]

    @property
    def unevidenced(self) -> list[Requirement]:
        return [r for r in self.requirements if not self.where.get(r.name)]

    def terms_for(self, path: str) -> list[str]:
        """Requirement names that the line at `path` evidences, must-haves first."""
        hits = [r for r in self.requirements if path in self.where.get(r.name, [])]
        return [r.name for r in sorted(hits, key=lambda r: r.importance != MUST)]

    def weight(self, path: str) -> int:
        return sum(
            2 if r.importance == MUST else 1 for r in self.requirements if path in self.where.get(r.name, [])
        )


def map_evidence(resume: dict[str, Any], requirements: list[Requirement]) -> EvidenceMap:
    lines = evidence_lines(resume)
    emap = EvidenceMap(requirements)
    for req in requirements:
        emap.where[req.name] = [path for path, text in lines if mentions(text, req.name)]
    return emap
