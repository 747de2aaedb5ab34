"""Text-resume structure for `_parse_text`: inline markup, bullets and section headings.

Everything here is deterministic string work; no pattern can backtrack badly (spans are bounded).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from app.grounding import INVISIBLE_RE
from app.resume._sections_dates import find_range
from app.resume._sections_labels import labelled_line, table_columns

# ---------------------------------------------------------------- text cleaning
_SPACES = str.maketrans(
    {
        c: " "
        for c in "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
    }
)
BULLET_RE = re.compile(r"^(\s*)(?:[-*+]\s+|[•▪‣◦●○■□➢➤►▶✓✔❖→»·∙◆◇–—]\s*|\d{1,2}[.)]\s+)(?=\S)")
MD_HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
RULE_RE = re.compile(r"^\s*(?:[-=_*]\s*){3,}$")
_LINK_RE = re.compile(r"!?\[([^\[\]\n]{0,300})\]\(([^()\s\[\]]{1,300})\)")
_EMPHASIS = (
    re.compile(r"\*\*(?=\S)(.{1,300}?)(?<=\S)\*\*"),
    re.compile(r"(?<![\w])__(?=\S)(.{1,300}?)(?<=\S)__(?![\w])"),
    re.compile(r"(?<![\w*])\*(?=[^\s*])(.{1,300}?)(?<=[^\s*])\*(?![\w*])"),
    re.compile(r"(?<![\w])_(?=[^\s_])(.{1,300}?)(?<=[^\s_])_(?![\w])"),
    re.compile(r"~~(?=\S)(.{1,300}?)(?<=\S)~~"),
    re.compile(r"`([^`\n]{1,300})`"),
)
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")


def normalize_input(text: str) -> list[str]:
    """CRLF/CR -> LF, invisible characters removed, exotic spaces -> space; lines right-stripped."""
    text = INVISIBLE_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).translate(_SPACES)
    return [line.rstrip() for line in text.split("\n")]


def _link(m: re.Match[str]) -> str:
    label, url = m.group(1).strip(), m.group(2)
    bare = re.sub(r"^(?:https?://|mailto:)(?:www\.)?", "", url).rstrip("/")
    if not label or label.lower().rstrip("/") in (url.lower(), bare.lower()):
        return label or url
    return f"{label} ({url})"


@lru_cache(maxsize=8192)
def clean_inline(text: str) -> str:
    """Markdown links -> 'text (url)', emphasis/code marks and escapes removed, outer space stripped."""
    text = _LINK_RE.sub(_link, text)
    for pattern in _EMPHASIS:
        text = pattern.sub(r"\1", text)
    return _ESCAPE_RE.sub(r"\1", text).strip()


def split_bullet(line: str) -> tuple[bool, int, str]:
    """(is_bullet, indent, text without marker)."""
    if m := BULLET_RE.match(line):
        return True, len(m.group(1).expandtabs(4)), line[m.end() :].strip()
    stripped = line.lstrip()
    return False, len(line[: len(line) - len(stripped)].expandtabs(4)), stripped


# ---------------------------------------------------------------- section headings
SKIP_FIRST = {"resume", "résumé", "cv", "curriculum vitae", "curriculum", "lebenslauf", "currículum"}
_ALIASES = {  # heading (lower case) -> section; "|" separates aliases
    "summary": (
        "summary|professional summary|profile|professional profile|about|about me|objective|"
        "career objective|career summary|executive summary|overview|personal statement|"
        "summary of qualifications|qualifications summary|personal profile|profil|"
        "profil professionnel|à propos|a propos|résumé|resumen|perfil|perfil profesional|sobre mí|"
        "sobre mi|objetivo|zusammenfassung|über mich|kurzprofil"
    ),
    "work": (
        "experience|work experience|professional experience|employment|employment history|"
        "work history|career history|relevant experience|professional background|work|internships|"
        "clinical experience|teaching experience|research experience|military service|"
        "academic appointments|appointments|academic positions|positions|positions held|"
        "professional appointments|academic experience|industry experience|expérience|"
        "expériences|expérience professionnelle|expériences professionnelles|experiencia|"
        "experiencia profesional|experiencia laboral|berufserfahrung|berufliche erfahrung|"
        "beruflicher werdegang|werdegang"
    ),
    "education": (
        "education|academic background|education and training|academics|degrees|formation|"
        "formations|éducation|études|parcours académique|educación|formación|formación académica|"
        "estudios|ausbildung|bildung|bildungsweg|studium|akademischer werdegang"
    ),
    "skills": (
        "skills|technical skills|core competencies|competencies|key skills|expertise|"
        "areas of expertise|skills and abilities|technologies|technical proficiencies|"
        "proficiencies|skill set|skillset|tech stack|tools|systems|software|systems and tools|"
        "tools and systems|compétences|compétences techniques|"
        "habilidades|competencias|conocimientos|aptitudes|kenntnisse|fähigkeiten|kompetenzen|"
        "fachkenntnisse|it-kenntnisse"
    ),
    "projects": (
        "projects|personal projects|selected projects|key projects|side projects|"
        "academic projects|open source|projets|proyectos|projekte"
    ),
    "qualifications": "qualifications|professional qualifications|academic and professional qualifications",
    "certificates": (
        "certifications|certificates|certification|licenses|licences|licensure|credentials|"
        "licenses and certifications|certifications and licenses|certificaciones|certificados|"
        "zertifikate|zertifizierungen"
    ),
    "awards": (
        "awards|honors|honours|honors and awards|awards and honors|recognition|"
        "distinctions|prix|premios|reconocimientos|auszeichnungen"
    ),
    "languages": (
        "languages|language skills|spoken languages|langues|idiomas|lenguas|sprachen|sprachkenntnisse"
    ),
    "volunteer": (
        "volunteer|volunteering|volunteer experience|volunteer work|community service|"
        "community involvement|bénévolat|voluntariado|ehrenamt|ehrenamtliches engagement"
    ),
    "publications": (
        "publications|selected publications|papers|research publications|publicaciones|"
        "publikationen|veröffentlichungen"
    ),
    "interests": (
        "interests|hobbies|hobbies and interests|personal interests|centres d'intérêt|"
        "centres d'intérêts|centres d'interet|loisirs|intereses|aficiones|interessen|hobbys|"
        "freizeit"
    ),
    # Recognised as headings, kept verbatim in "x-sections".
    "x": (
        "achievements|selected achievements|key achievements|accomplishments|key accomplishments|"
        "selected accomplishments|key results|results|career highlights|highlights|"
        "references|activities|extracurricular activities|leadership|affiliations|"
        "professional affiliations|memberships|professional memberships|patents|talks|"
        "presentations|conferences|speaking|training|courses|coursework|additional information|"
        "additional|other|miscellaneous|research|teaching|leadership and activities|références|"
        "referencias|referenzen|sonstiges"
    ),
}
ALIASES = {alias: key for key, names in _ALIASES.items() for alias in names.split("|")}
_FALLBACK: list[tuple[str, str]] = re.findall(  # (section, stem), in order, for headings with no exact alias
    r"(\S+)=(\S+)",
    "volunteer=volunteer projects=project work=experience work=employment work=erfahrung work=expérience "
    "work=experiencia education=education skills=skill skills=competenc skills=compétence "
    "certificates=certif certificates=licens awards=award awards=honor awards=honour "
    "publications=publication interests=interest interests=hobb summary=summary summary=profile "
    "summary=objective x=accomplishment x=achievement x=highlight x=presentation x=speaking",
)
_SKILL_LABELS = {"skills", "languages"}
_LIST_SECTIONS = {
    "certificates",
    "awards",
    "publications",
    "interests",
    "skills",
    "languages",
}  # weak headings inside Skills are group labels ("Languages:")


def heading_text(line: str) -> str:
    if m := MD_HEADING_RE.match(line):
        line = m.group(2)
    text = clean_inline(line).strip()
    return re.sub(r"^[^\w(]+|[\s:：.\-–—|]+$", "", text)


def _alias(title: str) -> str | None:
    """The section an exact heading names ("Work History"), or None."""
    return ALIASES.get(" ".join(title.lower().replace("&", " and ").replace("/", " and ").split()))


def section_key(title: str) -> str | None:
    if (exact := _alias(title)) is not None:
        return exact
    if table_columns(title):
        return "work"  # a table's column names head the roles below them
    low = " ".join(title.lower().replace("&", " and ").replace("/", " and ").split())
    if len(low.split()) > 5 or re.search(r"[,:;|()]", low):
        return None  # "Paralegal Certificate (ABA-approved)" is an entry, not a heading
    if "language" in low:
        return "skills" if any(w in low for w in ("programming", "computer", "coding")) else "languages"
    return next((key for key, stem in _FALLBACK if stem in low), None)


def _all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


@dataclass
class Section:
    title: str
    key: str | None  # None or "x": kept verbatim
    lines: list[str] = field(default_factory=list)


def split_sections(lines: list[str]) -> tuple[list[str], list[Section]]:
    """Header lines (before the first section heading) and the sections, in order."""
    nonblank = [
        i for i, line in enumerate(lines) if line.strip() and heading_text(line).lower() not in SKIP_FIRST
    ]
    first = nonblank[0] if nonblank else -1
    third = nonblank[2] if len(nonblank) > 2 else len(lines)
    md_levels = [
        len(m.group(1))
        for i, line in enumerate(lines)
        if i != first and (m := MD_HEADING_RE.match(line)) and section_key(heading_text(line))
    ]
    section_level = min(md_levels) if md_levels else 2
    header: list[str] = []
    sections: list[Section] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        below = lines[i + 1].strip() if i + 1 < len(lines) else ""
        underlined = bool(line.strip() and re.fullmatch(r"={3,}|-{3,}", below) and not BULLET_RE.match(line))
        current = sections[-1].key if sections else None
        lead = i > first or (i == first and ALIASES.get(heading_text(line).lower(), "x") != "x")
        if (
            lead
            and line.strip()
            and _is_heading(
                lines,
                i,
                current,
                section_level,
                underlined,
                i <= third if not sections else None,
                bool(sections) and not any(ln.strip() for ln in sections[-1].lines),
            )
        ):
            title = heading_text(line)
            sections.append(Section(title, section_key(title)))
            i += 2 if underlined else 1
            continue
        if sections and (labelled := _labelled_section(lines, i, current)):
            interrupted = sections[-1]
            sections.append(labelled)
            if i + 1 < len(lines) and not _labelled_section(lines, i + 1, labelled.key):
                sections.append(Section(interrupted.title, interrupted.key))  # the section goes on
            i += 1
            continue
        if RULE_RE.match(line):
            line = ""
        (sections[-1].lines if sections else header).append(line)
        i += 1
    return header, sections


def _labelled_section(lines: list[str], i: int, current: str | None) -> Section | None:
    """ "Education: A.A.S. Business Administration, ..., 2012" standing apart at the end of a section
    that is not a list: a one-line section of its own (a list section's "Languages:" is a group)."""
    if current in _LIST_SECTIONS or current == "projects" or BULLET_RE.match(lines[i]):
        return None
    above = clean_inline(lines[i - 1].strip()) if i > 0 else ""
    found = labelled_line(clean_inline(lines[i].strip()), above)
    return Section(found[0], found[1], [found[2]]) if found else None


def _is_heading(
    lines: list[str],
    i: int,
    current: str | None,
    level: int,
    underlined: bool,
    early: bool | None,
    fresh: bool = False,
) -> bool:
    line = lines[i]
    title = heading_text(line)
    if not title:
        return False
    if m := MD_HEADING_RE.match(line):
        return len(m.group(1)) <= level
    if underlined or len(title) > 60 or len(title.split()) > 6:
        return underlined and len(title.split()) <= 12
    key = section_key(title)
    bullet = BULLET_RE.match(line) is not None and not _glyph_heading(lines, i, key)
    caps = _all_caps(title) and not bullet
    if re.search(r"[:：]\s*\S", title):
        return False  # "Skills: Python, Go" is content, not a heading
    if key and not bullet:
        if not caps and _alias(title) is None and (fresh or (current == key and key in _LIST_SECTIONS)):
            return False  # "Ohio Journeyman Electrician License" under LICENSES is an item, not a heading
        return not (not caps and current == "skills" and key in _SKILL_LABELS)
    if not caps or len(title.split()) > 4 or re.search(r"[\d|,@()]", title):
        return False
    if early is not None:  # before any section: a caps line near the top is the name or headline
        return not early and not lines[i - 1].strip()
    if not _stands_alone(lines, i, fresh):
        return False
    if current in ("work", "education", "volunteer", "projects"):
        ahead = [ln for ln in lines[i : i + 4] if ln.strip()][:3]
        return not any(find_range(ln)[0] for ln in ahead)
    return True


def _blank(lines: list[str], i: int) -> bool:
    return not 0 <= i < len(lines) or not lines[i].strip() or RULE_RE.match(lines[i]) is not None


def _stands_alone(lines: list[str], i: int, fresh: bool) -> bool:
    """An ALL-CAPS line with no known alias heads a section only if it stands apart: not the first line
    under a heading (that is the section's content: 'CCRN (AACN)' under CERTIFICATIONS), a blank line
    above or below it, and no short caps line of the same kind next to it ('CCRN' / 'BLS' / 'ACLS')."""
    if fresh or not (_blank(lines, i - 1) or _blank(lines, i + 1)):
        return False
    before = [j for j in range(i - 1, max(i - 3, -1), -1) if lines[j].strip()][:1]
    after = [j for j in range(i + 1, min(i + 3, len(lines))) if lines[j].strip()][:1]
    return not any(_list_item(lines[j]) for j in before + after)


def _list_item(line: str) -> bool:
    title = heading_text(line)
    short = 0 < len(title.split()) <= 4 and not BULLET_RE.match(line) and not RULE_RE.match(line)
    return short and _all_caps(title) and section_key(title) is None


_GLYPH_RE = re.compile(r"^\s*([•▪‣◦●○■□➢➤►▶✓✔❖→»·∙◆◇–—])")


def _glyph_heading(lines: list[str], i: int, key: str | None) -> bool:
    """'➢ EXPERIENCE': a decorative glyph before a section name is no bullet, unless the lines next to
    it carry the same glyph (then it is an item of a list, like '• Leadership' among other bullets)."""
    m = _GLYPH_RE.match(lines[i])
    if m is None or key is None:
        return False
    title = heading_text(lines[i])
    if not _all_caps(title) and title.lower() not in ALIASES:
        return False
    return not any(0 <= j < len(lines) and lines[j].lstrip().startswith(m.group(1)) for j in (i - 1, i + 1))
