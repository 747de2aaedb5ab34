"""Changes a line states (a before and an after), and what a rewrite may and may not make of them.

Grounded (golden/README.md, "Derived numbers"): the size of a change worked out from the source's
own before and after, hedged as the rewrite hedges it ("more than 40%" for "from 6% to 3.5%", "~84%"
for "from 1.9 mA to 310 µA", "up 133%" for "from about $9,000 a month in 2022 to about $21,000");
the gap between two rates in points ("seven points above the 27% average" for 34% and 27%); a share
the line works out of its own counts ("8 of 11 ... (73%)").

Not grounded: a level read as a change ("raised win rate by 34%" for "win rate was 34%"; "raising
hit ratio by 26%" for "from 18% to 26%"), and a figure the source gives of a narrow scope (my
shift, our region, one kind of proposal) said of a wide one ("department-wide", "overall").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.grounding import Quantity, find_quantities, normalize_text

_HEDGE = r"(?:about|approximately|approx\.?|roughly|around|nearly|almost|~|some)"
# Between a before and its after: a few words ("a month in 2022", "in fy2020", "/week"), then "to".
_TO_GAP = re.compile(
    rf"\s*(?:[a-z%$/.()'-]*[a-z%$/)'.]\s+){{0,5}}?(?:to|→|->|down to|up to)\s*(?:{_HEDGE}\s*)?",
    re.IGNORECASE,
)
_SI = {"k": 1e3, "m": 1e-3, "μ": 1e-6, "µ": 1e-6, "u": 1e-6, "n": 1e-9}
_UNIT_AFTER = re.compile(r"\s*([kmμµun]?)(a|v|w|g|hz|b|gy|l)\b")


def _is_year(k: Quantity) -> bool:
    return k.unit == "" and k.value.is_integer() and 1950 <= k.value <= 2100 and k.raw.isdigit()


def _scale(norm: str, end: int) -> tuple[str, float] | None:
    m = _UNIT_AFTER.match(norm[end:])
    return (m.group(2), _SI.get(m.group(1), 1.0)) if m else None


def before_after(line: str) -> list[tuple[float, float]]:
    """The (before, after) pairs a line states: "from two days to one", "from 12% to 27%", "35 → 9",
    "from about $9,000 a month in 2022 to about $21,000", "from ~25/week to ~8/week". A year between
    them dates the before; a pair of years is a period, not a change. An SI prefix that differs
    ("from 1.9 mA to 310 µA") is put in one unit."""
    norm = normalize_text(line)
    found: list[tuple[int, int, float, Quantity | None]]
    found = [(q.start, q.end, q.value, q) for q in find_quantities(line)]
    found += [(m.start(), m.end(), 1.0, None) for m in re.finditer(r"\bone\b", norm)]
    found.sort(key=lambda f: f[0])
    pairs = []
    for i, (_, a_end, a, qa) in enumerate(found):
        if qa is not None and _is_year(qa):
            continue
        rest = [f for f in found[i + 1 :] if not (f[3] is not None and _is_year(f[3]))]
        if not rest:
            continue
        b_start, b_end, b, _ = rest[0]
        gap = re.sub(r"\b(?:fy)?(?:19|20)\d\d\b", "", norm[a_end:b_start])
        if len(gap) > 48 or not _TO_GAP.fullmatch(gap):
            continue
        units = _scale(norm, a_end), _scale(norm, b_end)
        if units[0] and units[1] and units[0][0] == units[1][0] and units[0][1] != units[1][1]:
            a, b = a * units[0][1] / units[1][1], b
        pairs.append((a, b))
    return pairs


_MORE = re.compile(r"(?:more than|over|above|at least)\s*$")
_LESS = re.compile(r"(?:nearly|almost|just under|close to)\s*$")
_ABOUT = re.compile(rf"{_HEDGE}\s*$")


def hedged_change_fits(q: Quantity, text: str, lines: Iterable[str]) -> bool:
    """A percentage change worked out from a before and an after of a restated source line, read as
    the output hedges it: "more than 40%" at least 40 (and under half again), "nearly 70%" a little
    under, "~84%" or "roughly" within a tenth; a source that hedges its own figures ("about $9,000")
    allows the same give."""
    if q.unit != "%":
        return False
    before = normalize_text(text)[: q.start]
    for line in lines:
        loose = re.search(rf"(?i){_HEDGE}", line) is not None
        for a, b in before_after(line):
            if a <= 0:
                continue
            actual = abs(b - a) / a * 100
            if _MORE.search(before):
                ok = q.value <= actual <= q.value * 1.5
            elif _LESS.search(before):
                ok = q.value * 0.9 <= actual <= q.value + 0.5
            elif _ABOUT.search(before) or loose:
                ok = abs(actual - q.value) <= max(1.0, 0.05 * actual)
            else:
                ok = abs(actual - q.value) <= 1.0
            if ok:
                return True
    return False


_POINTS_AFTER = re.compile(r"\s*(?:percentage\s+|percent\s+)?(?:points?|pts?|pp)\b")


def points_fit(q: Quantity, text: str, lines: Iterable[str]) -> bool:
    """ "seven points above the 27% company average" for a line that states 34% and 27%: the gap
    between two rates of one restated line, in points."""
    if q.unit != "" or not _POINTS_AFTER.match(normalize_text(text)[q.end :]):
        return False
    for line in lines:
        rates = [k.value for k in find_quantities(line) if k.unit == "%"]
        if any(abs(abs(a - b) - q.value) < 0.05 for a in rates for b in rates):
            return True
    return False


def own_share_fits(q: Quantity, text: str) -> bool:
    """ "8 of 11 closed-won (73%)": a percentage the line works out of two counts it states itself
    (each count is checked on its own)."""
    if q.unit != "%":
        return False
    counts = [k.value for k in find_quantities(text) if k.unit == "" and not _is_year(k)]
    return any(0 < a < b and abs(a / b * 100 - q.value) <= 1.0 for a in counts for b in counts)


_RAISED_BY = re.compile(
    r"(?i)\b(?:rais|increas|grow|grew|lift|improv|boost|cut|reduc|lower|decreas|drop|climb|rose|ris)"
    r"[a-z]*\b[^.;]{0,60}?\bby\s+(?:about\s+|roughly\s+|~\s*)?$"
)
# The source's own change: "by 30%", "up 11%", "+11%", "grew 20%", "a 30% increase", "11% year over year".
_BY_BEFORE = re.compile(
    r"(?i)(?:\b(?:by|up|down|rose|grew|increased|decreased|fell|dropped|climbed|gained|jumped|improved|cut"
    r"|reduced|lowered)|[+\u2212])\s*(?:about\s+|roughly\s+|nearly\s+|over\s+|more than\s+|~\s*)?$"
)
_CHANGE_AFTER = re.compile(
    r"(?i)^\s*(?:\(|-)?\s*(?:increase|reduction|decrease|drop|rise|growth|improvement|gain|lift|cut|"
    r"fewer|more|less|lower|higher|faster|slower|year[- ]over[- ]year|yoy|annual growth)\b"
)


def level_as_change(text: str, q: Quantity, lines: Iterable[str]) -> bool:
    """ "Raised win rate by 34%" for "win rate was 34%", "raising hit ratio by 26%" for "from 18% to
    26%": a rate the output states as the size of a change, which every restated source line that
    states it gives as a level (not "by 34%", not "a 34% increase")."""
    if q.unit != "%":
        return False
    said = normalize_text(text)
    if not _RAISED_BY.search(said[: q.start]):
        return False
    stating = _lines_stating(q, lines)
    if not stating:
        return False
    for line in stating:
        norm = normalize_text(line)
        for k in find_quantities(line):
            if q.matches(k) and (_BY_BEFORE.search(norm[: k.start]) or _CHANGE_AFTER.match(norm[k.end :])):
                return False
    return True


def _lines_stating(q: Quantity, lines: Iterable[str]) -> list[str]:
    """The restated source lines that state the figure `q`."""
    return [line for line in lines if any(q.matches(k) for k in find_quantities(line))]


# Scopes wider than one person's or one group's: "the department's", "pharmacy-wide", "overall".
_WIDE = re.compile(
    r"(?i)\b(?:[a-z]+-wide|overall|across (?:all|the (?:whole|entire))|(?:the |our )?(?:whole|entire) "
    r"[a-z]+|the (?:department|company|hospital|organization|firm|unit|team|pharmacy|store|clinic)'s)\b"
)
# Scopes that narrow a figure to a person, a shift or a group: "my shift's", "on my shift", "our region's".
_NARROW = re.compile(r"(?i)\b(?:my|our|personal|own)\b")
# A figure measured on one kind of item: "55% on competitive foundation proposals".
_MEASURED_ON = re.compile(r"^\s*(?:on|among|for)\s+(?:[a-z-]+\s+){0,3}[a-z-]+s\b")


def scope_widened(text: str, q: Quantity, lines: Iterable[str]) -> str | None:
    """ "Cut the department's repeat-image rate from 6% to 3.5%" for "My shift's repeat-image rate
    dropped from 6% to 3.5%": a figure the output gives of a wide scope, which every restated source
    line that states it gives of a narrower one (and never of that wide one)."""
    said = normalize_text(text)
    clause = re.split(r"[;.]\s", said[: q.start])[-1] + said[q.end : q.end + 40]
    wide = _WIDE.search(clause)
    if wide is None:
        return None
    stating = _lines_stating(q, lines)
    if not stating:
        return None
    for line in stating:
        norm = normalize_text(line)
        on = any(q.matches(k) and _MEASURED_ON.match(norm[k.end :]) for k in find_quantities(line))
        if _WIDE.search(line) or not (on or _NARROW.search(line)):
            return None
    return wide.group(0)


_CHANGE_RE = re.compile(
    r"(?i)\b(?:raised|rose|increased|grew|lifted|improved|boosted|cut|reduced|lowered|dropped|decreased"
    r"|fell|went|moved|climbed|down|up)\b[^.;]{0,60}?\bfrom\s"
)


def change_invented(
    text: str, lines: Iterable[str], source_lines: Iterable[str]
) -> tuple[str, float, float] | None:
    """ "CSAT raised from 92% to 94%" for "CSAT steady between 92% and 94%": a before and an after the
    source states as numbers, but never as a change (on any line)."""
    stated = {pair for line in source_lines for pair in before_after(line)}
    restated = list(lines)
    values = [{k.value for k in find_quantities(line)} for line in restated]
    for clause in re.split(r";\s|\.\s|\.$", text):
        if not _CHANGE_RE.search(clause):
            continue  # "ranges from $150,000 to $2.1M", "eight to ten procedures": a range, not a change
        for a, b in before_after(clause):
            if (a, b) not in stated and any(a in v and b in v for v in values):
                return clause.strip(), a, b
    return None
