"""Text-resume structure for `_parse_text`: inline markup, section headings, dates, header fragments.

Everything here is deterministic string work; no pattern can backtrack badly (spans are bounded).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from app.grounding._dates import DATE_RE, PRESENT, RANGE_RE, parse_date
from app.grounding._normalize import INVISIBLE_RE

# ---------------------------------------------------------------- text cleaning
_SPACES = str.maketrans(
    {
        c: " "
        for c in "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
    }
)
_DASH_MAP = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})
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
        "clinical experience|teaching experience|research experience|military service|expérience|"
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
        "proficiencies|skill set|skillset|tech stack|tools|compétences|compétences techniques|"
        "habilidades|competencias|conocimientos|aptitudes|kenntnisse|fähigkeiten|kompetenzen|"
        "fachkenntnisse|it-kenntnisse"
    ),
    "projects": (
        "projects|personal projects|selected projects|key projects|side projects|"
        "academic projects|open source|projets|proyectos|projekte"
    ),
    "certificates": (
        "certifications|certificates|certification|licenses|licences|licensure|credentials|"
        "licenses and certifications|certifications and licenses|certificaciones|certificados|"
        "zertifikate|zertifizierungen"
    ),
    "awards": (
        "awards|honors|honours|honors and awards|awards and honors|achievements|recognition|"
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
    "summary=objective",
)
_SKILL_LABELS = {"skills", "languages"}  # weak headings inside Skills are group labels ("Languages:")


def heading_text(line: str) -> str:
    if m := MD_HEADING_RE.match(line):
        line = m.group(2)
    text = clean_inline(line).strip()
    return re.sub(r"^[^\w(]+|[\s:：.\-–—|]+$", "", text)


def section_key(title: str) -> str | None:
    low = " ".join(title.lower().replace("&", " and ").replace("/", " and ").split())
    if low in ALIASES:
        return ALIASES[low]
    if len(low.split()) > 5 or re.search(r"[,:;|]", low):
        return None
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
                lines, i, current, section_level, underlined, i <= third if not sections else None
            )
        ):
            title = heading_text(line)
            sections.append(Section(title, section_key(title)))
            i += 2 if underlined else 1
            continue
        if RULE_RE.match(line):
            line = ""
        (sections[-1].lines if sections else header).append(line)
        i += 1
    return header, sections


def _is_heading(
    lines: list[str], i: int, current: str | None, level: int, underlined: bool, early: bool | None
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
    bullet = BULLET_RE.match(line) is not None
    caps = _all_caps(title) and not bullet
    if re.search(r"[:：]\s*\S", title):
        return False  # "Skills: Python, Go" is content, not a heading
    if key and not bullet:
        return not (not caps and current == "skills" and key in _SKILL_LABELS)
    if not caps or len(title.split()) > 4 or re.search(r"[\d|,@]", title):
        return False
    if early is not None:  # before any section: a caps line near the top is the name or headline
        return not early and not lines[i - 1].strip()
    if current in ("work", "education", "volunteer", "projects"):
        ahead = [ln for ln in lines[i : i + 4] if ln.strip()][:3]
        return not any(find_range(ln)[0] for ln in ahead)
    return True


# ---------------------------------------------------------------- dates
@dataclass
class Dates:
    start: str | None = None
    end: str | None = None
    ongoing: bool = False
    note: str = ""  # "Summer 2024", "Expected May 2025": the words ISO dates cannot carry, kept verbatim


_QUALIFIER_RE = re.compile(
    r"(?i)\b(?:summer|fall|autumn|spring|winter|expected|anticipated|est\.|estimated)\s*:?\s*$"
)


@lru_cache(maxsize=8192)
def find_range(text: str) -> tuple[Dates | None, str]:
    """The first date range (or lone date) in `text`, and `text` without it."""
    probe = text.translate(_DASH_MAP)  # one char for one char, so spans stay valid

    def glued(m: re.Match[str]) -> bool:  # "FY2022", "v2019": a year inside a word is no date
        return (m.start() > 0 and probe[m.start() - 1].isalnum()) or probe[m.end() : m.end() + 1].isalnum()

    for m in RANGE_RE.finditer(probe):
        if glued(m):
            continue
        start, end = parse_date(m.group("start")), parse_date(m.group("end"))
        if start is None or start == PRESENT:
            continue
        dates = Dates(start.iso(), None if end is None or end == PRESENT else end.iso(), end == PRESENT)
        return _qualified(dates, text, m.start(), m.end())
    for m in DATE_RE.finditer(probe):
        d = parse_date(m.group(0))
        if d is None or glued(m):
            continue
        stop = m.end()
        if tail := re.match(r"\s*-\s*(?=$|[)\]|,;])", probe[stop:]):
            return _qualified(Dates(d.iso(), None, True), text, m.start(), stop + tail.end())
        return _qualified(Dates(d.iso()), text, m.start(), stop)
    return None, text


def _qualified(dates: Dates, text: str, start: int, end: int) -> tuple[Dates, str]:
    if q := _QUALIFIER_RE.search(text[max(0, start - 20) : start]):
        start -= len(text[max(0, start - 20) : start]) - q.start()
        dates.note = text[start:end].strip()
    return dates, _cut(text, start, end)


def _cut(text: str, start: int, end: int) -> str:
    before = re.sub(r"(?i)\b(?:from|since|depuis|desde|seit)\s*$", "", text[:start])
    out = before + " " + text[end:]
    out = re.sub(r"\s*,(?:\s*,)+\s*", ", ", out)  # "Leeds, 2014 – 2017, First" -> "Leeds, First"
    out = re.sub(r"\s*([|·•])(?:\s*[|·•,])+\s*", r" \1 ", out)
    out = re.sub(r"[(\[]\s*[,;|]?\s*[)\]]", "", out)
    out = re.sub(r"([(\[])\s*[,;|]\s*", r"\1", out)
    out = re.sub(r"\s*[,;|]\s*([)\]])", r"\1", out)
    return re.sub(r"[ \t]{2,}", "  ", out).strip(" ,;|·•-–—:\t")


# ---------------------------------------------------------------- header fragments
def _words_of(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TITLE_WORDS = _words_of("""
engineer engineers developer designer architect programmer analyst scientist researcher manager director
head lead leader supervisor coordinator specialist consultant associate officer assistant representative
rep intern internship trainee apprentice fellow postdoc nurse rn lpn cna teacher tutor instructor
lecturer professor educator principal coach mentor trainer counselor counsellor therapist physician
surgeon doctor pharmacist dentist hygienist technician technologist administrator admin executive
accountant auditor bookkeeper controller treasurer paralegal attorney lawyer counsel clerk secretary
receptionist cashier server bartender barista cook chef driver mechanic electrician plumber carpenter
operator agent advisor adviser recruiter generalist buyer planner strategist marketer editor writer
journalist reporter producer photographer artist author maintainer contributor creator president vp ceo
cto cfo coo cio cmo founder co-founder cofounder owner partner chairman chair volunteer sre devops aide
caregiver paramedic emt medic sergeant lieutenant captain inspector estimator dispatcher attendant pilot
translator interpreter chemist biologist physicist economist statistician librarian practitioner midwife
student worker foreman superintendent ambassador organizer advocate evangelist steward housekeeper
custodian janitor salesperson merchandiser investigator ingénieur ingenieur développeur directeur
stagiaire ingeniero desarrollador gerente analista entwickler leiter berater praktikant
""")
_TITLE_MODIFIERS = _words_of("""
senior sr junior jr staff principal chief deputy vice assistant
""")
_ORG_WORDS = _words_of("""
inc llc l.l.c ltd limited corp corporation co company group holdings university université universidad
universität universita college institute institut instituto school academy hospital clinic health
healthcare center centre bank labs lab laboratory laboratories technologies systems solutions services
partners associates agency foundation fund capital ventures studio studios consulting district
department dept county ministry government council society association church restaurant restaurants
cafe café bakery hotel resort store stores shop market motors airlines airways pharmaceuticals pharma
media networks software games entertainment bureau firm llp plc gmbh ag sa s.a sarl bv nv pty pvt
freelance self-employed independent contractor nonprofit non-profit unlimited industries enterprises
international global
""")
_US = _words_of("""
AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH
OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC
""")
_CODES = _US | _words_of("AB BC MB NB NL NS NT NU ON PE QC SK YT UK USA US UAE NSW VIC QLD")
_PLACES = _words_of("""
alabama alaska arizona arkansas california colorado connecticut delaware florida georgia hawaii idaho
illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan minnesota
mississippi missouri montana nebraska nevada ohio oklahoma oregon pennsylvania tennessee texas utah
vermont virginia washington wisconsin wyoming ontario quebec québec alberta usa us uk uae canada mexico
brazil argentina chile colombia peru england scotland wales ireland france germany deutschland spain
españa portugal italy netherlands belgium switzerland austria sweden norway denmark finland poland
czechia greece turkey israel egypt nigeria kenya ghana india pakistan bangladesh china japan korea
singapore malaysia indonesia philippines vietnam thailand australia zealand remote hybrid
""")
_CITY_GLUE = _words_of("of de la le du del da upon on am sur en the st. st saint san santa los las new")
_SUB_UNITS = _words_of("department dept division")
_WORD_RE = re.compile(r"[^\W\d_][\w'&.\-]*")


def words(text: str) -> list[str]:
    return [w.lower().strip(".'-") for w in _WORD_RE.findall(text)]


def title_score(text: str) -> float:
    score = 0.0
    for w in words(text):
        if w in _TITLE_WORDS:
            score += 1
        elif w in _TITLE_MODIFIERS:
            score += 0.25
        elif len(w) > 6 and w.endswith(("er", "or", "ist", "ant", "ian")) and w not in _ORG_WORDS:
            score += 0.3
    return score


def org_score(text: str) -> float:
    score = sum(0.5 if w in _SUB_UNITS else 1.0 for w in words(text) if w in _ORG_WORDS)
    if re.search(r"\w\.(?:com|io|ai|org|net)\b", text, re.IGNORECASE):
        score += 1
    return score + (0.5 if "&" in text else 0.0)


def _cityish(text: str) -> bool:
    ws = text.split()
    if not 1 <= len(ws) <= 4 or len(text) > 40 or re.search(r"[\d@/|]", text):
        return False
    if title_score(text) >= 1 or org_score(text) > 0:
        return False
    return all(w[0].isupper() or w.lower() in _CITY_GLUE for w in ws)


_PLACE_PHRASES = {"united states", "united states of america", "united kingdom", "united arab emirates", "new zealand",
                  "south africa", "hong kong", "south korea", "czech republic", "saudi arabia", "costa rica",
                  "new york", "new jersey", "new mexico", "new hampshire", "north carolina", "south carolina",
                  "north dakota", "south dakota", "west virginia", "rhode island", "british columbia",
                  "nova scotia", "new brunswick", "district of columbia"}  # fmt: skip


def _regionish(text: str) -> bool:
    t = text.strip(" .")
    head = re.sub(r"\s+\d{4,6}(?:-\d{4})?$", "", t)  # "MA 02139"
    return head in _CODES or head.lower() in _PLACES or head.lower() in _PLACE_PHRASES


def is_location(text: str) -> bool:
    t = text.strip(" .;")
    low = t.lower()
    if not t or len(t) > 60:
        return False
    if re.fullmatch(r"(?:fully\s+)?(?:remote|hybrid|on-?site)(?:\s*[(/,-]\s*[\w .]{1,20}\)?)?", low):
        return True
    if re.fullmatch(r"(?:Greater\s+)?[A-Z][\w.' -]{1,40}?\s+(?:Bay\s+|Metro(?:politan)?\s+)?Area", t):
        return True  # "Greater Boston Area", "San Francisco Bay Area"
    parts = [p.strip() for p in t.split(",")]
    if len(parts) == 1:
        ws = t.split()
        if len(ws) >= 2 and ws[-1] in _US and _cityish(" ".join(ws[:-1])):
            return True
        return low in _PLACES or low in _PLACE_PHRASES
    return len(parts) <= 3 and _cityish(parts[0]) and all(_regionish(p) for p in parts[1:])


def mask(text: str) -> str:
    """Hide separators inside (...) / [...] so splitting never cuts a parenthetical; `unmask` undoes it."""
    return re.sub(r"[(\[][^()\[\]]{0,200}[)\]]", lambda m: m.group(0).translate(_MASK), text)


def unmask(text: str) -> str:
    return text.translate(_UNMASK)


_MASK = {
    ord(","): "\x01",
    ord("|"): "\x02",
    ord(";"): "\x03",
    ord("/"): "\x04",
    ord("—"): "\x05",
    ord("–"): "\x06",
}
_UNMASK = {ord(v): k for k, v in _MASK.items()}
AT = "\x00"
_SEP_RE = re.compile(r"\s*[|·•∙]\s*|\s*—\s*|\s+[–-]\s+|\t+|\s{2,}")
_SUFFIX_RE = re.compile(r"(?i)^(?:inc|llc|ltd|corp|co|plc|llp|gmbh|s\.?a|l\.?p|ag|pty(?: ltd)?|jr|sr)\.?$")


def split_fragments(text: str) -> list[str]:
    """'Title — Company (Boston, MA)' -> ['Title', 'Company', 'Boston, MA']; commas only when alone."""
    out: list[str] = []
    located: list[str] = []

    def detach(m: re.Match[str]) -> str:
        inner = m.group(1).strip()
        if is_location(inner):
            located.append(inner)
            return " "
        return m.group(0)

    text = re.sub(r"\(([^()]{1,80})\)", detach, text)
    pieces = [unmask(p).strip(" ,;:") for p in _SEP_RE.split(mask(text))]
    pieces = [p for p in pieces if p]
    if len(pieces) == 1 and not is_location(pieces[0]):
        pieces = split_commas(pieces[0])
    for piece in pieces:
        m = re.match(r"(?i)^(.{2,80}?)\s+(?:at|@|chez|bei)\s+(.{2,100})$", piece)
        if m and title_score(m.group(1)) >= 1:
            out += [m.group(1).strip(), AT + m.group(2).strip()]  # AT marks the employer of "X at Y"
        else:
            out.append(piece)
    return out + located


def split_commas(text: str) -> list[str]:
    """'Engineer, Acme, Inc., Boston, MA' -> ['Engineer', 'Acme, Inc.', 'Boston, MA'] (parentheticals kept whole)."""
    return _merge_commas([unmask(p).strip() for p in mask(text).split(",") if p.strip()])


def _merge_commas(parts: list[str]) -> list[str]:
    merged: list[str] = []
    for part in parts:
        if merged and (
            _SUFFIX_RE.match(part)
            or part[0].islower()
            or (_regionish(part) and (_cityish(merged[-1]) or is_location(merged[-1])))
        ):
            merged[-1] = f"{merged[-1]}, {part}"
        else:
            merged.append(part)
    return merged


URL_RE = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>()|,;]{2,300}[^\s<>()|,;.]")


@dataclass
class Header:
    fragments: list[str] = field(default_factory=list)
    lines_of: list[int] = field(default_factory=list)  # header line index of each fragment
    locations: list[str] = field(default_factory=list)
    dates: Dates | None = None
    urls: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.dates is not None and len(self.fragments) >= 2


def parse_header(lines: list[str]) -> Header:
    """Fragments, locations, first date range and URLs of an entry's header lines (do not mutate)."""
    return _parse_header(tuple(lines))


@lru_cache(maxsize=4096)
def _parse_header(lines: tuple[str, ...]) -> Header:
    head = Header()
    for n, line in enumerate(lines):
        text = clean_inline(line)
        head.urls += URL_RE.findall(text)
        text = re.sub(r"\(\s*\)|\[\s*\]", " ", URL_RE.sub(" ", text))
        dates, rest = find_range(text)
        if dates is not None and head.dates is None:
            head.dates, text = dates, rest
        for frag in split_fragments(text):
            if is_location(frag):
                head.locations.append(frag)
            elif frag.strip(" ()[]"):
                head.fragments.append(frag)
                head.lines_of.append(n)
    return head
