"""How `fabrication`'s structured half reads an entry that a layout split or joined differently in
the source's parse and the output's (batch 6 as a development set, golden/README.md).

- **A parse's detail is no name.** A name field that holds only a parenthesis ("(ten weeks)",
  "(January–May)") or a sentence in lower case ("supervised groups of twelve children aged 8–11.")
  is a detail a layout put there, not an employer, title or school: it is judged as free text,
  claim by claim, like a bullet.
- **An entry's own words, split otherwise.** A title, employer, school or degree is the source's
  when each of its parts (cut at commas, parentheses, dashes, arrows) is a run of words of one field
  of the source entry it restates: "Student Teacher, Mathematics" for a parse that read "Student
  Teacher" as the title and "Mathematics. Eastbrook Senior High School" as the employer; "Legal
  Assistant (part-time)" for "Legal Assistant (part-time, 25 hrs/week)"; "Junior Data Engineer
  (previously Data Analyst)" for "Data Analyst, then Junior Data Engineer". A part must be a run,
  so no word joins it ("Lead Math Tutor" is not "Math Tutor"), and a seniority word standing alone
  as a part must be the source field's own.
- **A single date is no open role.** "Spring 2026" for a role the source dates January to May 2026
  states the whole role, not one that goes on.
"""

from __future__ import annotations

import re
from typing import Any

from app.grounding import content_words, parse_date

# Keys whose value names something (an employer, a title, a school) rather than describing it.
NAME_KEYS = frozenset({"name", "position", "institution", "organization"})


def parse_detail(value: str) -> bool:
    """A name field holding a parenthesis or a lower-case sentence: a layout's detail, not a name."""
    text = value.strip()
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        return True
    return bool(re.match(r"[a-z]", text)) and len(text.split()) >= 3


_PART_SPLIT = re.compile(
    r"\s*(?:[,;:()|\[\]→]|->|\s[-–—]\s|\bthen\b|\bpreviously\b|\bformerly\b|\bpromoted to\b)\s*"
)
_SENIORITY = frozenset(
    content_words(
        "senior sr junior jr lead principal staff head chief director manager supervisor i ii iii iv"
    )
)
# Words that rank a title below its plain form: dropping one raises the title.
_RANK_BELOW = frozenset(content_words("junior jr assistant associate trainee apprentice intern entry-level"))
_ENTRY_FIELDS = (
    "position",
    "name",
    "organization",
    "institution",
    "studyType",
    "area",
    "description",
    "location",
    "issuer",
    "summary",
)


def _runs(words: list[str], field: list[str], head: bool = False) -> bool:
    """`words` in order in `field`, with at most one other word among them ("Minnesota Tier 3
    license" for "Minnesota Tier 3 teaching license")."""
    for i, word in enumerate(field):
        if word != words[0] or (head and i > 0 and field[i - 1] in _RANK_BELOW):
            continue  # the title's head: "Data Engineer" is not the source's "Junior Data Engineer"
        at, skipped = i, 0
        for want in words[1:]:
            at += 1
            if at < len(field) and field[at] != want and skipped == 0:
                skipped, at = 1, at + 1
            if at >= len(field) or field[at] != want:
                break
        else:
            return True
    return False


def _fields(entry: dict[str, Any], notes: bool = False) -> list[list[str]]:
    """The content words of each field of an entry; with `notes`, of each of its highlights too (a
    degree's "Accounting concentration")."""
    fields = [content_words(str(entry[k])) for k in _ENTRY_FIELDS if isinstance(entry.get(k), str)]
    if notes and isinstance(entry.get("highlights"), list):
        fields += [content_words(h) for h in entry["highlights"] if isinstance(h, str)]
    return fields


def _dated(part: str, entry: dict[str, Any]) -> bool:
    day = parse_date(part)
    return day is not None and any(
        (stated := parse_date(str(entry.get(k) or ""))) is not None and day.same_as(stated)
        for k in ("date", "startDate", "endDate")
    )


def _spells_out(part: str, entry: dict[str, Any]) -> bool:
    """ "contract research organization" for the entry's "(CRO)": a part whose initials are an
    abbreviation one of its fields writes."""
    words = [
        w for w in re.findall(r"[A-Za-z][\w'-]*", part) if w.lower() not in ("of", "and", "the", "for", "&")
    ]
    initials = "".join(w[0] for w in words).upper()
    return len(initials) >= 2 and any(
        re.search(rf"(?<![\w-]){initials}(?![\w-])", str(entry[k]))
        for k in _ENTRY_FIELDS
        if isinstance(entry.get(k), str)
    )


def _abbreviates_a_field(part: str, entry: dict[str, Any]) -> bool:
    """ "AHLEI" for the entry's "American Hotel & Lodging Educational Institute": a part in capitals
    that is the initials of one of its fields."""
    letters = part.replace(".", "").strip()
    if not (2 <= len(letters) <= 8 and letters.isalpha() and letters.isupper()):
        return False
    for key in _ENTRY_FIELDS:
        words = [
            w
            for w in re.findall(r"[A-Za-z][\w'-]*", str(entry.get(key) or ""))
            if w.lower() not in ("of", "and", "the", "for", "in")
        ]
        if words and all(w[0].isupper() for w in words) and "".join(w[0] for w in words) == letters:
            return True
    return False


def stated_by_entry(value: str, entries: list[dict[str, Any]], slot: Any, *, each_part: bool = False) -> bool:
    """Whether each part of `value` is a run of words of one field of one of `entries` (the source
    entry it restates; with `each_part`, of any of them: a CV's list of qualifications), or one of
    its dates; a seniority word alone only as the source field `slot` states it, and the first part
    never without the rank word before it ("Junior", "Assistant")."""
    texts = [p.strip() for p in _PART_SPLIT.split(value)]
    parts = [(t, words) for t in texts if (words := content_words(t))]
    if not parts:
        return False
    own = set(content_words(str(slot or "")))

    def stated(text: str, part: list[str], entry: dict[str, Any]) -> bool:
        if len(part) == 1 and part[0] in _SENIORITY - own:
            return False
        return (
            _dated(text, entry)
            or _spells_out(text, entry)
            or _abbreviates_a_field(text, entry)
            or any(_runs(part, f, head=part is parts[0][1]) for f in _fields(entry, each_part))
        )

    if each_part:
        return all(any(stated(t, p, e) for e in entries) for t, p in parts)
    return any(all(stated(t, p, e) for t, p in parts) for e in entries)


def one_dated_span(entry: dict[str, Any], matched: dict[str, Any]) -> bool:
    """An output role with one date ("Spring 2026", "2026") that covers the source role's whole
    range (January to May 2026): it states when the role was, not that it goes on."""
    start = parse_date(str(entry.get("startDate") or ""))
    began, ended = (
        parse_date(str(matched.get("startDate") or "")),
        parse_date(str(matched.get("endDate") or "")),
    )
    if start is None or began is None or ended is None or start.month:
        return False
    return began.year == start.year == ended.year
