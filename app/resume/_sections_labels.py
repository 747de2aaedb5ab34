"""Lines that name a section without being a heading, for the text-resume parser: a table's column
names ("Role | Company | Dates") and a labelled list standing apart ("Education: A.A.S. ..., 2012")."""

from __future__ import annotations

import re

_COLUMNS = {
    "role", "title", "position", "job title", "company", "employer", "organization", "organisation",
    "dates", "date", "period", "years", "location", "where", "when",
}  # fmt: skip


def table_columns(title: str) -> list[str] | None:
    """ "Role | Company | Dates": the column names of a table of roles, or None."""
    cells = [c.strip().lower() for c in title.split("|")]
    return cells if len(cells) >= 2 and all(c in _COLUMNS for c in cells) else None


_LABELS = {
    "education": "education", "skills": "skills", "technical skills": "skills", "core competencies": "skills",
    "certifications": "certificates", "certificates": "certificates", "licenses": "certificates",
    "languages": "languages", "interests": "interests", "awards": "awards",
}  # fmt: skip
_LABELLED_RE = re.compile(r"^([A-Za-z][A-Za-z ]{2,30}?)\s*[:：]\s*(\S.*)$")


def labelled_line(text: str, above: str) -> tuple[str, str, str] | None:
    """(label, section, content) of "Skills: a · b · c" when the line above it is blank or another
    such line; None otherwise."""
    m = _LABELLED_RE.match(text)
    key = _LABELS.get(m.group(1).lower()) if m else None
    if m is None or key is None:
        return None
    apart = not above or _LABELLED_RE.match(above) is not None
    return (m.group(1), key, m.group(2)) if apart else None
