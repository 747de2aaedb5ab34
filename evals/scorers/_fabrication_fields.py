"""The structured half of `fabrication`: employers, titles, dates, degrees and certificates must
be the source's, entry by entry (an entry is matched to the source's by its name, so a reordered
list is not a swap); and which strings are free text, checked claim by claim."""

from __future__ import annotations

import re
from typing import Any

from app.grounding._dates import find_dates, parse_date
from app.grounding._degrees import degree_grounded, find_degrees
from app.grounding._normalize import contains_phrase, content_words, normalize_text
from app.grounding._variants import acronym_in, same_name
from app.resume._document import iter_strings
from evals.scorers._base import Offense, Sample

# (section, field, kind): structured fields that must equal the source's, entry by entry.
STRUCTURED = [
    ("work", "name", "employer"),
    ("work", "position", "title"),
    ("work", "startDate", "date"),
    ("work", "endDate", "date"),
    ("volunteer", "organization", "employer"),
    ("volunteer", "position", "title"),
    ("education", "institution", "school"),
    ("education", "studyType", "degree"),
    ("education", "area", "degree"),
    ("education", "startDate", "date"),
    ("education", "endDate", "date"),
    ("certificates", "name", "certification"),
    ("certificates", "issuer", "certification"),
    ("awards", "title", "claim"),
    ("projects", "name", "entity"),
]
# Strings that are not claims about the candidate's record: contact details, links, dates (checked
# as dates), and the structured fields STRUCTURED compares entry by entry.
_NOT_FREE_TEXT = {"url", "email", "phone", "image", "username", "network", "startDate", "endDate", "date"}
_STRUCTURED_KEYS = {(section, key) for section, key, _ in STRUCTURED}
_HEADINGS = {("x-sections", "title"), ("skills", "name")}
_CONTACT_KEYS = {"name", "email", "phone", "url", "image", "location", "profiles"}
# Entries are matched to the source's by their name, so a reordered list is not a swap.
_IDENTITY = {
    "work": "name", "volunteer": "organization", "education": "institution",
    "certificates": "name", "awards": "title", "projects": "name",
}  # fmt: skip


def free_text(resume: dict[str, Any]) -> list[tuple[str, str]]:
    """Every string that states something about the candidate: summary, bullets, skills, and any
    other section's text (a publication's "350 citations" is a claim like a bullet's)."""
    out = []
    for path, text in iter_strings(resume):
        keys = [p for p in path if isinstance(p, str)]
        if not keys or not text.strip() or keys[-1] in _NOT_FREE_TEXT:
            continue
        contact = keys[0] == "basics" and len(keys) > 1 and keys[1] in _CONTACT_KEYS
        structured = len(keys) == 2 and (keys[0], keys[1]) in _STRUCTURED_KEYS
        heading = len(keys) == 2 and (keys[0], keys[1]) in _HEADINGS  # "Key Results" claims nothing
        if contact or structured or heading or keys[0] in ("meta", "$schema"):
            continue
        out.append((".".join(str(p) for p in path), text))
    return out


def _field_problem(kind: str, value: str, slot: Any, src_values: set[str], src_text: str) -> str | None:
    """Why a structured output value is not grounded, or None when it is.

    The same value as the source entry's is fine; another entry's value is a swap; a value the
    source text states verbatim is a faithful reading of a text resume ("Registered Nurse,
    Medical ICU" for a parse that split title and unit); anything else was invented.
    """
    if kind == "date":
        got = parse_date(value)
        if got is None:
            return None
        if slot:
            wanted = parse_date(str(slot))
            return None if wanted is not None and got.same_as(wanted) else f"was {slot!r}"
        return None if any(got.same_as(d) for d in find_dates(src_text)) else "the source has no such date"
    norm = normalize_text(value)
    if slot is not None and norm == normalize_text(str(slot)):
        return None
    if kind == "degree" and slot is not None and _same_degrees(value, str(slot)):
        return None  # "Bachelor of Science" for "BSc"
    if (
        kind in ("title", "certification", "employer", "degree")
        and slot is not None
        and same_name(value, str(slot))
    ):
        return None  # "Sr. Account Executive" for "Senior Account Executive", "Teaching (MAT)"
    if slot is not None and (_abbreviates(value, str(slot)) or _abbreviates(str(slot), value)):
        return None
    if slot is not None and sorted(content_words(value)) == sorted(content_words(str(slot))):
        return None  # the same words in another order: "Coursework in Concrete Construction Management"
    if norm in src_values:
        return f"was {slot!r}: this belongs to another entry" if slot is not None else None
    if slot is not None and any(contains_phrase(v, norm) for v in src_values - {normalize_text(str(slot))}):
        # "Event Manager" for "Event Coordinator", because another role was "Senior Event Manager"
        return f"was {slot!r}: this is part of another entry's"
    if contains_phrase(src_text, value):
        return None
    if find_degrees(value):  # a degree in any field: a "Qualifications" section read as certificates or roles
        return _degree_problem(value, src_text)
    if kind == "certification" and slot is None and _on_one_source_line(value, src_text):
        return None  # "Youth Mental Health First Aid certification" for a line the parse read elsewhere
    return "the source states no such value"


def _source_entry(
    section: str, entry: dict[str, Any], index: int, src_entries: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The source entry an output entry restates: the one of the same name, else the one in its place."""
    identity = _IDENTITY.get(section)
    if identity and entry.get(identity):
        named = [e for e in src_entries if same_name(str(e.get(identity) or ""), str(entry[identity]))]
        if len(named) == 1:
            return named[0]
    if section == "certificates":
        restated = [e for e in src_entries if _restates_entry(entry, e)]
        if len(restated) == 1:
            return restated[0]
    return src_entries[index] if index < len(src_entries) else None


def _entry_text(entry: dict[str, Any]) -> str:
    return ", ".join(str(entry[k]) for k in ("name", "issuer") if entry.get(k))


# Words a certificate's name may gain or lose without naming another one ("OSHA 10-Hour" for "OSHA 10").
_CERT_FILLER = frozenset(
    {"hour", "certificate", "certification", "certified", "card", "credential", "license"}
)


def _restates_entry(entry: dict[str, Any], source: dict[str, Any]) -> bool:
    """A certificate written out in full still names the source's own words for it, or says the
    same words once its spelled-out acronyms are contracted ("Occupational Safety and Health
    Administration 30-Hour" for "OSHA 30")."""
    from app.grounding._glosses import contract_expansions
    from app.grounding._normalize import content_words

    name = str(source.get("name") or "")
    if not name:
        return False
    written = _entry_text(entry)
    if contains_phrase(written, name):
        return True
    source_text = _entry_text(source)
    said = _cert_words(content_words(contract_expansions(without_glosses(written), source_text)))
    stated = _cert_words(content_words(without_glosses(source_text)))
    return bool(said) and said - _CERT_FILLER <= stated and stated - _CERT_FILLER <= said


def _cert_words(words: list[str]) -> set[str]:
    return {part for w in words for part in w.split("-") if len(part) > 1}  # "NREMT-P": its P is Paramedic


_PARENTHESIS_RE = re.compile(r"\s*\(([^()]{2,80})\)")


def without_glosses(name: str) -> str:
    """A name without a parenthesis that only restates other words of it: an acronym of them
    ("FAA Control Tower Operator (CTO) certificate") or the words of an acronym in it ("CRM (Crew
    Resource Management) Instructor")."""

    def drop(m: re.Match[str]) -> str:
        inner, rest = m.group(1).strip(), name[: m.start()] + " " + name[m.end() :]
        if inner.isalpha() and inner.isupper() and acronym_in(inner, rest):
            return ""
        acronyms = re.findall(r"\b[A-Z]{2,6}\b", rest)
        return "" if any(acronym_in(a, inner) for a in acronyms) else m.group(0)

    return _PARENTHESIS_RE.sub(drop, name)


def _on_one_source_line(value: str, src_text: str) -> bool:
    """A credential the source states on one line, as a credential ("... (YMHFA) certified")."""
    said = _cert_words(content_words(without_glosses(value))) - _CERT_FILLER
    return bool(said) and any(
        said <= _cert_words(content_words(without_glosses(line))) and _CREDENTIAL_WORD.search(line)
        for line in src_text.splitlines()
    )


_CREDENTIAL_WORD = re.compile(r"(?i)certif|licen[cs]|credential|registered|accredited")


NO_SUCH_DEGREE = "the source states no such degree"


def _degree_problem(value: str, src_text: str) -> str | None:
    """A degree is the source's when the source names the same degree (any spelling) and the
    value's other words: "Bachelor of Science in Industrial Engineering" for "B.S. Industrial
    Engineering"."""
    mentions = find_degrees(value)
    known = [m.degree for m in find_degrees(src_text)]
    if not all(degree_grounded(m.degree, known) for m in mentions):
        return NO_SUCH_DEGREE
    rest = value
    for m in sorted(mentions, key=lambda m: m.start, reverse=True):
        rest = rest[: m.start] + " " + rest[m.end :]
    source_words = set(content_words(src_text))
    return None if set(content_words(rest)) <= source_words else "the source states no such value"


def _abbreviates(long: str, short: str) -> bool:
    """ "American Board of Physical Therapy Specialties" for the source's "ABPTS", or back."""
    from app.grounding._glosses import expansion_before

    letters = short.replace(".", "")
    if not (2 <= len(letters) <= 8 and letters.isalpha() and letters.isupper()):
        return False
    return normalize_text(expansion_before(long, letters) or "") == normalize_text(long)


def _same_degrees(value: str, slot: str) -> bool:
    got, wanted = [m.degree for m in find_degrees(value)], [m.degree for m in find_degrees(slot)]
    return bool(got) and bool(wanted) and all(degree_grounded(d, wanted) for d in got)


# Time away from work written as an entry ("Career Break", "Family caregiving leave"): no employer,
# title or role of its own, wherever a layout puts it.
_BREAK_RE = re.compile(
    r"(?i)\b(?:career (?:break|note|pause|gap)|sabbatical|gap year|employment gap|leave of absence"
    r"|(?:family|parental|maternity|paternity|medical|personal|caregiving|caregiver|bereavement) leave"
    r"|caregiving|full-time (?:parent|caregiver)|stay-at-home (?:parent|mom|dad))\b"
)


def is_career_break(entry: dict[str, Any]) -> bool:
    return any(_BREAK_RE.search(str(entry.get(k) or "")) for k in ("name", "position", "organization"))


def _stated_as_a_role(entry: dict[str, Any], src_text: str) -> bool:
    """An output role whose employer, title and a date the source states on one line that no
    entry of its parse holds ("Front Office Manager, Lilac Crest Hotel (2012-2018)" under an
    "Earlier Career" heading): it restates that line, not the entry in its place."""
    name, position = str(entry.get("name") or ""), str(entry.get("position") or "")
    return bool(name) and any(
        contains_phrase(line, name) and (not position or contains_phrase(line, position)) and find_dates(line)
        for line in src_text.splitlines()
    )


def structured_offenses(sample: Sample) -> list[Offense]:
    """Each structured field against the source entry it restates. A career break is no employer
    or title (its dates must still be the source's), and is left out of the entries matched by place."""
    offenses = []
    for section, key, kind in STRUCTURED:
        src_entries = [
            e for e in sample.source.get(section) or [] if isinstance(e, dict) and not is_career_break(e)
        ]
        src_values = {normalize_text(str(e[key])) for e in src_entries if e.get(key)}
        entries = [e for e in sample.output.get(section) or [] if isinstance(e, dict)]
        roles = [e for e in entries if not is_career_break(e)]
        for i, entry in enumerate(entries):
            value = entry.get(key)
            if not value or (kind != "date" and is_career_break(entry)):
                continue
            matched = _matched_entry(section, entry, roles, src_entries, sample.grounding_text)
            if section == "certificates" and matched is not None and _restates_entry(entry, matched):
                continue  # "LEED Accredited Professional, Building Design + Construction (LEED AP BD+C)"
            slot = matched.get(key) if matched is not None else None
            problem = _field_problem(kind, str(value), slot, src_values, sample.grounding_text)
            if problem:
                path = f"{section}[{i}].{key}"
                named = "degree" if problem == NO_SUCH_DEGREE else kind  # a degree listed as a certificate
                offenses.append(Offense(named, str(value), f"{path}: {problem}", path))
    return offenses


def _matched_entry(
    section: str,
    entry: dict[str, Any],
    roles: list[dict[str, Any]],
    src_entries: list[dict[str, Any]],
    src_text: str,
) -> dict[str, Any] | None:
    """The source entry to compare with; None (judge by the source's text) for a career break,
    and for a role the source states on a line of its own that no entry of its parse holds."""
    if not any(entry is r for r in roles):
        return None
    matched = _source_entry(section, entry, next(i for i, r in enumerate(roles) if r is entry), src_entries)
    identity = _IDENTITY.get(section, "")
    renamed = matched is None or not same_name(
        str(matched.get(identity) or ""), str(entry.get(identity) or "")
    )
    if renamed and section == "work" and _stated_as_a_role(entry, src_text):
        return None
    return matched
