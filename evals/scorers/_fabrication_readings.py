"""How `fabrication`'s structured half reads entries that the source's parse and the output's
parse lay out differently (batch 7 as a development set, golden/README.md).

- **An entry is matched by what it agrees on.** Two source roles at one employer are told apart
  by their dates when the titles do not tell them apart; an output role whose employer names one
  source entry but agrees with it on nothing else (title, start, end) restates the one source
  entry that agrees with it on at least two of them (a CV layout that read "Senior Underwriter,
  Middle Market" as the title and employer, and the employer as a detail).
- **A promotion is stated by its titles.** "Grant Writer, then Senior Grant Writer (promoted
  2017)" and "Senior Grant Writer (promoted from Grant Writer)" restate the source's "Grant Writer
  → Senior Grant Writer": each title part is one of the source's, and a date part falls within the
  role. The later title alone, for the whole role, is a raised title; dates within a promoted
  role's span date one of its titles.
- **A name may carry its source-stated gloss.** "Badgerline Insurance (regional auto and home
  insurer)", "Thames Valley College, New London, CT": the source entry's name, then parts whose
  words the source states (a place by its postal code).
- **A status is no issuer.** "in progress", "in preparation" in a certificate's issuer field
  lowers the claim; it names no one.
"""

from __future__ import annotations

import re
from typing import Any

from app.grounding import contains_phrase, content_words, find_dates, normalize_text, parse_date, same_name
from evals.scorers._fabrication_qualifications import shortened_credential

# -- alignment ---------------------------------------------------------------------------------


def _same_date(a: Any, b: Any) -> bool:
    x, y = parse_date(str(a or "")), parse_date(str(b or ""))
    return x is not None and y is not None and x.same_as(y)


def agreement(entry: dict[str, Any], source: dict[str, Any]) -> int:
    """On how many of title, start and end an output role and a source role agree."""
    title = bool(entry.get("position")) and same_name(
        str(entry["position"]), str(source.get("position") or "")
    )
    return (
        int(title)
        + _same_date(entry.get("startDate"), source.get("startDate"))
        + _same_date(entry.get("endDate"), source.get("endDate"))
    )


def by_dates(entry: dict[str, Any], kin: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Of several source roles at one employer, the one alone to share a date with `entry`."""
    dated = [
        e
        for e in kin
        if _same_date(entry.get("startDate"), e.get("startDate"))
        or _same_date(entry.get("endDate"), e.get("endDate"))
    ]
    return dated[0] if len(dated) == 1 else None


def realigned(
    entry: dict[str, Any], named: dict[str, Any], src_entries: list[dict[str, Any]]
) -> dict[str, Any]:
    """`named` (the source role of the same employer), unless it agrees with `entry` on nothing
    and exactly one other source role agrees with it on two or more of title, start and end."""
    if agreement(entry, named) > 0:
        return named
    better = [e for e in src_entries if e is not named and agreement(entry, e) >= 2]
    return better[0] if len(better) == 1 else named


# -- promotions --------------------------------------------------------------------------------

_CHAIN_RE = re.compile(r"\s*(?:→|->|\bthen\b|,?\s*promoted to\b)\s*", re.IGNORECASE)
_VALUE_SPLIT = re.compile(
    r"\s*(?:[,;()\[\]→]|\s/\s|->|\bthen\b|\bpromoted (?:to|from|in)\b|\bpromoted\b|\bpreviously\b|\bformerly\b"
    r"|\blater\b|\bfrom\b|\bsince\b)\s*",
    re.IGNORECASE,
)


def chain(title: Any) -> list[str]:
    """The titles of a source promotion ("Grant Writer → Senior Grant Writer"), else []."""
    parts = [p.strip() for p in _CHAIN_RE.split(str(title or "")) if p.strip()]
    return parts if len(parts) > 1 else []


def _within(day: Any, source: dict[str, Any]) -> bool:
    start, end = parse_date(str(source.get("startDate") or "")), parse_date(str(source.get("endDate") or ""))
    if start is None:
        return False
    return start.year <= day.year and (end is None or day.year <= end.year)


def promotion_problem(value: str, source: dict[str, Any], entry: dict[str, Any]) -> str | None:
    """Why a title restating a source promotion is not the source's, None when it is: each part a
    title of the chain or a date within the role; one title alone only the earlier one, or the
    later one dated from after the role began."""
    titles = chain(source.get("position"))
    parts = [p for p in _VALUE_SPLIT.split(value) if content_words(p)]
    said = []
    for part in parts:
        days = find_dates(part)
        if days and not re.sub(r"[\d\s–—-]", "", part.replace("present", "")):
            if not all(_within(d, source) for d in days):
                return f"was {source.get('position')!r}: the promotion is dated outside the role"
            continue
        hit = [i for i, t in enumerate(titles) if same_name(part, t)]
        if not hit:
            return "the source states no such value"
        said.append(hit[0])
    if not said:
        return "the source states no such value"
    if len(set(said)) == 1 and said[0] > 0 and _same_date(entry.get("startDate"), source.get("startDate")):
        return f"was {source.get('position')!r}: the later title, for the whole role"
    return None


def within_promotion(value: str, source: dict[str, Any] | None) -> bool:
    """A date within a promoted role's span: it dates one of its titles."""
    day = parse_date(value)
    return (
        source is not None
        and bool(chain(source.get("position")))
        and day is not None
        and _within(day, source)
    )


# -- glosses on a name -------------------------------------------------------------------------

_TAIL_SPLIT = re.compile(r"\s*[,;()]\s*")
_NAMING = ("name", "position", "organization", "institution")  # the fields that name an entry


def glossed(value: str, slot: Any, source: dict[str, Any] | None, src_text: str) -> bool:
    """The source entry's name with parts the source states after it: a gloss in a parenthesis or
    after a comma ("Bayou Drug (independent retail pharmacy)"), a place ("New London, CT")."""
    from app.grounding import contract_place_names

    parts = [p for p in _TAIL_SPLIT.split(value) if p.strip()]
    if len(parts) < 2:
        return False
    head = parts[0]
    fields = [str((source or {})[k]) for k in _NAMING if isinstance((source or {}).get(k), str)]
    if not (
        (slot is not None and same_name(_bare(str(slot)), head)) or any(_a_part(head, f) for f in fields)
    ):
        return False
    from app.grounding import US_STATES

    codes = " ".join(code for state, code in US_STATES.items() if state in src_text)
    stated = set(content_words(src_text)) | set(content_words(codes))
    return all(
        set(content_words(contract_place_names(p, src_text))) <= stated or set(content_words(p)) <= stated
        for p in parts[1:]
    )


def entry_states(value: str, source: dict[str, Any] | None) -> bool:
    """An employer one of the source entry's own header fields states ("Pequot Valley Insurance
    Group" in the detail line of a role its parse read as "Underwriter, Commercial Package")."""
    return source is not None and any(
        isinstance(source.get(k), str) and contains_phrase(str(source[k]), value)
        for k in ("name", "position", "summary", "description", "location")
    )


def employer_elsewhere(entry: dict[str, Any], key: str, source: dict[str, Any] | None) -> bool:
    """An output role whose description begins with the source entry's employer ("Second Shift"
    over "Magnolia Community Hospital (180-bed), Inpatient Pharmacy"): its parse put a detail in the
    employer's field, judged as free text."""
    if source is None or key not in ("name", "organization"):
        return False
    fields = [str(source[k]) for k in _NAMING if isinstance(source.get(k), str)]
    for k in ("description", "summary"):
        text = entry.get(k)
        if not isinstance(text, str) or not text.strip():
            continue
        head = _TAIL_SPLIT.split(text.strip())[0]
        if (
            content_words(head)
            and not find_dates(head)
            and (same_name(_bare(str(source.get(key) or "")), head) or any(_a_part(head, f) for f in fields))
        ):
            return True
    return False


def _bare(name: str) -> str:
    return re.sub(r"\s*\([^()]*\)", "", name).split(",")[0].strip()


def _a_part(value: str, field: str) -> bool:
    """`value` is one comma- or parenthesis-delimited part of `field`, or begins one."""
    words = content_words(value)
    return bool(words) and any(
        content_words(p)[: len(words)] == words for p in _TAIL_SPLIT.split(field) if p.strip()
    )


def own_part(value: str, slot: Any) -> bool:
    """A title that is one comma- or parenthesis-delimited part of its own source field
    ("Pharmacy Technician" for "Pharmacy Technician, Bayou Drug (independent retail)"): the entry's
    own words, not another entry's."""
    if slot is None or chain(slot):
        return False
    norm = normalize_text(value)
    return any(normalize_text(p) == norm for p in _TAIL_SPLIT.split(str(slot)) if p.strip())


def headline_only(value: str, slot: Any, source: dict[str, Any], src_text: str) -> bool:
    """A role's title that the source states only in its headline or summary ("QA Automation
    Engineer (new graduate)" over an internship's "QA Automation Intern"): the title sought, not
    one held."""
    basics = source.get("basics") or {}
    headline = "\n".join(str(basics.get(k) or "") for k in ("label", "summary"))
    if slot is None or contains_phrase(str(slot), value) or not contains_phrase(headline, value):
        return False
    if set(content_words(value)) == set(content_words(str(slot))) or same_name(value, str(slot)):
        return False
    lines = [ln for ln in src_text.splitlines() if contains_phrase(ln, value)]
    return all(contains_phrase(headline, ln) for ln in lines)


def other_roles(section: str, source: dict[str, Any]) -> list[dict[str, Any]]:
    """The source's roles of the other kind: a "volunteer / part-time" role an output lists as work."""
    other = {"work": "volunteer", "volunteer": "work"}.get(section)
    return [e for e in source.get(other or "") or [] if isinstance(e, dict)] if other else []


def reread(
    kind: str,
    value: str,
    slot: Any,
    matched: dict[str, Any] | None,
    entry: dict[str, Any],
    problem: str | None,
    src_text: str,
) -> str | None:
    """The problem with a field once the layouts of _fabrication_readings are read: a promotion by
    its titles, a date within a promoted role, a name with its gloss, a title that is its own
    field's part."""
    if kind == "title" and matched is not None and chain(slot):
        return promotion_problem(value, matched, entry)
    if not problem:
        return problem
    if kind == "date" and within_promotion(value, matched):
        return None
    if kind in ("employer", "school") and glossed(value, slot, matched, src_text):
        return None
    if kind == "employer" and entry_states(value, matched):
        return None
    if kind == "title" and own_part(value, slot):
        return None
    if kind == "certification" and shortened_credential(value, slot, entry, matched):
        return None
    return problem
