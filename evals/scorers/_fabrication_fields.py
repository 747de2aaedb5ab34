"""The structured half of `fabrication`: employers, titles, dates, degrees and certificates must
be the source's, entry by entry (an entry is matched to the source's by its name, so a reordered
list is not a swap); and which strings are free text, checked claim by claim."""

from __future__ import annotations

import re
from typing import Any

from app.grounding import (
    contains_phrase,
    content_words,
    find_dates,
    find_degrees,
    normalize_text,
    parse_date,
    same_name,
)
from app.resume import iter_strings
from evals.scorers._base import Offense, Sample
from evals.scorers._fabrication_entries import (
    NO_SUCH_DEGREE,
    abbreviates,
    degree_problem,
    numbered_as_source,
    on_one_source_line,
    restates_entry,
    same_degrees,
    spells_out_a_stated_name,
)
from evals.scorers._fabrication_layouts import NAME_KEYS, one_dated_span, parse_detail, stated_by_entry
from evals.scorers._fabrication_pending import marked_restatement, pending_credentials, shown_as_held
from evals.scorers._fabrication_qualifications import (
    credential_role,
    merged,
    merged_problem,
    same_credential,
    status_only,
)
from evals.scorers._fabrication_readings import (
    by_dates,
    employer_elsewhere,
    headline_only,
    other_roles,
    realigned,
    reread,
)

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
    ("certificates", "date", "date"),
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
        if structured and keys[1] in NAME_KEYS and parse_detail(text):
            structured = False  # "(ten weeks)" in a name field: a layout's detail, read as a bullet
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
    if slot is not None and _promoted(norm) == _promoted(normalize_text(str(slot))):
        return None  # "Sales Associate, promoted to Key Holder" for "Sales Associate → Key Holder"
    if kind == "degree" and slot is not None and same_degrees(value, str(slot)):
        return None  # "Bachelor of Science" for "BSc"
    if (
        kind in ("title", "certification", "employer", "degree")
        and slot is not None
        and same_name(value, str(slot))
    ):
        return None  # "Sr. Account Executive" for "Senior Account Executive", "Teaching (MAT)"
    if slot is not None and (abbreviates(value, str(slot)) or abbreviates(str(slot), value)):
        return None
    if slot is not None and sorted(content_words(value)) == sorted(content_words(str(slot))):
        return None  # the same words in another order: "Coursework in Concrete Construction Management"
    if kind == "employer" and slot is not None and _shortened(value, str(slot)):
        return None  # "Pinecrest Scheduling" for "Pinecrest Scheduling (B2B SaaS, about 9,000 customers)"
    if norm in src_values:
        return f"was {slot!r}: this belongs to another entry" if slot is not None else None
    if slot is not None and any(contains_phrase(v, norm) for v in src_values - {normalize_text(str(slot))}):
        # "Event Manager" for "Event Coordinator", because another role was "Senior Event Manager"
        return f"was {slot!r}: this is part of another entry's"
    if contains_phrase(src_text, value) or (
        kind == "certification"
        and (
            spells_out_a_stated_name(value, src_text)
            or contains_phrase(src_text, numbered_as_source(value, src_text))
        )
    ):
        return None
    if find_degrees(value):  # a degree in any field: a "Qualifications" section read as certificates or roles
        return degree_problem(value, src_text)
    if kind == "certification" and slot is None and on_one_source_line(value, src_text):
        return None  # "Youth Mental Health First Aid certification" for a line the parse read elsewhere
    return _UNSTATED


_UNSTATED = "the source states no such value"
_QUALIFICATIONS = ("education", "certificates")


_SCHOOL_WORD = re.compile(r"(?i)\b(?:university|college|institute|school|academy|polytechnic)\b")


def _another_field(value: str, slot: Any) -> bool:
    """ "Accounting" for a degree in "Business Administration" with an accounting concentration: a
    field of study that shares no word with the source degree's, though the source says it elsewhere."""
    if not slot or _SCHOOL_WORD.search(str(slot)):
        return False  # a parse that read the school as the field compares nothing
    said, stated = set(content_words(value)), set(content_words(str(slot)))
    return bool(said) and bool(stated) and not said & stated and not find_degrees(value)


def _shortened(value: str, slot: str) -> bool:
    """The employer's name with some of its details left out, in any order."""
    said, stated = set(content_words(value)), set(content_words(slot))
    return (
        bool(said)
        and said <= stated
        and same_name(_without_parentheses(slot).split(",")[0], _without_parentheses(value).split(",")[0])
    )


def _without_parentheses(name: str) -> str:
    return re.sub(r"\s*\([^()]*\)", "", name).strip()


def _same_title(a: Any, b: Any) -> bool:
    return same_name(str(a or ""), str(b or "")) or _promoted(normalize_text(str(a))) == _promoted(
        normalize_text(str(b))
    )


def _promoted(title: str) -> str:
    return re.sub(r"\s*(?:,\s*promoted to|→|->)\s*", " > ", title)


def _source_entry(
    section: str, entry: dict[str, Any], index: int, src_entries: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The source entry an output entry restates: the one of the same name, else the one in its place."""
    identity = _IDENTITY.get(section)
    if identity and entry.get(identity):
        bare = _without_parentheses(str(entry[identity]))
        kin = [e for e in src_entries if same_name(_without_parentheses(str(e.get(identity) or "")), bare)]
        titled = [
            e for e in kin if entry.get("position") and _same_title(e.get("position"), entry["position"])
        ]
        if len(kin) > 1 and len(titled) == 1:  # two roles at "Pinecrest Scheduling (B2B SaaS, ...)"
            return titled[0]
        if len(kin) > 1 and not titled and (dated := by_dates(entry, kin)) is not None:
            return dated  # "Front Desk Agent, then Night Auditor (from 2015)": the role of its dates
        named = [e for e in src_entries if same_name(str(e.get(identity) or ""), str(entry[identity]))]
        if len(named) == 1:
            return realigned(entry, named[0], src_entries) if section in ("work", "volunteer") else named[0]
    if section == "certificates":
        restated = [e for e in src_entries if restates_entry(entry, e)]
        if len(restated) == 1:
            return restated[0]
        listed = [  # "BLS" and "ACLS" as two entries where the source lists "BLS (AHA), ACLS" as one
            e
            for e in src_entries
            if entry.get("name") and contains_phrase(str(e.get("name") or ""), str(entry["name"]))
        ]
        if len(listed) == 1:
            return listed[0]
    return src_entries[index] if index < len(src_entries) else None


# Time away from work written as an entry ("Career Break", "Family caregiving leave"): no employer,
# title or role of its own, wherever a layout puts it.
_BREAK_RE = re.compile(
    r"(?i)\b(?:career (?:break|note|pause|gap)|sabbatical|gap year|employment gap|leave of absence"
    r"|(?:family|parental|maternity|paternity|medical|personal|caregiving|caregiver|bereavement) leave"
    r"|caregiving|full-time (?:parent|caregiver)|stay-at-home (?:parent|mom|dad))\b"
)


def is_career_break(entry: dict[str, Any]) -> bool:
    return any(_BREAK_RE.search(str(entry.get(k) or "")) for k in ("name", "position", "organization"))


_KIND_NOUNS = frozenset({"unit", "units", "floor", "department", "team", "site"})


def _restates_a_line(entry: dict[str, Any], value: str, slot: Any, sample: Sample) -> bool:
    """A role's name or title that a terse source states on one line, where its parse found no such
    entry ("Senior Practicum, Medical-Surgical Unit (6-West)" for "Senior practicum: 6-West
    Medical-Surgical, Valley Sutter ..."; "Clinical Rotations" over the source's rotations): every
    word of it (a kind noun such as "Unit" aside) on one source line, or, for a list's heading with
    no title and no dates, in the source. A title with a parenthesis of its own line's details
    ("Certified Nursing Assistant (Part-Time, 16-24 hrs/week)") is the title without it."""
    words = set(content_words(value)) - _KIND_NOUNS
    texts = sample.grounding_text.splitlines() + [
        " ".join(str(v) for v in e.values() if isinstance(v, str))
        for e in sample.source.get("work") or []
        if isinstance(e, dict)
    ]
    lines = [set(content_words(line)) for line in texts]
    bare = _without_parentheses(value)
    if slot is not None and bare != value and same_name(bare, str(slot)):
        return any(words <= line for line in lines)
    if entry.get("startDate") or entry.get("endDate") or not words:
        return False
    if not entry.get("position"):
        return words <= set().union(*lines)
    return any(words <= line for line in lines)


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
    offenses = shown_as_held(sample)
    pending = pending_credentials(sample.source, sample.grounding_text)
    for section, key, kind in STRUCTURED:
        src_entries = [
            e for e in sample.source.get(section) or [] if isinstance(e, dict) and not is_career_break(e)
        ]
        src_values = {normalize_text(str(e[key])) for e in src_entries if e.get(key)}
        entries = [e for e in sample.output.get(section) or [] if isinstance(e, dict)]
        roles = [e for e in entries if not is_career_break(e)]
        for i, entry in enumerate(entries):
            value = entry.get(key)
            if key == "endDate" and not value and section == "work" and entry.get("startDate"):
                offenses += _still_ongoing(entry, i, roles, src_entries, sample.grounding_text)
            if not value or (kind != "date" and is_career_break(entry)):
                continue
            if key in NAME_KEYS and parse_detail(str(value)):
                continue  # a layout's detail, judged as free text (free_text)
            matched = _matched_entry(section, entry, roles, src_entries, sample.grounding_text)
            if kind == "employer" and employer_elsewhere(entry, key, matched):
                continue  # "Second Shift" over "Magnolia Community Hospital (180-bed)": a detail
            if section in ("work", "volunteer") and kind != "date" and credential_role(entry, sample.source):
                continue  # "Designations" over "CPCU, The Institutes": credentials, not a role
            if section in _QUALIFICATIONS and merged(entry, sample.source):
                problem = merged_problem(kind, str(value), sample.source)
                if problem:
                    path = f"{section}[{i}].{key}"
                    offenses.append(Offense(kind, str(value), f"{path}: {problem}", path))
                continue
            if section == "certificates" and key == "date":
                if matched is None or not same_credential(entry, matched):
                    continue  # a date is compared only with the same credential's
            elif section == "certificates" and matched is not None and restates_entry(entry, matched):
                continue  # "LEED Accredited Professional, Building Design + Construction (LEED AP BD+C)"
            slot = matched.get(key) if matched is not None else None
            if section == "certificates" and (status_only(str(value)) or marked_restatement(entry, pending)):
                continue  # "in progress" in an issuer's field names no one; a pending credential, marked
            problem = _field_problem(kind, str(value), slot, src_values, sample.grounding_text)
            problem = reread(kind, str(value), slot, matched, entry, problem, sample.grounding_text)
            if (
                kind == "title"
                and problem is None
                and headline_only(str(value), slot, sample.source, sample.grounding_text)
            ):
                problem = f"was {slot!r}: the headline's title, not this role's"
            if (
                problem is None
                and (section, key) == ("education", "area")
                and _another_field(str(value), slot)
            ):
                problem = f"was {slot!r}: the degree's field is another"
            if (
                problem
                and section in ("work", "volunteer")
                and _restates_a_line(entry, str(value), slot, sample)
            ):
                problem = None
            if problem == _UNSTATED and kind != "date":
                kin = [matched] if matched is not None else src_entries + other_roles(section, sample.source)
                listed = section in _QUALIFICATIONS  # a CV's list of degrees and licences, read either way
                if listed:
                    kin = [
                        e
                        for other in _QUALIFICATIONS
                        for e in sample.source.get(other) or []
                        if isinstance(e, dict)
                    ]
                if stated_by_entry(str(value), kin, slot, each_part=listed):
                    problem = None  # "Student Teacher, Mathematics": the entry's words, split otherwise
            if problem:
                path = f"{section}[{i}].{key}"
                named = "degree" if problem == NO_SUCH_DEGREE else kind  # a degree listed as a certificate
                offenses.append(Offense(named, str(value), f"{path}: {problem}", path))
    return offenses


def _still_ongoing(
    entry: dict[str, Any],
    index: int,
    roles: list[dict[str, Any]],
    src_entries: list[dict[str, Any]],
    src_text: str,
) -> list[Offense]:
    """A role the output says goes on ("Feb 2021 – Present") that the source ended ("Aug 2024")."""
    if is_career_break(entry):
        return []
    matched = _matched_entry("work", entry, roles, src_entries, src_text)
    if matched is None or not matched.get("endDate") or not matched.get("startDate"):
        return []
    start, was = parse_date(str(entry["startDate"])), parse_date(str(matched["startDate"]))
    if start is None or was is None or not start.same_as(was) or one_dated_span(entry, matched):
        return []
    path = f"work[{index}].endDate"
    return [
        Offense(
            "date",
            str(entry["startDate"]),
            f"{path}: present, but the source's role ended {matched['endDate']}",
            path,
        )
    ]


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
