"""Numbers a rewrite derives from the source, which `fabrication` reads as grounded.

A judgement call (golden/README.md, "Derived numbers"): a figure computed from what the source
states is a restatement, not an invention, when the arithmetic holds.

- **Years from dates**: "14 years in specialty retail" for roles dated 2012 to now; "11+ years"; "the
  last five" (years) of a role since 2021. Any span from one of the source's start dates to one of
  its end dates (an open role ends today) may be meant; a plain figure must be that span give or
  take a year, "N+", "over N" or "more than N" at least N. More years than any span allows is an
  invention.
- **A change computed from a before and an after** on the source line the output line restates:
  "50%" for "from two days to one", "more than doubled" for "from 12% to 27%" (claims check).
- **A count of what the source lists**: "three locations" for "Austin, Dublin, and Manila".
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from datetime import date
from itertools import pairwise
from typing import Any

from app.grounding import (
    PRESENT,
    RANGE_RE,
    Quantity,
    expand_year_ranges,
    find_quantities,
    normalize_text,
    parse_date,
)
from evals.scorers._fabrication_changes import before_after

_YEARS_AFTER = re.compile(r"^\s*\+?\s*(?:and a half\s+)?(?:full\s+|more\s+|plus\s+)?-?(?:years?|yrs?)\b")
_LAST_BEFORE = re.compile(r"\b(?:last|past|first|previous|recent)\s*$")
_AT_LEAST_BEFORE = re.compile(r"\b(?:over|more than|at least|nearly|almost|about|around|roughly)\s*$")


def today() -> date:
    """The day an open role ends: today, or `TAILOR_TODAY` (ISO) to measure a labelled batch on the
    day it was written (its "14 years" were computed then)."""
    pinned = os.environ.get("TAILOR_TODAY")
    return date.fromisoformat(pinned) if pinned else date.today()


def _months(d: date) -> int:
    return d.year * 12 + d.month - 1


def _bounds(value: str | None) -> tuple[int, int] | None:
    """The earliest and latest month a date string may mean ("2019" is any month of 2019)."""
    if value is None:
        now = _months(today())
        return now, now
    parsed = parse_date(value)
    if parsed is None or parsed is PRESENT:
        return None
    if parsed.month:
        month = parsed.year * 12 + parsed.month - 1
        return month, month
    return parsed.year * 12, parsed.year * 12 + 11


def career_spans(
    source: dict[str, Any], ranges: Iterable[tuple[str, str | None]] = ()
) -> list[tuple[float, float]]:
    """Every (shortest, longest) number of years from one start date of the source's roles to one
    of their end dates (an open role ends today)."""
    dated = [
        (str(e["startDate"]), str(e["endDate"]) if e.get("endDate") else None)
        for section in ("work", "volunteer")
        for e in source.get(section) or []
        if isinstance(e, dict) and e.get("startDate")
    ]
    dated += list(ranges)
    starts = [b for s, _ in dated if (b := _bounds(s))]
    ends = [b for _, e in dated if (b := _bounds(e))]
    spans = []
    for s_low, s_high in starts:
        for e_low, e_high in ends:
            if e_high >= s_low:
                spans.append((max(0, e_low - s_high) / 12, (e_high - s_low + 1) / 12))
    return spans


def text_ranges(text: str) -> list[tuple[str, str | None]]:
    """Date ranges a text resume states on its lines, for a source whose parse missed its roles."""
    found = []
    for line in text.splitlines():
        for m in RANGE_RE.finditer(normalize_text(expand_year_ranges(line))):
            start, end = parse_date(m.group("start")), parse_date(m.group("end"))
            if start is not None and start is not PRESENT and end is not None:
                found.append((start.iso(), None if end is PRESENT else end.iso()))
    return found


# A count of years with "years" left out, after a sentence that said it: "Eleven years in hotels,
# including five as manager", "fourteen years, the last eight in middle market", "nearly seven of them".
_ELLIPSIS_AFTER = re.compile(
    r"^\s*(?:\+\s*|-plus\s+)?(?:of (?:them|those)\b|as\b|in\b|at\b|on\b|with\b|before\b)"
)


def years_claimed(text: str, q: Quantity) -> bool:
    """Whether `q` counts years: "14 years", "11+ years", "the last five" in a sentence about years,
    "including five as manager" after a sentence's "Eleven years"."""
    norm = normalize_text(text)
    if _YEARS_AFTER.match(norm[q.end :]):
        return True
    sentence_end = norm.find(".", q.end)
    start = norm.rfind(".", 0, q.start) + 1
    sentence = norm[start : sentence_end if sentence_end > 0 else None]
    if (
        q.unit == ""
        and _ELLIPSIS_AFTER.match(norm[q.end :])
        and re.search(r"\byears?\b", norm[start : q.start])
    ):
        return True
    return bool(_LAST_BEFORE.search(norm[: q.start])) and re.search(r"\byears?\b", sentence) is not None


def years_fit(text: str, q: Quantity, spans: list[tuple[float, float]]) -> bool:
    """Whether some span of the source's dates allows the years `q` claims."""
    norm = normalize_text(text)
    at_least = bool(_AT_LEAST_BEFORE.search(norm[: q.start])) or norm[q.end : q.end + 2].lstrip().startswith(
        "+"
    )
    n = q.value
    for shortest, longest in spans:
        if at_least and longest >= n - 0.25:
            return True
        if shortest - 1.5 <= n <= longest + 1:
            return True
    return False


_TIME_UNITS = {"second": 1 / 60, "sec": 1 / 60, "minute": 1.0, "min": 1.0, "hour": 60.0, "hr": 60.0,
               "day": 1440.0, "week": 10080.0}  # fmt: skip
_UNIT_AFTER = re.compile(r"\s*-?\s*([a-z]+)")


def _time_unit(norm: str, end: int) -> float | None:
    m = _UNIT_AFTER.match(norm[end:])
    return _TIME_UNITS.get(m.group(1).rstrip("s")) if m else None


def timed_before_after(line: str) -> list[tuple[float, float]]:
    """The (before, after) pairs of a line in one unit where each names its own unit of time:
    "from 6 hours to 50 minutes" is (360, 50)."""
    norm = normalize_text(line)
    found = sorted((q.start, q.end, q.value) for q in find_quantities(line))
    pairs = []
    for (_, a_end, a), (b_start, b_end, b) in pairwise(found):
        unit_a, unit_b = _time_unit(norm, a_end), _time_unit(norm, b_end)
        gap = norm[a_end:b_start]
        if unit_a and unit_b and unit_a != unit_b and re.fullmatch(r"\s*[a-z]+\s+(?:to|->|→)\s*", gap):
            pairs.append((a * unit_a, b * unit_b))
    return pairs


def arithmetic_fits(q: Quantity, text: str, lines: Iterable[str]) -> bool:
    """A figure the arithmetic of one restated source line gives (golden/README.md, "Derived
    numbers"): the sum of two counts it lists side by side ("an eleven-person team" for "9 recruiters
    and 2 coordinators"), the size of a change it states ("by 17 days" for "from 58 to 41 days"), a
    change across units ("~86%" for "from 6 hours to 50 minutes"), and, said as a share ("X% of",
    "N of M"), one count as a share of another ("93% of plan" for "420 ... against a plan of 450") or a
    share of a count ("21 of 35 interns" for "35 interns, 60% received offers")."""
    said = normalize_text(text)[q.end :]
    as_share = re.match(r"\s*(?:out\s+)?of\b", said) is not None
    for line in lines:
        norm = normalize_text(line)
        found = [
            k
            for k in find_quantities(line)
            if not (k.unit == "" and k.value.is_integer() and 1950 <= k.value <= 2100)
        ]
        counts = [k.value for k in found if k.unit == ""]
        shares = [k.value for k in found if k.unit == "%"]
        if q.unit == "%":
            if as_share and any(
                0 < a < b and abs(a / b * 100 - q.value) <= 1.0 for a in counts for b in counts
            ):
                return True
            if any(a > 0 and abs(abs(b - a) / a * 100 - q.value) <= 1.0 for a, b in timed_before_after(line)):
                return True
            continue
        if q.unit != "":
            continue
        listed = [
            a.value + b.value
            for a, b in pairwise(k for k in found if k.unit == "")
            if _LISTED_GAP.fullmatch(norm[a.end : b.start])
        ]
        if any(abs(total - q.value) < 1e-9 for total in listed):
            return True
        if any(abs(abs(a - b) - q.value) < 1e-9 for a, b in before_after(line) + timed_before_after(line)):
            return True
        base = re.match(r"\s*(?:out\s+)?of\s+(?:the\s+)?([\d,]+)", said)
        if base and any(
            abs(n * p / 100 - q.value) <= 0.5 and float(base.group(1).replace(",", "")) == n
            for n in counts
            for p in shares
        ):
            return True
    return False


# Two counts listed side by side: "9 recruiters and 2 coordinators", "3 RNs, 2 techs".
_LISTED_GAP = re.compile(r"\s*[a-z][\w-]*(?:\s+[a-z][\w-]*)?\s*(?:,\s*(?:and\s+)?|and\s+|plus\s+|\+\s*)")


def percent_change_fits(q: Quantity, lines: Iterable[str]) -> bool:
    """ "50%" for a line that goes "from two days to one": the change from its before to its after."""
    if q.unit != "%":
        return False
    return any(
        a > 0 and abs(abs(b - a) / a * 100 - q.value) <= 1.0 for line in lines for a, b in before_after(line)
    )


_MULTIPLES = {
    "doubled": 2.0,
    "tripled": 3.0,
    "quadrupled": 4.0,
    "twofold": 2.0,
    "threefold": 3.0,
    "fourfold": 4.0,
}


def multiple_fits(word: str, text: str, lines: Iterable[str]) -> bool:
    """ "more than doubled ticket deflection" for a line that goes "from 12% to 27%"."""
    factor = _MULTIPLES.get(word.lower())
    if factor is None:
        return False
    before = normalize_text(text)
    at = before.find(word.lower())
    hedge = before[max(0, at - 14) : at]
    low, high = (factor, 1e9) if re.search(r"more than|over", hedge) else (factor * 0.8, factor * 1.15)
    return any(a > 0 and low <= b / a <= high for line in lines for a, b in before_after(line))


_LIST_ITEM_SPLIT = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")


def listed_counts(lines: Iterable[str]) -> set[int]:
    """How many items each list of the lines names: "across Austin, Dublin, and Manila" is 3."""
    counts = set()
    for line in lines:
        for segment in re.split(r"[;:()\[\]]|\.\s", line):
            if "," not in segment and " and " not in segment:
                continue
            tail = re.split(r"\b(?:across|in|at|for|with|including|of|on|from)\s+", segment)[-1]
            items = [i for i in _LIST_ITEM_SPLIT.split(tail) if i.strip()]
            if len(items) >= 2:
                counts.add(len(items))
    return counts


_WORD_AFTER = re.compile(r"\s*([a-z][a-z-]{3,})")
_MODIFIERS = frozenset(
    "new senior junior active direct total permanent temporary seasonal certified licensed".split()
)


def qualifier_moved(text: str, q: Quantity, lines: Iterable[str]) -> bool:
    """ "28 full-time associates" for "28 associates (6 full-time, 22 part-time)": the word the output
    puts after the number follows another number on the source line that states this one."""
    after = _WORD_AFTER.match(normalize_text(text)[q.end :])
    if after is None:
        return False
    word = after.group(1)
    if "-" not in word and word not in _MODIFIERS:
        return False  # "7 years", "4 agents": a unit or a noun, not a qualifier of the number
    stating = [line for line in lines if any(q.matches(k) for k in find_quantities(line))]
    for line in stating:
        norm = normalize_text(line)
        for k in find_quantities(line):
            said = _WORD_AFTER.match(norm[k.end :])
            if said is not None and said.group(1) == word and q.matches(k):
                return False
    return any(
        (said := _WORD_AFTER.match(normalize_text(line)[k.end :])) is not None and said.group(1) == word
        for line in stating
        for k in find_quantities(line)
        if not q.matches(k)
    )


_TARGET_WORDS = r"(?:plan|target|goal|quota|forecast|budget(?:ed)?|projected|projection)"
# "a goal of $6.5M", "raised toward $6.5M": the number is the target the words before it name.
_TARGET_OF = re.compile(rf"(?i)\b(?:{_TARGET_WORDS}\s+(?:of|was|at)|towards?(?:\s+(?:a|an|the))?)\s+$")
# "budget for a $2.4M annual program": the target word a few words before the number, with no word
# between that makes the number a result or a comparison ("plan by closing $2.4M" is a result).
_RESULT_OR_COMPARISON = (
    r"against|vs|versus|over|above|below|under|beat\w*|exceed\w*|hit\w*|reach\w*|achiev\w*|deliver\w*"
    r"|generat\w*|clos\w*|made|making|won|raised|rais\w*|brought|by"
)
_TARGET_NEAR = re.compile(
    rf"(?i)\b{_TARGET_WORDS}\s+(?:(?!(?:{_RESULT_OR_COMPARISON})\b)[a-z']+\s+){{1,3}}$"
)
# "$6.5M goal", "the unit's 85% renewal retention goal": up to three words before the target word.
_TARGET_AFTER = re.compile(
    rf"(?i)^[\s-]*(?:(?!(?:against|vs|versus|over|above|below|under|toward|towards|of|beat|exceed)\b)[a-z']+[\s-]+)"
    rf"{{0,3}}?{_TARGET_WORDS}\b"
)


def target_as_result(text: str, q: Quantity, lines: Iterable[str]) -> bool:
    """ "Made 450 hires" for "Hired 420 people against a plan of 450": a number every restated
    source line that states it gives as a plan, target or goal, which the output line states as
    something else (not "of the 450-hire plan")."""
    stating = [line for line in lines if any(q.matches(k) for k in find_quantities(line))]
    said = normalize_text(text)
    if not stating or _said_of_a_target(said, q):
        return False  # "93% of the 450-hire plan": the output says it of the plan too
    for line in stating:
        norm = normalize_text(line)
        for k in find_quantities(line):
            if q.matches(k) and not _said_of_a_target(norm, k):
                return False
    return True


def _said_of_a_target(norm: str, q: Quantity) -> bool:
    before, after = norm[: q.start], norm[q.end :]
    return bool(_TARGET_OF.search(before) or _TARGET_NEAR.search(before) or _TARGET_AFTER.match(after))


# What a number measures, dropped: "p99 latency" as "latency", "median first reply time" as "first
# reply time": a percentile or a median read as every case. (Faithful rewrites in batches 1-4 drop
# "average", "up to" and "about"; a rate such as "annual" is read over a whole clause, too loosely to
# judge here: `specificity` reports those.)
_MEASURE_KEYS = re.compile(r"^(?:p\d+(?:\.\d+)?|median|at peak)$")  # a peak read as sustained, too


def measure_dropped(text: str, q: Quantity, lines: Iterable[str]) -> str | None:
    """The measure of `q` that the source line restated by this one gives and this one drops."""
    from app.grounding import dropped_qualifiers

    for line in lines:
        for lost in dropped_qualifiers(line, text):
            if _MEASURE_KEYS.match(lost.key) and any(q.matches(n) for n in lost.quantities):
                return lost.raw
    return None
