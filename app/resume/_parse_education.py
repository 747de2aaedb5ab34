"""Education entries: school, degree and field, dates, score, courses."""

from __future__ import annotations

import re
from typing import Any

from app.resume._parse_common import Block, date_note
from app.resume._parse_lists import split_list
from app.resume._sections_dates import find_range
from app.resume._sections_fragments import AT, parse_header, split_fragments

INSTITUTION_RE = re.compile(
    r"(?i)\b(?:universit[yéäà]\w*|universidad|college|institut\w*|school|academy|polytechni\w+|conservator\w+"
    r"|seminary|hochschule|[ée]cole|escuela|lyc[ée]e|gymnasium|bootcamp)\b"
)
_DEGREE_ABBR_RE = re.compile(
    r"(?<![\w.])(?:Ph\.?\s?D|D\.?Phil|M\.?B\.?A|M\.?D|J\.?D|LL\.?[BM]|Ed\.?D|DNP|M\.?S\.?N|B\.?S\.?N|M\.?\s?Sc|B\.?\s?Sc"
    r"|M\.?\s?Eng|B\.?\s?Eng|[BM]\.?A\.?Sc|B\.?\s?Tech|M\.?\s?Tech|M\.?\s?Ed|B\.?\s?Ed|M\.?P\.?H|M\.?F\.?A|B\.?F\.?A|M\.?P\.?A"
    r"|B\.?B\.?A|A\.?A\.?S|B\.?\s?S|M\.?\s?S|B\.?\s?A|M\.?\s?A|A\.?A|A\.?S|GED)\.?(?:\s*\((?:Hons?|Honou?rs)\.?\))?(?![\w])"
)
_DEGREE_WORD_RE = re.compile(
    r"(?i)\b(?:bachelor|master|doctor(?:ate)?|associate|diplom[aeé]?|licence|licenciatura|grado|maestr[ií]a"
    r"|doctorado|magister|high school diploma)(?:'?s)?(?:\s+degree|\s+[12](?!\d))?\b"
)
_FIELD_HEADS = re.split(
    r"\|",
    "applied science|science|arts|fine arts|engineering|business administration|education|laws|law"
    "|technology|commerce|nursing|philosophy|medicine|music|architecture|public health|public administration|social work",
)
_GPA_RE = re.compile(
    r"(?i)\(?\b(?:c?gpa|grade|note|score)\b\s*[:=]?\s*(\d(?:[.,]\d{1,3})?(?:\s*/\s*\d{1,3}(?:[.,]\d{1,2})?)?)\)?"
)
_HONOURS_RE = re.compile(
    r"(?i)^(?:(?:summa|magna)\s+)?cum laude$|^first[- ]class(?: honou?rs)?$"
    r"|^with (?:high )?(?:honou?rs|distinction)$|^\d(?:\.\d{1,2})?(?:\s*/\s*\d(?:\.\d{1,2})?)?$"
)
_COURSES_RE = re.compile(
    r"(?i)^(?:relevant\s+|key\s+|selected\s+)?(?:coursework|courses|modules|classes)\s*[:：]\s*(.+)$"
)


def edu_kinds(text: str) -> set[str]:
    """Which of 'institution' / 'degree' a short line names (a degree must lead one of its fragments)."""
    kinds = set()
    if INSTITUTION_RE.search(text) and len(text.split()) <= 14:
        kinds.add("institution")
    if any(_degree(f.lstrip(AT)) for f in split_fragments(find_range(text)[1])[:4]):
        kinds.add("degree")
    return kinds


def _degree(frag: str) -> tuple[str, str] | None:
    """'Bachelor of Science in Nursing' -> ('Bachelor of Science', 'Nursing'); 'BSc Physics' likewise."""
    m = _DEGREE_WORD_RE.search(frag) or _DEGREE_ABBR_RE.search(frag)
    if m is None or (m.start() > 0 and not re.match(r"^[\W_]*$", frag[: m.start()])):
        return None
    end, rest = m.end(), frag[m.end() :]
    if of := re.match(r"(?i)\s+(?:of|in)\s+", rest):
        tail = rest[of.end() :]
        head = next((h for h in _FIELD_HEADS if tail.lower().startswith(h)), None)
        if of.group(0).strip().lower() == "of":
            stop = len(head) if head else len(re.split(r"\s+in\s+|[,(]", tail, maxsplit=1)[0])
            end += of.end() + stop
    if paren := re.match(r"\s*\([^()]{1,20}\)", frag[end:]):  # "Master of Business Administration (MBA)"
        end += paren.end()
    area = re.sub(r"(?i)^[\s,:\-–—]*(?:in\s+|en\s+|of\s+)?", "", frag[end:]).strip(" ,;")
    return frag[m.start() : end].strip(), area


def education_entry(block: Block) -> dict[str, Any]:
    body = [h for h in block.header if _COURSES_RE.match(h) or _GPA_RE.match(h)]  # not header material
    head = parse_header([h for h in block.header if h not in body])
    entry: dict[str, Any] = {}
    frags: list[str] = []
    for frag in (f.lstrip(AT) for f in head.fragments):
        if gpa := _GPA_RE.search(frag):
            entry["score"] = gpa.group(1)
            frag = (frag[: gpa.start()] + frag[gpa.end() :]).strip(" ,;")
        if frag and "studyType" not in entry and (degree := _degree(frag)):
            entry["studyType"], entry["area"] = degree
            if _HONOURS_RE.match(entry["area"]) and "score" not in entry:  # "J.D., cum laude"
                entry["score"], entry["area"] = entry["area"], ""
        elif frag and _HONOURS_RE.match(frag) and "score" not in entry:
            entry["score"] = frag
        elif frag:
            frags.append(frag)
    schools = [f for f in frags if INSTITUTION_RE.search(f)] or frags[:1]
    institution = ", ".join(schools)  # "The Wharton School, University of Pennsylvania"
    frags = [f for f in frags if f not in schools]
    if frags and not entry.get("area"):
        entry["area"] = frags.pop(0)
    entry["institution"] = institution
    entry["location"] = "; ".join(head.locations)
    entry["url"] = head.urls[0] if head.urls else ""
    if head.dates:  # a lone date on a degree is the graduation date
        entry["startDate" if head.dates.end or head.dates.ongoing else "endDate"] = head.dates.start
        if head.dates.end:
            entry["endDate"] = head.dates.end
    notes, courses = frags + head.urls[1:] + date_note(head), []
    for text in [*body, *block.bullets, *(" ".join(p) for p in block.prose)]:
        if m := _COURSES_RE.match(text):
            courses += split_list(m.group(1))
        elif (gpa := _GPA_RE.search(text)) and "score" not in entry:
            entry["score"] = gpa.group(1)
            notes += [rest] if (rest := (text[: gpa.start()] + text[gpa.end() :]).strip(" ,;|")) else []
        else:
            notes.append(text)
    entry.update(courses=courses, highlights=notes)  # "highlights": extra property, honours and notes
    return entry


def merge_orphans(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An 'entry' with neither school nor degree (e.g. 'Dean's List 2019') belongs to the one before;
    one that names a provider and a programme ('IEC of Central Ohio — Apprenticeship Program') stays."""
    out: list[dict[str, Any]] = []
    for e in entries:
        school = e.get("institution", "")
        if (
            out
            and not e.get("studyType")
            and not INSTITUTION_RE.search(school)
            and not (school and e.get("area"))
        ):
            text = " ".join(v for v in e.values() if isinstance(v, str) and v)
            out[-1].setdefault("highlights", []).extend([text] if text else [])
            out[-1]["highlights"] += e.get("highlights", [])
            out[-1].setdefault("courses", []).extend(e.get("courses", []))
        else:
            out.append(e)
    return out
