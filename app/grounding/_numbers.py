"""Quantities as resumes write them, compared by value: "30%", "$1.2M", "1.2 million", "10k", "five".

A rewrite may restate "five engineers" as "5 engineers"; it may not turn 30% into 45%.
Percentages match only percentages and money only money; plain numbers match any unit.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from app.grounding._normalize import normalize_text

UNITS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "k": 1_000,
    "m": 1_000_000,
    "mm": 1_000_000,
    "b": 1_000_000_000,
    "bn": 1_000_000_000,
}
_WORD = "|".join(sorted([*UNITS, *TENS, "dozen"], key=len, reverse=True))
_SCALE = r"(?:hundred|thousand|million|billion|k|mm|m|bn|b)"
QUANTITY_RE = re.compile(
    rf"(?:(?P<cur>[$€£¥])\s?)?(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    rf"(?:\s?(?P<scale>{_SCALE})(?![a-z]|\.[a-z]))?\s?(?P<pct>%|percent\b|per cent\b)?(?P<mult>x\b)?"
    rf"|(?<![a-z])(?P<word>(?:{'|'.join(TENS)})[- ](?:{'|'.join(UNITS)})|{_WORD})(?![a-z])(?:\s(?P<wscale>hundred|thousand|million|billion))?"
    rf"(?:\s(?P<wpct>percent|per cent))?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Quantity:
    raw: str
    value: float
    unit: str  # "%", "$", "x" or ""
    start: int
    end: int

    def matches(self, other: Quantity) -> bool:
        if abs(self.value - other.value) > 1e-9 * max(1.0, abs(self.value)):
            return False
        return self.unit == other.unit or (
            "" in (self.unit, other.unit) and "%" not in (self.unit, other.unit)
        )


def _word_value(word: str) -> float:
    word = word.lower().replace("-", " ")
    if word == "dozen":
        return 12
    parts = word.split()
    return float(sum(TENS.get(p, 0) + UNITS.get(p, 0) for p in parts))


def without_quantities(text: str) -> str:
    """`text` normalised, with every quantity blanked: "two million rows" is a number (compared by
    value elsewhere), not a claim of scale."""
    norm = normalize_text(text)
    for q in reversed(find_quantities(text)):
        norm = norm[: q.start] + " " * (q.end - q.start) + norm[q.end :]
    return norm


# Letters a number may carry glued to it and still be a quantity: ordinals ("10th") and units
# ("40GB", "180ms", "22fps"). Any other letters make the number part of a name: "3D", "4G", "2FA", "3PL".
_GLUED_UNITS = frozenset(
    """s st nd rd th gb mb kb tb gbps mbps ms fps kg lb lbs oz hr hrs h yr yrs mo mos min mins sec secs
    km mi ft sqft sf cm mm in kw mw kwh mph rpm hz khz mhz ghz wpm ppm tps qps rps yd yds gal pt""".split()
)
_PERCENTILE_AFTER = re.compile(r"(?:st|nd|rd|th)[- ]percentile")  # "95th percentile" is p95: a label


def _inside_a_token(norm: str, original: str, m: re.Match[str]) -> bool:
    """Whether a number written in digits is part of a name or code, not a quantity: glued to a
    letter before ("Web3", "B2B", "Q3") or to letters after that are no unit ("3D", "4G", "2FA");
    a code's number after a capital or one letter and a hyphen ("K-8", "COVID-19", "W-2"); either
    side of a slash between numbers ("24/7"); a percentile's rank ("95th percentile")."""
    start = m.start()
    end = max(m.end(g) for g in ("num", "scale", "pct", "mult") if m.group(g))
    before = norm[start - 1] if start > 0 else " "
    if before.isalpha() or before == "_":  # "Web3", "ISO27001", "[EMAIL_1]" are names, not numbers
        return True
    glued = re.match(r"[a-z]+", norm[end:])
    if glued and glued.group(0) not in _GLUED_UNITS:
        return True
    if _PERCENTILE_AFTER.match(norm, end):
        return True
    if re.search(r"\d/\Z", norm[:start]) or re.match(r"/\d", norm[end:]):
        return True  # "24/7", "9/80 schedule"
    if before == "-":
        word = re.search(r"(?<![a-z0-9$€£¥.])([a-z]+)-\Z", norm[:start])
        same_length = len(original) == len(norm)
        if word and (
            len(word.group(1)) == 1 or (same_length and original[word.start(1) : start - 1].isupper())
        ):
            return True
    return False


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in `text` (normalised first), skipping the word "one" used as a pronoun,
    the parts of dates ("2015-03", "03/2020", "Jan 2020": dates are compared as dates) and
    numbers inside a name or code ("3D", "24/7", "B2B", "Q3")."""
    from app.grounding._dates import DATE_RE

    norm = normalize_text(text)
    original = " ".join(text.split())
    dates = [(d.start(), d.end()) for d in DATE_RE.finditer(norm) if not re.fullmatch(r"\d{4}", d.group(0))]
    found: list[Quantity] = []
    for m in QUANTITY_RE.finditer(norm):
        if any(a <= m.start() < b for a, b in dates):
            continue
        if m.group("num"):
            if _inside_a_token(norm, original, m):
                continue
            value = float(m.group("num").replace(",", ""))
            scale = (m.group("scale") or "").lower()
            if scale and norm[m.end("num")].isspace() and re.match(r"-\d", norm[m.end() :]):
                # "22 K-5 classrooms": 22 of them, and a grade range; not 22,000
                found.append(Quantity(m.group("num"), value, "", m.start(), m.end("num")))
                continue
            value *= SCALES.get(scale, 1)
            unit = "%" if m.group("pct") else "$" if m.group("cur") else "x" if m.group("mult") else ""
        else:
            if m.group("word").lower() == "one" and not m.group("wscale"):
                continue
            value = _word_value(m.group("word")) * SCALES.get((m.group("wscale") or "").lower(), 1)
            unit = "%" if m.group("wpct") else ""
        found.append(Quantity(m.group(0).strip(), value, unit, m.start(), m.end()))
    return _share_range_units(_join_number_words(found, norm), norm)


def _join_number_words(found: list[Quantity], norm: str) -> list[Quantity]:
    """ "one hundred fifty" is one number, 150, not 100 and 50."""
    joined: list[Quantity] = []
    for q in found:
        prev = joined[-1] if joined else None
        if (
            prev is not None
            and prev.unit == q.unit == ""
            and not any(c.isdigit() for c in prev.raw + q.raw)
            and re.search(r"(?:hundred|thousand)$", prev.raw)
            and re.fullmatch(r"\s+(?:and\s+)?", norm[prev.end : q.start])
            and q.value < (1000 if prev.raw.endswith("thousand") else 100)
        ):
            joined[-1] = Quantity(norm[prev.start : q.end], prev.value + q.value, "", prev.start, q.end)
        else:
            joined.append(q)
    return joined


_RANGE_GAP_RE = re.compile(r"\s*(?:to|-|–|—)\s*")


def _share_range_units(found: list[Quantity], norm: str) -> list[Quantity]:
    """In "from 55 to 80%" or "55–80%" the unit is written once and holds for both ends."""
    for i in range(len(found) - 1, 0, -1):
        low, high = found[i - 1], found[i]
        if low.unit == "" and high.unit == "%" and _RANGE_GAP_RE.fullmatch(norm[low.end : high.start]):
            found[i - 1] = dataclasses.replace(low, unit="%")
    return found


def _unmatched(wanted: list[Quantity], available: list[Quantity]) -> list[Quantity]:
    """The quantities of `wanted` left over when each one of `available` can match only once."""
    pool = list(available)
    left = []
    for q in wanted:
        hit = next((k for k in pool if q.matches(k)), None)
        if hit is None:
            left.append(q)
        else:
            pool.remove(hit)
    return left


def ungrounded_quantities(text: str, source: str, *, counted: bool = False) -> list[Quantity]:
    """Quantities in `text` that no quantity of `source` matches by value and unit.

    With `counted`, each source quantity grounds one use only: "prototypes for 12 features"
    does not ground "12 prototypes for 12 features".
    """
    known = find_quantities(source)
    if counted:
        return _unmatched(find_quantities(text), known)
    return [q for q in find_quantities(text) if not any(q.matches(k) for k in known)]


def dropped_quantities(original: str, rewrite: str, *, counted: bool = True) -> list[Quantity]:
    """Quantities of `original` that `rewrite` no longer states ("30 services" lost its 30).

    Counted (for one line): each mention must survive. Not counted (for a whole resume): a value
    is lost only when it appears nowhere any more, since a summary may drop a repeated figure.
    """
    if counted:
        return _unmatched(find_quantities(original), find_quantities(rewrite))
    kept = find_quantities(rewrite)
    lost: list[Quantity] = []
    for q in find_quantities(original):
        if not any(q.matches(k) for k in kept) and not any(q.matches(x) for x in lost):
            lost.append(q)
    return lost
