"""Dates as resumes write them: "Jan 2020", "01/2020", "2020-01", "January 2020", "2020", "Present".

Everything compares through `PartialDate`, so "Jan 2020", "01/2020" and "2020-01" are one date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.grounding._normalize import normalize_text

MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
    # a few non-English month names for non-English resumes
    "janvier": 1,
    "fevrier": 2,
    "février": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "aout": 8,
    "août": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
    "décembre": 12,
    "enero": 1,
    "febrero": 2,
    "marzo": 3,
    "abril": 4,
    "mayo": 5,
    "junio": 6,
    "julio": 7,
    "agosto": 8,
    "septiembre": 9,
    "octubre": 10,
    "noviembre": 11,
    "diciembre": 12,
    # abbreviations as Spanish, French and German resumes write them ("ene. 2019", "févr. 2020")
    "ene": 1,
    "abr": 4,
    "ago.": 8,  # with its dot only: "years ago 2019" is no date
    "dic": 12,
    "janv": 1,
    "fevr": 2,
    "févr": 2,
    "avr": 4,
    "juil": 7,
    "déc": 12,
    "mär": 3,
    "mrz": 3,
    "okt": 10,
    "dez": 12,
    "januar": 1,
    "februar": 2,
    "märz": 3,
    "juni": 6,
    "juli": 7,
    "oktober": 10,
    "dezember": 12,
}
PRESENT_WORDS = (
    "present",
    "current",
    "now",
    "today",
    "ongoing",
    "aujourd'hui",
    "présent",
    "actuel",
    "en cours",
    "actualidad",
    "actual",
    "presente",
    "hoy",
    "heute",
    "jetzt",
    "laufend",
)

_MONTH_ALT = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_YEAR = r"(?:19|20)\d{2}"
DATE_PATTERN = (
    rf"(?:(?:{_MONTH_ALT})\.?\s+(?:\d{{1,2}},?\s+)?{_YEAR}"  # Jan 2020, January 5, 2020
    rf"|{_YEAR}-[01]\d(?:-[0-3]\d)?"  # 2020-01, 2020-01-15
    rf"|[01]?\d/{_YEAR}"  # 01/2020
    rf"|[01]?\d\.{_YEAR}"  # 01.2020
    rf"|{_YEAR})"  # 2020
)
_PRESENT = "|".join(re.escape(w) for w in PRESENT_WORDS)
# A term before the end of a range ("Fall 2014 to Spring 2016"): the year is the date; the start's
# term stands before the range and is kept by the parser as a note.
_TERM = r"(?:(?:spring|summer|fall|autumn|winter)\s+)?"
RANGE_RE = re.compile(
    rf"(?P<start>{DATE_PATTERN})\s*(?:-|to|until|till|–|—|~|a|au|bis)\s*{_TERM}(?P<end>{DATE_PATTERN}|{_PRESENT})",
    re.IGNORECASE,
)
PRESENT_RE = re.compile(rf"(?<![a-z])(?:{_PRESENT})(?![a-z])")
DATE_RE = re.compile(rf"(?<![\d/.]){DATE_PATTERN}(?![\d/])", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    def iso(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def same_as(self, other: PartialDate) -> bool:
        """Equal where both are known: 2020-01 matches 2020-01-15; 2020 matches 2020-06 only by year."""
        if self.year != other.year:
            return False
        if self.month is not None and other.month is not None and self.month != other.month:
            return False
        return not (self.day is not None and other.day is not None and self.day != other.day)


PRESENT = PartialDate(9999)


def parse_date(text: str) -> PartialDate | None:
    """One date, or None. "Present" and its kin parse to PRESENT."""
    s = normalize_text(text).strip(" .,")
    if not s:
        return None
    if s in PRESENT_WORDS:
        return PRESENT
    if m := re.fullmatch(r"((?:19|20)\d{2})(?:-([01]\d)(?:-([0-3]\d))?)?", s):
        year, month, day = m.groups()
        return _valid(int(year), int(month) if month else None, int(day) if day else None)
    if m := re.fullmatch(r"([01]?\d)[/.]((?:19|20)\d{2})", s):
        return _valid(int(m.group(2)), int(m.group(1)))
    if m := re.fullmatch(rf"({_MONTH_ALT})\.?\s+(?:(\d{{1,2}}),?\s+)?((?:19|20)\d{{2}})", s):
        day = int(m.group(2)) if m.group(2) else None
        return _valid(int(m.group(3)), MONTHS[m.group(1)], day)
    return None


def _valid(year: int, month: int | None = None, day: int | None = None) -> PartialDate | None:
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and not 1 <= day <= 31:
        return None
    return PartialDate(year, month, day)


_SHORT_RANGE_RE = re.compile(r"(?<![\d/.\-–—])((19|20)(\d{2}))\s*([–—])\s*(\d{2})(?![\d/.\-–—])")


_MONTHS_ONE_YEAR_RE = re.compile(
    rf"(?<![\w.])({_MONTH_ALT})\.?(\s*(?:[–—-]|to)\s*)({_MONTH_ALT})\.?\s+((?:19|20)\d{{2}})(?!\d)",
    re.IGNORECASE,
)


def expand_year_ranges(text: str) -> str:
    """ "2010–11" (an en or em dash) -> "2010–2011": a range of years, not November 2010. An ISO
    month is written with a hyphen ("2010-11"), which is left alone. "May–Aug 2023" -> "May 2023–Aug
    2023": two months of one year."""

    def full(m: re.Match[str]) -> str:
        start, end = int(m.group(1)), int(m.group(2)) * 100 + int(m.group(5))
        end += 100 if end <= start else 0
        return f"{m.group(1)}{m.group(4)}{end}" if end - start <= 20 else m.group(0)

    def months(m: re.Match[str]) -> str:
        return f"{m.group(1)} {m.group(4)}{m.group(2)}{m.group(3)} {m.group(4)}"

    text = _MONTHS_ONE_YEAR_RE.sub(months, text)
    return _SHORT_RANGE_RE.sub(full, text) if "–" in text or "—" in text else text


def find_dates(text: str) -> list[PartialDate]:
    """Every date written in `text`, in order (a range gives two; "Present" is included)."""
    found: list[PartialDate] = []
    text = expand_year_ranges(text)
    for m in DATE_RE.finditer(normalize_text(text)):
        d = parse_date(m.group(0))
        if d is not None:
            found.append(d)
    if PRESENT_RE.search(normalize_text(text)):
        found.append(PRESENT)
    return found


def parse_range(text: str) -> tuple[PartialDate, PartialDate | None] | None:
    """ "Jan 2020 - Present" -> (2020-01, PRESENT); a lone date -> (date, None)."""
    s = normalize_text(expand_year_ranges(text))
    if m := RANGE_RE.search(s):
        start, end = parse_date(m.group("start")), parse_date(m.group("end"))
        if start is not None:
            return start, end
    single = parse_date(s)
    return (single, None) if single is not None else None


def to_iso(text: str) -> str | None:
    """A JSON Resume date (YYYY, YYYY-MM or YYYY-MM-DD) for a written date, or None."""
    d = parse_date(text)
    return None if d is None or d == PRESENT else d.iso()
