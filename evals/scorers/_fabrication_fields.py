"""The structured half of `fabrication`: employers, titles, dates, degrees and certificates must
be the source's, entry by entry (an entry is matched to the source's by its name, so a reordered
list is not a swap); and which strings are free text, checked claim by claim."""

from __future__ import annotations

from typing import Any

from app.grounding._dates import find_dates, parse_date
from app.grounding._degrees import degree_grounded, find_degrees
from app.grounding._normalize import contains_phrase, normalize_text
from app.grounding._variants import same_name
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
    if norm in src_values:
        return f"was {slot!r}: this belongs to another entry" if slot is not None else None
    if slot is not None and any(contains_phrase(v, norm) for v in src_values - {normalize_text(str(slot))}):
        # "Event Manager" for "Event Coordinator", because another role was "Senior Event Manager"
        return f"was {slot!r}: this is part of another entry's"
    return None if contains_phrase(src_text, value) else "the source states no such value"


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
_CERT_FILLER = frozenset({"hour", "certificate", "certification", "certified", "card", "credential", "license"})


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
    said = _cert_words(content_words(contract_expansions(written, source_text)))
    stated = _cert_words(content_words(source_text))
    return bool(said) and said - _CERT_FILLER <= stated and stated - _CERT_FILLER <= said


def _cert_words(words: list[str]) -> set[str]:
    return {part for w in words for part in w.split("-") if part}


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


def structured_offenses(sample: Sample) -> list[Offense]:
    offenses = []
    for section, key, kind in STRUCTURED:
        src_entries = [e for e in sample.source.get(section) or [] if isinstance(e, dict)]
        src_values = {normalize_text(str(e[key])) for e in src_entries if e.get(key)}
        for i, entry in enumerate(sample.output.get(section) or []):
            value = entry.get(key) if isinstance(entry, dict) else None
            if not value:
                continue
            matched = _source_entry(section, entry, i, src_entries)
            if section == "certificates" and matched is not None and _restates_entry(entry, matched):
                continue  # "LEED Accredited Professional, Building Design + Construction (LEED AP BD+C)"
            slot = matched.get(key) if matched is not None else None
            problem = _field_problem(kind, str(value), slot, src_values, sample.grounding_text)
            if problem:
                path = f"{section}[{i}].{key}"
                offenses.append(Offense(kind, str(value), f"{path}: {problem}", path))
    return offenses
