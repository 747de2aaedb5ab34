"""What a JD asks for, by rules: section headings and cue words decide must-have vs nice-to-have,
the skills lexicon and a few phrase patterns decide what the requirements are.

The 135M local model cannot extract requirements reliably (see the stack notes); rules can, and
anything a model proposes later is kept only if it occurs in the JD.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from app.grounding._normalize import STOPWORDS, normalize_text, strip_invisible
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
_PHRASE_RE = re.compile(
    r"(?:experience (?:with|in)|knowledge of|proficien(?:t|cy) (?:in|with)|familiarity with|expertise in|"
    r"background in|skilled in|understanding of|certified in|certification in)\s+"
    r"(?P<x>[a-z0-9][a-z0-9&/+#.' -]{2,60}?)(?=[,.;:()]| and | or | to | for | such | including |$)",
    re.IGNORECASE,
)
_LEADING_DETERMINER = re.compile(
    r"^(?:a|an|the|some|any|our|your|their|its|this|these|that)\s+", re.IGNORECASE
)
_PRONOUNS = {"you", "your", "yours", "we", "our", "ours", "they", "their", "it", "its", "us", "them"}
_ACRONYM_RE = re.compile(r"(?<![A-Za-z0-9])[A-Z][A-Z0-9&]{1,6}(?![A-Za-z0-9])")
_ACRONYM_STOP = frozenset(
    """US USA EU UK OR AND CV JD OK HQ FTE PTO EOE TBD ETC NOTE AI IT WE YOU THE A I NB PS FAQ DEI NYC
    SF LA
    AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND
    OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC ON BC QC NSW OTE DOE EEO EEOC ID USD EUR GBP CAD
    K M B Q1 Q2 Q3 Q4 FY YOY""".split()
)
_GENERIC = frozenset(
    """fast paced environment team teams dynamic startup start company industry field related similar
    role position work working years year plus strong good excellent great solid proven relevant
    equivalent setting large small""".split()
)


@dataclass(frozen=True)
class Requirement:
    name: str
    importance: Importance
    source_line: str


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


def _phrases(line: str, lexicon: SkillLexicon) -> list[str]:
    out = []
    for skill in reversed(lexicon.find(line)):  # what the lexicon names is not a phrase or acronym again
        line = line[: skill.start] + " " * (skill.end - skill.start) + line[skill.end :]
    for m in _PHRASE_RE.finditer(line):
        phrase = _LEADING_DETERMINER.sub("", m.group("x").strip(" .-'"))
        words = normalize_text(phrase).split()
        content = [w for w in words if w not in STOPWORDS]
        if (
            not content
            or len(words) > 4
            or all(w in _GENERIC for w in content)
            or any(w in _PRONOUNS for w in words)
            or lexicon.find(phrase)
        ):
            continue
        out.append(phrase)
    for acronym in _ACRONYM_RE.finditer(line):
        token = acronym.group(0)
        if token not in _ACRONYM_STOP and lexicon.canonical(token) is None:
            out.append(token)
    return out


def extract_requirements(jd_text: str, lexicon: SkillLexicon | None = None) -> list[Requirement]:
    """Requirements in JD order, de-duplicated; a must-have mention wins over a nice-to-have one."""
    lexicon = lexicon or SkillLexicon.default()
    found: dict[str, Requirement] = {}
    section: str | None = None
    for raw_line in strip_invisible(jd_text).splitlines():
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
        names = [m.canonical for m in lexicon.find(line)] + _phrases(line, lexicon)
        for name in names:
            key = normalize_text(name)
            existing = found.get(key)
            if existing is None or (existing.importance == NICE and importance == MUST):
                found[key] = Requirement(name, importance, line)
    return list(found.values())
