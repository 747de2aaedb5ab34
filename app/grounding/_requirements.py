"""What a JD asks for, by rules: section headings and cue words decide must-have vs nice-to-have;
the skills lexicon, degrees, acronyms and a few phrase patterns decide what the requirements are,
each a whole phrase the JD states (`_requirement_items`), alternatives ("Tableau or Power BI") one.

The 135M local model cannot extract requirements reliably (see the stack notes); rules can, and
anything a model proposes later is kept only if it occurs in the JD.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from app.grounding._normalize import normalize_text, strip_invisible
from app.grounding._requirement_items import line_requirements
from app.grounding._skills import SkillLexicon

Importance = Literal["must_have", "nice_to_have"]
MUST: Final = "must_have"
NICE: Final = "nice_to_have"

_NICE_CUES = re.compile(
    r"nice[- ]to[- ]have|preferred|prefer|bonus|\ba plus\b|is a plus|desirable|desired|ideally|"
    r"good to have|extra credit|advantage|atout|souhait|deseable|wünschenswert|plus:",
    re.IGNORECASE,
)
_MUST_CUES = re.compile(
    r"requirement|qualification|must|required|you have|you bring|you'll bring|you will bring|looking for|"
    r"skills|experience|minimum|basic|about you|who you are|your profile|profil|requisitos|anforderungen|"
    r"competen|what you need|what we need",
    re.IGNORECASE,
)
_RESPONSIBILITY_CUES = re.compile(
    r"responsibilit|what you'll do|what you will do|you will|the role|duties|day[- ]to[- ]day|missions|"
    r"tâches|your impact|in this role",
    re.IGNORECASE,
)
_SKIP_CUES = re.compile(
    r"about us|who we are|benefits|perks|what we offer|compensation|salary|equal opportunity|"
    r"how to apply|our values|why join|location",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Requirement:
    name: str  # the JD's whole phrase: "Python", "Tableau or Power BI", "BS in Computer Science"
    importance: Importance
    source_line: str
    alternatives: tuple[str, ...] = ()  # met by any one of them; () when it names one thing

    @property
    def options(self) -> tuple[str, ...]:
        """What a resume may show to meet it: its alternatives, or its name."""
        return self.alternatives or (self.name,)


def _is_heading(line: str) -> bool:
    """Markdown headings, "Requirements:", ALL CAPS, or a short unpunctuated line naming a section."""
    stripped = line.strip().strip("*_#").strip()
    if line.lstrip().startswith("#"):
        return True
    if line.lstrip()[:1] in "-*•·▪➢":
        return False
    words = stripped.rstrip(":").split()
    if not 0 < len(words) <= 8:
        return False
    if stripped.endswith(":") or stripped.isupper():
        return True
    return len(words) <= 6 and stripped[-1:] not in ".!?," and _section_kind(stripped) is not None


def _section_kind(heading: str) -> str | None:
    if _NICE_CUES.search(heading):
        return NICE
    if _SKIP_CUES.search(heading):
        return "skip"
    if _RESPONSIBILITY_CUES.search(heading):
        return "responsibility"
    if _MUST_CUES.search(heading):
        return MUST
    return None


_CONTINUES = re.compile(
    r"(?:,|\b(?:or|and|and/or|with|of|in|as|such as|including|like|e\.g\.)|[(/&])\s*$", re.IGNORECASE
)


def _logical_lines(text: str) -> list[str]:
    """The JD's lines, a line broken after "or", "and", "with" or a comma joined to the next one
    ("orchestration with Kubernetes or" / "ECS"), so that a requirement is read whole."""
    out: list[str] = []
    for raw in text.splitlines():
        bullet = raw.lstrip()[:1] in "-*•·▪➢>"
        if out and _CONTINUES.search(out[-1]) and raw.strip() and not bullet and not _is_heading(raw):
            out[-1] = out[-1].rstrip() + " " + raw.strip()
            continue
        out.append(raw)
    return out


def _posting_header(lines: list[str]) -> int:
    """How many lines open the posting as its header: title, employer, place, schedule ("Senior Data
    Engineer" / "Acme Health · Remote (US)"), a block of at most four short lines, no bullet, no
    heading, no sentence, set off by a blank line before the body. A header states the job, not what
    it asks ("on-site, 4 days/week" is no requirement)."""
    block = 0
    while block < len(lines) and lines[block].strip():
        block += 1
    if not 1 <= block <= 4 or block == len(lines) or not any(x.strip() for x in lines[block:]):
        return 0
    head = lines[:block]
    if any(
        x.lstrip()[:1] in "-*•·▪➢#" or _is_heading_cue(x) or len(x.split()) > 16 or x.rstrip()[-1:] in ".!?"
        for x in head
    ):  # a sentence is the body already: "We are hiring a Python developer."
        return 0
    return block


def _is_heading_cue(line: str) -> bool:
    stripped = line.strip().strip("*_#").strip()
    return stripped.endswith(":") or _section_kind(stripped) in (MUST, NICE)


def extract_requirements(jd_text: str, lexicon: SkillLexicon | None = None) -> list[Requirement]:
    """Requirements in JD order, de-duplicated; a must-have mention wins over a nice-to-have one."""
    lexicon = lexicon or SkillLexicon.default()
    found: dict[str, Requirement] = {}
    section: str | None = None
    lines = _logical_lines(strip_invisible(jd_text))
    for raw_line in lines[_posting_header(lines) :]:
        line = raw_line.strip().lstrip("-*•·▪➢>").strip()
        if not line:
            continue
        if _is_heading(raw_line):
            section = _section_kind(line)
            if not lexicon.find(line):
                continue
        if section == "skip":
            continue
        importance: Importance = MUST
        if _NICE_CUES.search(line) or section == NICE:
            importance = NICE
        for stated in line_requirements(line, lexicon):
            key = normalize_text(stated.name)
            # "MEDDIC or MEDDPICC" (an alias) and "pytest or similar" are MEDDIC and pytest again
            options = {normalize_text(o) for o in stated.alternatives} or {key}
            key = next(
                (k for k, r in found.items() if {normalize_text(o) for o in r.options} == options), key
            )
            existing = found.get(key)
            if existing is None or (existing.importance == NICE and importance == MUST):
                found[key] = Requirement(stated.name, importance, line, stated.alternatives)
    return list(found.values())
