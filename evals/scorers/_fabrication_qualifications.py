"""Qualifications as `fabrication`'s structured half reads them (batch 7 as a development set):
a status in a certificate's field ("in progress") is no issuer; a list of credentials a parse read
as a role ("Designations" over "CPCU, The Institutes") is no employer or title; several
qualifications a parse read as one entry are judged against all of the source's; a credential
shortened to its own words ("ARRT" with "Computed Tomography (CT)") is the source's."""

from __future__ import annotations

import re
from typing import Any

from app.grounding import contains_phrase, content_words, normalize_text, parse_date, same_name

# -- statuses ----------------------------------------------------------------------------------

STATUS_RE = re.compile(
    r"(?i)\b(?:in progress|in preparation|preparing(?: for)?|studying(?: for)?|pursuing|candidate|pending"
    r"|planned|expected|not yet (?:taken|scheduled|signed off|held|earned)|coursework(?: started| in progress)?"
    r"|working towards?|enrolled|(?:\d+|one|two|three|four) of (?:\d+|two|three|four|five) (?:courses|exams|parts|modules)"
    r"(?: completed)?|lapsed|expired|inactive|applied for)\b"
)


def status_only(value: str) -> bool:
    """ "in progress", "coursework in progress", "In preparation, exam planned for 2027": a status,
    not an issuer or a name."""
    rest = STATUS_RE.sub(" ", value)
    rest = re.sub(r"(?i)\b(?:exam|since|for|the|status|and|in|on|by|a|an|\d{4}|"
                  r"january|february|march|april|may|june|july|august|september|october|november|december)\b",
                  " ", rest)  # fmt: skip
    return STATUS_RE.search(value) is not None and not re.sub(r"[\W\d_]", "", rest)


# -- qualifications read as roles, or several read as one ---------------------------------------


def qualifications(source: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for s in ("education", "certificates") for e in source.get(s) or [] if isinstance(e, dict)]


def credential_role(entry: dict[str, Any], source: dict[str, Any]) -> bool:
    """An output "role" whose title is the source's credentials ("Designations" over "CPCU, The
    Institutes"): a list of qualifications a parse read as a role, and no employer or title."""
    from evals.scorers._fabrication_layouts import stated_by_entry

    position = str(entry.get("position") or "")
    roles = [e for s in ("work", "volunteer") for e in source.get(s) or [] if isinstance(e, dict)]
    if not position or any(same_name(position, str(e.get("position") or "")) for e in roles):
        return False
    name = str(entry.get("name") or entry.get("organization") or "")
    if any(contains_phrase(str(e.get(k) or ""), name) for e in roles for k in ("name", "organization")):
        return False
    return stated_by_entry(position, qualifications(source), None, each_part=True)


_IDENTITY_KEYS = ("institution", "name")


def merged(entry: dict[str, Any], source: dict[str, Any]) -> bool:
    """An output qualification whose fields name two or more of the source's qualifications ("M.A.
    English, Portland Metropolitan University · B.A. Communications, Linfield Hills College" read
    as one entry): its values are judged against all of them."""
    text = " | ".join(str(v) for v in entry.values() if isinstance(v, str))
    named = {
        normalize_text(str(e[k]))
        for e in qualifications(source)
        for k in _IDENTITY_KEYS
        if isinstance(e.get(k), str) and contains_phrase(text, str(e[k]))
    }
    return len(named) >= 2


def merged_problem(kind: str, value: str, source: dict[str, Any]) -> str | None:
    from evals.scorers._fabrication_layouts import stated_by_entry

    quals = qualifications(source)
    if kind == "date":
        day = parse_date(value)
        dates = [parse_date(str(e.get(k) or "")) for e in quals for k in ("date", "startDate", "endDate")]
        return (
            None
            if day is None or any(d is not None and day.same_as(d) for d in dates)
            else "the source has no such date"
        )
    from app.grounding import find_degrees
    from evals.scorers._fabrication_entries import degree_problem

    text = " ".join(str(v) for e in quals for v in e.values() if isinstance(v, str))
    for part in (p for p in re.split(r"\s*[,;·]\s*", value) if content_words(p)):
        if not stated_by_entry(part, quals, None, each_part=True) and not (
            find_degrees(part) and degree_problem(part, text) is None
        ):
            return "the source states no such value"
    return None


def shortened_credential(value: str, slot: Any, entry: dict[str, Any], source: dict[str, Any] | None) -> bool:
    """ "ARRT" with "Computed Tomography (CT)" for the source's "ARRT Computed Tomography (CT)
    post-primary": a part of the entry's own name, the output entry's words all the source entry's,
    which the source holds (no status)."""
    if source is None or slot is None or not contains_phrase(str(slot), value):
        return False
    said = " ".join(str(entry.get(k) or "") for k in ("name", "issuer"))
    stated = " ".join(str(source.get(k) or "") for k in ("name", "issuer"))
    return not STATUS_RE.search(stated) and set(content_words(said)) <= set(content_words(stated))


def same_credential(entry: dict[str, Any], source: dict[str, Any]) -> bool:
    """An output certificate of the source's: the same words, or a name within the other."""
    from evals.scorers._fabrication_entries import restates_entry

    said, stated = str(entry.get("name") or ""), str(source.get("name") or "")
    return bool(said and stated) and (
        restates_entry(entry, source) or contains_phrase(stated, said) or contains_phrase(said, stated)
    )
