"""Entry-header fragments for the text-resume parser: title / employer / place scores and splitting.

Everything here is deterministic string work; no pattern can backtrack badly (spans are bounded).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from app.resume._sections import clean_inline
from app.resume._sections_dates import Dates, find_range


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
chargé chargée assistante responsable directrice ingénieure développeuse alternance alternant alternante
consultante commerciale comptable infirmier infirmière professeur professeure enseignant enseignante
technicien technicienne gestionnaire conseiller conseillère vendeur vendeuse serveur serveuse cuisinier
jefe jefa directora ingeniera desarrolladora asistente técnico técnica enfermero enfermera profesor
profesora contador contadora consultor consultora becario becaria practicante coordinador coordinadora
vendedor vendedora encargado encargada leiterin entwicklerin beraterin praktikantin ingenieurin
werkstudent werkstudentin assistent assistentin lehrer lehrerin krankenpfleger krankenschwester
pflegefachkraft techniker technikerin buchhalter buchhalterin referent referentin sachbearbeiter
sachbearbeiterin geschäftsführer geschäftsführerin projektleiter projektleiterin
""")
_TITLE_MODIFIERS = _words_of("""
senior sr junior jr staff principal chief deputy vice assistant commercial
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
international global société societe coopérative cooperative groupe entreprise agence banque cabinet
mairie lycée collège école hôpital clinique empresa grupo compañía sociedad ayuntamiento colegio escuela
clínica unternehmen gruppe krankenhaus klinik schule stiftung verein atelier
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


_INSTITUTION_RE = re.compile(r"(?i)\b(?:universit\w*|universidad|college|institut\w*|school)\b")


def place_tail(org: str) -> tuple[str, str] | None:
    """'Maison Verlaine, Lyon' -> ('Maison Verlaine', 'Lyon'): one or two capitalised words that name
    neither a title nor an organisation, after the last comma of an employer ('Acme, Inc.' stays);
    or a city and its region after the first comma ('Lakeside School, Burlington, VT')."""
    for m in re.finditer(r", ", org):  # "Champlain Valley Elementary School, South Burlington, VT"
        first, place = org[: m.start()], org[m.end() :]
        if first.strip() and "," in place and is_location(place):
            return first.strip(), place.strip()
    head, sep, tail = org.rpartition(", ")
    if not sep or not head.strip() or len(tail.split()) > 2 or _SUFFIX_RE.match(tail):
        return None
    if head.count("(") > head.count(")"):
        return None  # "Hearth & Willow Home (Store #212, SouthPark)": the comma is inside a parenthesis
    if _INSTITUTION_RE.search(head) or not _cityish(tail) or "(" in tail:
        return None  # "University of California, Berkeley" is the name of the school
    return head.strip(), tail.strip()


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
    if len(pieces) == 1 and not is_location(pieces[0]) and not function_after_comma(pieces[0]):
        pieces = split_commas(pieces[0])
    for piece in pieces:
        m = re.match(r"(?i)^(.{2,80}?)\s+(?:at|@|chez|bei)\s+(.{2,100})$", piece)
        if m and title_score(m.group(1)) >= 1:
            out += [m.group(1).strip(), AT + m.group(2).strip()]  # AT marks the employer of "X at Y"
        else:
            out.append(piece)
    return out + located


_FUNCTIONS = frozenset(
    """customer customers support success service operations engineering marketing sales finance
    product design research data analytics security infrastructure platform it hr people talent
    supply chain logistics quality compliance legal accounting development business communications
    content growth partnerships procurement planning merchandising training clinical care and & of""".split()
)


def function_after_comma(frag: str) -> bool:
    """ "Senior Manager, Customer Support": a title and the function it is in, one title; never
    "Account Manager, Salesforce" (a name after the comma)."""
    head, sep, tail = frag.partition(", ")
    words = tail.lower().split()
    return bool(sep) and title_score(head) >= 1 and bool(words) and all(w in _FUNCTIONS for w in words)


def split_commas(text: str) -> list[str]:
    """'Engineer, Acme, Inc., Boston, MA' -> ['Engineer', 'Acme, Inc.', 'Boston, MA'] (parentheticals
    kept whole, and a number's thousands: "9,000 customers")."""
    masked = re.sub(r"(?<=\d),(?=\d{3}\b)", "\x01", mask(text))
    return _merge_commas([unmask(p).strip() for p in masked.split(",") if p.strip()])


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
