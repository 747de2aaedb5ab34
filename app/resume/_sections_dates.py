"""Date ranges inside resume lines, for the text-resume parser ("Jan 2020 – Present", "Summer 2024")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from app.grounding import DATE_RE, PRESENT, RANGE_RE, expand_year_ranges, parse_date

DASH_MAP = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})


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
    text = expand_year_ranges(text)
    probe = text.translate(DASH_MAP)  # one char for one char, so spans stay valid

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
