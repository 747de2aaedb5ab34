"""Markdown / plain-text resume -> JSON Resume, deterministically (no model).

The pipeline copies employers, titles, dates, schools and contact details from this structure, so
everything here is rules: headings by alias, entry headers split into fragments and assigned by
keyword scores, dates through `app.grounding._dates`. Text is never dropped: header fragments that
fit no field go to `description`, stray lines to `summary`, and sections with no JSON Resume home
(or no recognisable heading) to a top-level `"x-sections": [{"title", "highlights"}]` array,
which the schema allows (`additionalProperties`). A flat skills list becomes one group named "Skills".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.resume._sections import (
    AT,
    MD_HEADING_RE,
    SKIP_FIRST,
    URL_RE,
    Header,
    Section,
    clean_inline,
    find_range,
    is_location,
    mask,
    normalize_input,
    org_score,
    parse_header,
    split_bullet,
    split_commas,
    split_fragments,
    split_sections,
    title_score,
    unmask,
)

_ORDER = re.findall(  # output key order
    r"\S+",
    "basics work volunteer education awards certificates publications skills languages interests projects x-sections",
)


def parse_resume_text(text: str) -> dict[str, Any]:
    """Markdown or plain text -> a JSON Resume dict (valid against app/resume/jsonresume.schema.json)."""
    header, sections = split_sections(normalize_input(text))
    out: dict[str, Any] = {"x-sections": []}
    basics, leftovers = parse_header_block(header)
    if leftovers:
        out["x-sections"].append({"title": "Contact", "highlights": leftovers})
    for section in sections:
        _add_section(out, basics, section)
    out["basics"] = _prune(basics)
    return {key: out[key] for key in _ORDER if out.get(key)}


def _add_section(out: dict[str, Any], basics: dict[str, Any], section: Section) -> None:
    key, lines = section.key, section.lines
    if key == "summary":
        summary = _prose(lines)
        if summary:
            basics["summary"] = f"{basics['summary']}\n\n{summary}" if basics.get("summary") else summary
        return
    builders: dict[str, Callable[[list[str]], list[dict[str, Any]]]] = {
        "work": lambda ls: _roles_within(_blocks(ls, "work"), "name"),
        "volunteer": lambda ls: _roles_within(_blocks(ls, "work"), "organization"),
        "education": lambda ls: _merge_orphans([_education(b) for b in _blocks(ls, "education")]),
        "projects": lambda ls: [_project(b) for b in _blocks(ls, "projects")],
        "skills": _skills,
        "languages": lambda ls: [x for item in _items(ls) for x in _languages(item)],
        "interests": lambda ls: [x for item in _items(ls) for x in _interests(item)],
        "certificates": lambda ls: [x for item in _items(ls) for x in _listed(item, "certificates")],
        "awards": lambda ls: [x for item in _items(ls) for x in _listed(item, "awards")],
        "publications": lambda ls: [x for item in _items(ls) for x in _listed(item, "publications")],
    }
    if key in builders:
        entries = [_prune(e) for e in builders[key](lines)]
        out.setdefault(key, []).extend(e for e in entries if e)
    else:
        kept = [clean_inline(split_bullet(MD_HEADING_RE.sub(r"\2", ln))[2]) for ln in lines if ln.strip()]
        out["x-sections"].append(_prune({"title": section.title, "highlights": [k for k in kept if k]}))


def _prune(value: Any) -> Any:
    """Drop empty strings, lists and objects, recursively."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in ("", [], {}, None)}
    if isinstance(value, list):
        return [p for p in (_prune(v) for v in value) if p not in ("", [], {}, None)]
    return value.strip() if isinstance(value, str) else value


def _prose(lines: list[str]) -> str:
    """Paragraphs joined by blank lines; wrapped lines joined by a space; bullets one per line."""
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if not line.strip():
            paragraphs.append([])
            continue
        bullet, _, text = split_bullet(MD_HEADING_RE.sub(r"\2", line))
        paragraphs[-1].append(("\n" if bullet and paragraphs[-1] else "") + clean_inline(text))
    return "\n\n".join(" ".join(p).replace(" \n", "\n") for p in paragraphs if p)


# ---------------------------------------------------------------- grouping lines into entries
@dataclass
class _Block:
    header: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    prose: list[list[str]] = field(default_factory=list)

    def has_body(self) -> bool:
        return bool(self.bullets or self.prose)


def _has_date(text: str) -> bool:
    return find_range(text)[0] is not None


def _header_like(text: str) -> bool:
    ws = text.split()
    if not ws or text[0].islower() or text.endswith(":") or len(text) > 160:
        return False
    if len(ws) > (22 if _has_date(text) else 14):
        return False
    sentence = text.endswith((".", "!", "?")) and not re.search(r"(?i)\b(?:inc|ltd|co|corp)\.$", text)
    return not (sentence and len(ws) > 4)


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith((".", "!", "?", ";", ":"))


@dataclass
class _Row:
    kind: str  # blank | head | bullet | text
    indent: int = 0
    text: str = ""
    dated: bool = False


def _rows(lines: list[str]) -> list[_Row]:
    rows = []
    for line in lines:
        m = MD_HEADING_RE.match(line)
        bullet, indent, text = split_bullet(m.group(2) if m else line)
        text = clean_inline(text)
        kind = "blank" if not text else "head" if m else "bullet" if bullet else "text"
        rows.append(_Row(kind, indent, text, kind != "blank" and _has_date(text)))
    return rows


def _blocks(lines: list[str], kind: str) -> list[_Block]:
    """Group a section's lines into entries: header lines, then bullets and prose.

    A markdown sub-heading always starts an entry (and then only it does). Otherwise a header-like
    line starts one after a body, a blank line, or when a date is on it or just below it."""
    rows = _rows(lines)
    headed = any(r.kind == "head" for r in rows)
    bullets = [r for r in rows if r.kind == "bullet"]
    top = min((r.indent for r in bullets), default=0)
    only_bullets = bool(bullets) and not any(r.kind in ("text", "head") for r in rows)
    nested = only_bullets and any(r.indent > top for r in bullets)
    items = only_bullets and (
        nested or kind == "projects" or all(r.dated for r in bullets if r.indent == top)
    )

    def near_date(i: int, span: int) -> bool:
        for r in rows[i : i + span]:
            if r.kind != "text":
                return False
            if r.dated:
                return True
        return False

    def edu_overlap(text: str, block: _Block) -> set[str]:
        return _edu_kinds(text) & _edu_kinds(" ".join(block.header)) if kind == "education" else set()

    blocks: list[_Block] = []
    cur: _Block | None = None
    gap, last, bullet_indent = False, "", 0
    for i, r in enumerate(rows):
        text = r.text
        if r.kind == "blank":
            gap = True
            continue
        row = r.kind
        if row == "bullet" and kind == "education" and cur is not None and not cur.has_body():
            row = (
                "text" if _edu_kinds(text) - _edu_kinds(" ".join(cur.header)) else row
            )  # degree under school
        starts = row == "head" or (row == "bullet" and items and r.indent == top)
        starts = starts or (row == "bullet" and cur is not None and bool(edu_overlap(text, cur)))
        if starts or cur is None:
            cur = _Block(header=[text]) if (starts or row == "text") else _Block(bullets=[text])
            blocks.append(cur)
            last, gap, bullet_indent = ("bullet" if cur.bullets else "header"), False, r.indent
            continue
        if row == "bullet":
            cur.bullets.append(text)
            last, gap, bullet_indent = "bullet", False, r.indent
            continue
        wrapped = r.indent > bullet_indent or text[0].islower()
        if (
            last == "bullet"
            and not gap
            and (wrapped or not (_ends_sentence(cur.bullets[-1]) or near_date(i, 3)))
        ):
            cur.bullets[-1] += " " + text  # a wrapped bullet
            continue
        in_header = last == "header" and not cur.has_body()
        if in_header and not gap and is_location(text) and not parse_header(cur.header).locations:
            cur.header.append(text)
        elif cur.has_body() or parse_header(cur.header).complete:
            new = not headed and _header_like(text)
            new = new and (
                cur.has_body() or gap or r.dated or near_date(i, 2) or bool(edu_overlap(text, cur))
            )
            if new:
                cur = _Block(header=[text])
                blocks.append(cur)
                last, gap = "header", False
                continue
            _add_prose(cur, text, gap or last != "prose")
            last = "prose"
        elif (
            in_header
            and len(cur.header) < 4
            and _header_like(text)
            and (not headed or _header_part(text, gap))
        ):
            if not headed and r.dated and parse_header(cur.header).dates:
                cur = _Block(header=[text])
                blocks.append(cur)
            else:
                cur.header.append(text)
            last = "header"
        else:
            _add_prose(cur, text, gap or last != "prose")
            last = "prose"
        gap = False
    return blocks


def _header_part(text: str, gap: bool) -> bool:
    """Under a markdown sub-heading: is this line more header (dates, place, title, 'A | B')?"""
    if gap:
        return False
    return _has_date(text) or is_location(text) or title_score(text) >= 1 or len(split_fragments(text)) > 1


def _add_prose(block: _Block, text: str, new_paragraph: bool) -> None:
    if new_paragraph or not block.prose:
        block.prose.append([text])
    else:
        block.prose[-1].append(text)


def _paragraphs(block: _Block) -> str:
    return "\n\n".join(" ".join(p) for p in block.prose)


# ---------------------------------------------------------------- work, volunteer, projects
def _assign(head: Header, multiline: bool) -> tuple[str, str, list[str]]:
    """(position, employer, leftover fragments) from an entry header's fragments."""
    frags = list(head.fragments)
    at = next((i for i, f in enumerate(frags) if f.startswith(AT)), None)
    if at is not None and at > 0:
        position, name = frags[at - 1], frags[at][1:]
        return position, name, [f.lstrip(AT) for j, f in enumerate(frags) if j not in (at - 1, at)]
    frags = [f.lstrip(AT) for f in frags]
    if not frags:
        return "", "", []
    if all(title_score(f) > org_score(f) for f in frags) and any("," in f for f in frags):
        split = [(part, n) for f, n in zip(frags, head.lines_of, strict=True) for part in split_commas(f)]
        head = Header([p for p, _ in split], [n for _, n in split])  # "Account Manager, Salesforce — 2015"
        frags = head.fragments
    scores = [title_score(f) - org_score(f) for f in frags]
    if len(frags) == 1:
        return (frags[0], "", []) if scores[0] > 0 else ("", frags[0], [])
    pos = max(range(len(frags)), key=lambda i: (scores[i], -i))
    if scores[pos] <= 0 and all(s == scores[0] for s in scores[:2]):
        pos = 1 if multiline else 0
    rest = [i for i in range(len(frags)) if i != pos]
    line = head.lines_of
    org = min(rest, key=lambda i: (title_score(frags[i]) >= 1, line[i] == line[pos], -org_score(frags[i]), i))
    return frags[pos], frags[org], [frags[i] for i in rest if i != org]


def _note(head: Header) -> list[str]:
    return [head.dates.note] if head.dates and head.dates.note else []


def _dates(entry: dict[str, Any], head: Header) -> None:
    if head.dates:
        entry["startDate"] = head.dates.start
        if head.dates.end:
            entry["endDate"] = head.dates.end


def _work(block: _Block, org_key: str) -> dict[str, Any]:
    head = parse_header(block.header)
    position, name, extras = _assign(head, len(block.header) > 1)
    entry: dict[str, Any] = {org_key: name, "position": position}
    if head.locations:
        entry["location"] = head.locations[0]
    entry["url"] = head.urls[0] if head.urls else ""
    _dates(entry, head)
    entry["description"] = "; ".join(extras + head.locations[1:] + head.urls[1:] + _note(head))
    entry["summary"] = _paragraphs(block)
    entry["highlights"] = block.bullets
    return entry


def _roles_within(blocks: list[_Block], org_key: str) -> list[dict[str, Any]]:
    """Several roles under one employer: roles with no employer take it from the employer line above them.

    Either a bare employer entry ('Globex | 2012 – 2017', no title, no bullets) heads the roles that
    follow (and is dropped when their dates span exactly its own), or the previous entry's header put
    the employer on a line of its own ('Acme, Chicago, IL' / 'Director, 2020 – Present' / bullets).
    """
    out: list[dict[str, Any]] = []
    bare_groups: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    parent: dict[str, Any] | None = None
    children: list[dict[str, Any]] = []
    for block in blocks:
        entry = _work(block, org_key)
        out.append(entry)
        if entry.get(org_key) or not entry.get("position"):
            head = parse_header(block.header)
            bare = not entry.get("position") and not block.has_body() and bool(entry.get(org_key))
            alone = (
                len(block.header) > 1 and bool(head.fragments) and head.lines_of.count(head.lines_of[0]) == 1
            )
            parent, children = (entry if bare or alone else None), []
            if bare:
                bare_groups.append((entry, children))
        elif parent is not None:
            entry[org_key] = parent[org_key]
            if parent.get("location") and not entry.get("location"):
                entry["location"] = parent["location"]
            children.append(entry)
    for bare_entry, kids in bare_groups:
        if kids and _spans(bare_entry) == _spans(*kids):
            out.remove(bare_entry)
    return out


def _spans(*entries: dict[str, Any]) -> tuple[str, str]:
    """(first start year, last end year or 'open') over entries."""
    starts = [e.get("startDate", "")[:4] for e in entries]
    ends = [e.get("endDate", "open")[:4] for e in entries]
    return min(starts), ("open" if "open" in ends else max(ends))


_KEYWORDS_RE = re.compile(
    r"(?i)^(?:tech(?:nologies|nology| stack)?|stack|tools|built with|keywords|skills)\s*[:：]\s*(.+)$"
)


def _project(block: _Block) -> dict[str, Any]:
    head = parse_header(block.header)
    frags = [f.lstrip(AT) for f in head.fragments]
    if frags and (m := re.match(r"^([^:]{1,60}):\s+(.+)$", frags[0])) and len(m.group(1).split()) <= 5:
        frags[:1] = [m.group(1), m.group(2)]
    roles = [f for f in frags[1:] if title_score(f) >= 1 and len(f.split()) <= 5]
    if frags and title_score(frags[0]) >= 1 and len(frags) > 1 and not roles:
        roles, frags = [frags[0]], [*frags[1:], frags[0]]
    rest = [f for f in frags[1:] if f not in roles]
    roles = [
        r for role in roles for r in (role.split(", ") if all(map(title_score, role.split(", "))) else [role])
    ]
    keywords: list[str] = []
    highlights = []
    for text in block.bullets:
        if m := _KEYWORDS_RE.match(text):
            keywords += split_list(m.group(1))
        else:
            highlights.append(text)
    prose = []
    for paragraph in block.prose:
        kept = []
        for line in paragraph:
            if m := _KEYWORDS_RE.match(line):
                keywords += split_list(m.group(1))
            else:
                kept.append(line)
        prose += [" ".join(kept)] if kept else []
    urls = head.urls or URL_RE.findall("\n".join(prose))
    entry: dict[str, Any] = {"name": frags[0] if frags else "", "roles": roles}
    entry["description"] = "\n".join(["; ".join(rest + head.locations + _note(head)), *prose])
    entry["url"] = urls[0] if urls else ""
    _dates(entry, head)
    entry.update(highlights=highlights, keywords=keywords)
    return entry


# ---------------------------------------------------------------- education
_INSTITUTION_RE = re.compile(
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


def _edu_kinds(text: str) -> set[str]:
    """Which of 'institution' / 'degree' a short line names (a degree must lead one of its fragments)."""
    kinds = set()
    if _INSTITUTION_RE.search(text) and len(text.split()) <= 14:
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


def _education(block: _Block) -> dict[str, Any]:
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
    schools = [f for f in frags if _INSTITUTION_RE.search(f)] or frags[:1]
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
    notes, courses = frags + head.urls[1:] + _note(head), []
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


def _merge_orphans(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An 'entry' with neither school nor degree (e.g. 'Dean's List 2019') belongs to the one before."""
    out: list[dict[str, Any]] = []
    for e in entries:
        if out and not e.get("studyType") and not _INSTITUTION_RE.search(e.get("institution", "")):
            text = " ".join(v for v in e.values() if isinstance(v, str) and v)
            out[-1].setdefault("highlights", []).extend([text] if text else [])
            out[-1]["highlights"] += e.get("highlights", [])
            out[-1].setdefault("courses", []).extend(e.get("courses", []))
        else:
            out.append(e)
    return out


# ---------------------------------------------------------------- skills and listed items
def split_list(text: str) -> list[str]:
    """'Python, Go (gin, echo); SQL' -> ['Python', 'Go (gin, echo)', 'SQL']; commas inside () kept."""
    parts = re.split(r"\s*[,;|•·∙]\s*|\s+[–—]\s+", mask(text))
    return [unmask(p).strip().rstrip(".") or unmask(p).strip() for p in parts if p.strip(" .")]


_LABELED_RE = re.compile(r"^([^:：]{1,50}?)\s*[:：]\s*(.*)$")


def _skills(lines: list[str]) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    label: str | None = None
    for line in lines:
        if not line.strip():
            continue
        heading = MD_HEADING_RE.match(line)
        text = split_bullet(heading.group(2) if heading else line)[2]
        text = clean_inline(text)
        m = _LABELED_RE.match(text)
        m = m or re.match(r"^([^|–—]{1,40}?)\s+[|–—]\s+(.+[,;].+)$", text)
        if heading or (m and not m.group(2)):
            label = text if heading or not m else m.group(1).strip()
            groups.append({"name": label, "keywords": []})
        elif m and len(m.group(1).split()) <= 5:
            groups.append({"name": m.group(1).strip(), "keywords": split_list(m.group(2))})
            label = None
        else:
            if label is None:
                label = "Skills"
                groups.append({"name": label, "keywords": []})
            groups[-1]["keywords"] += split_list(text)
    return groups


def _items(lines: list[str]) -> list[tuple[str, list[str]]]:
    """One (text, sub-lines) per top-level line or bullet; deeper bullets and wrapped lines are sub-lines."""
    rows = [(MD_HEADING_RE.match(ln) is not None, *split_bullet(ln)) for ln in lines if ln.strip()]
    tops = [indent for _, bullet, indent, _ in rows if bullet]
    top = min(tops or [indent for _, _, indent, _ in rows] or [0])
    items: list[tuple[str, list[str]]] = []
    for heading, bullet, indent, raw in rows:
        text = clean_inline(MD_HEADING_RE.sub(r"\2", raw) if heading else raw)
        if items and not heading and (indent > top or (not bullet and (text[:1].islower() or tops))):
            items[-1][1].append(text)
        else:
            items.append((text, []))
    return items


def _languages(item: tuple[str, list[str]]) -> list[dict[str, Any]]:
    text, sub = item
    if (m := _LABELED_RE.match(text)) and m.group(1).lower() in (
        "languages",
        "language",
        "langues",
        "idiomas",
    ):
        text = m.group(2)
    out = []
    for part in [unmask(p).strip() for p in re.split(r"\s*[,;|•·]\s*", mask(text)) if p.strip()]:
        m = re.match(r"^(.+?)\s*(?:\((.+)\)|\s[-–—|]\s*(.+)|[:|]\s*(.+))$", part)
        lang, fluency = (m.group(1), next(g for g in m.groups()[1:] if g)) if m else (part, "")
        out.append({"language": lang.strip(), "fluency": fluency.strip()})
    if out and sub:
        out[-1]["fluency"] = "; ".join([out[-1]["fluency"], *sub]).strip("; ")
    return out


def _interests(item: tuple[str, list[str]]) -> list[dict[str, Any]]:
    text, sub = item
    if (m := _LABELED_RE.match(text)) and m.group(2):
        return [{"name": m.group(1).strip(), "keywords": split_list(m.group(2)) + sub}]
    names = split_list(text)
    if len(names) == 1:
        return [{"name": names[0], "keywords": [k for s in sub for k in split_list(s)]}]
    return [{"name": n} for n in names] + [{"name": s} for s in sub]


_FIELDS = {
    "certificates": ("name", "issuer", "date"),
    "awards": ("title", "awarder", "date"),
    "publications": ("name", "publisher", "releaseDate"),
}


def _listed(item: tuple[str, list[str]], kind: str) -> list[dict[str, Any]]:
    """Certificates, awards, publications: 'Name, Issuer (2020)', 'Name | Issuer | 2020', '"Title," Venue'."""
    text, sub = item
    name_key, by_key, date_key = _FIELDS[kind]
    urls = URL_RE.findall(text)
    dates, text = find_range(URL_RE.sub(" ", text))
    text = text if kind == "publications" else re.sub(r"\(\s*\)", "", text).strip(" ,;|")
    apa = re.match(r"^(.{2,200}?\.)\s*\.\s+(.{3,300}?[.?!])\s+(.+)$", text) if dates else None
    if kind == "publications" and (q := re.search(r"[\"“](.{3,300}?)[,.]?[\"”]", text)):
        parts = [q.group(1), *split_list(text[: q.start()] + " " + text[q.end() :])]
    elif kind == "publications" and apa:  # Doe, J. (2020). Title. Venue.
        parts = [apa.group(2).rstrip("."), apa.group(3).rstrip("."), apa.group(1)]
    else:
        parts = [p for p in re.split(r"\s*[|·•]\s*|\s*—\s*|,\s+", mask(text)) if p.strip(" ,")]
        parts = [unmask(p).strip() for p in parts]
    flat = kind == "certificates" and not dates and not urls and len(parts) >= 2
    if flat and (len(parts) >= 3 or not any(c.islower() for c in "".join(parts))):
        return [{"name": p} for p in parts + sub]  # "CPR, BLS, ACLS"
    name = parts[0] if parts else ""
    issuer = parts[1] if len(parts) > 1 else ""
    if not issuer and (m := re.match(r"^(.+?)\s*\(([^()]*\s[^()]*)\)$", name)):
        name, issuer = m.group(1), m.group(2)
    entry: dict[str, Any] = {name_key: name, by_key: re.sub(r"(?i)^(?:issued by|by|from)\s+", "", issuer)}
    if dates:
        entry[date_key] = dates.start
        entry["endDate"] = dates.end or ""  # a range ("valid until"): extra property
    entry["url"] = urls[0] if urls else ""
    entry["summary"] = "\n".join(parts[2:] + urls[1:] + ([dates.note] if dates and dates.note else []) + sub)
    return [entry]


# ---------------------------------------------------------------- header: name, label, contact
_EMAIL_RE = re.compile(
    r"(?i)(?:mailto:)?\b([a-z0-9._%+-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,4}\.[a-z]{2,24})\b"
)
_BARE_URL_RE = re.compile(
    r"(?i)(?<![\w@./])(?:[a-z0-9-]{1,63}\.){1,4}(?:com|org|net|io|dev|me|co|ai|app|info|biz|tech|site|page|blog"
    r"|edu|gov|us|uk|ca|de|fr|es|it|nl|in|eu|xyz|so|sh|gg|ly|to)(?:/[^\s|,;()<>]{0,200})?(?![\w@])"
)
_PHONE_RE = re.compile(  # separators fix the digit groups, so a failed match cannot backtrack widely
    r"(?<![\w/+])(?:\+\d{1,3}[\s.\-]{0,2})?(?:\(\d{1,5}\)[\s.\-]{0,2})?\d{2,12}(?:[\s.\-]{1,2}\d{1,10}){0,5}"
    r"(?:\s*(?:ext\.?|x)\s*\d{1,5})?(?![\w/])"
)
_NETWORKS = dict(
    re.findall(
        r"(\S+)=(\S+)",
        "linkedin.com=LinkedIn github.com=GitHub gitlab.com=GitLab twitter.com=Twitter x.com=X "
        "stackoverflow.com=Stack_Overflow medium.com=Medium behance.net=Behance dribbble.com=Dribbble "
        "kaggle.com=Kaggle bitbucket.org=Bitbucket xing.com=XING instagram.com=Instagram "
        "facebook.com=Facebook "
        "youtube.com=YouTube orcid.org=ORCID scholar.google.com=Google_Scholar researchgate.net=ResearchGate "
        "dev.to=DEV leetcode.com=LeetCode codepen.io=CodePen huggingface.co=Hugging_Face",
    )
)
_HANDLE_RE = re.compile(
    r"(?i)\b(linkedin|github|gitlab|twitter|instagram|behance|dribbble|medium|kaggle|xing"
    r"|mastodon)\s*[:：]\s*@?([\w.\-]{2,60})(?![\w.@/])"
)
_LABEL_RE = re.compile(
    r"(?i)(?<!\w)(?:e-?mail|mail|phone|tel|telephone|mobile|mob|cell|ph|web|website|site|portfolio|blog"
    r"|homepage|linkedin|github|address|location|adresse|teléfono|telefon|handy)\s*[:：]"
)
_HEADER_SEP_RE = re.compile(r"\s*[|·•∙◆♦]\s*|\s+[—–-]\s+|\t+|\s{2,}")


def parse_header_block(lines: list[str]) -> tuple[dict[str, Any], list[str]]:
    """Name, label, contact details, location and any leading summary; unplaced contact bits returned."""
    basics: dict[str, Any] = {}
    leftovers: list[str] = []
    summary: list[str] = []
    lines = [re.sub(r"!?\[([^\[\]]{0,100})\]\(([^()\s\[\]]{1,300})\)", _header_link, ln) for ln in lines]
    first = True
    for raw in lines:
        bullet, _, text = split_bullet(MD_HEADING_RE.sub(r"\2", raw))
        text = clean_inline(text)
        if not text:
            summary.append("")
            continue
        if first and text.lower().strip(" :") in SKIP_FIRST:
            continue  # "Resume", "CV"
        if first and not bullet:
            name, *rest = [p for p in _HEADER_SEP_RE.split(text) if p.strip()] or [text]
            pieces: list[str] = []
            if _contact(name, basics, pieces):
                name = pieces.pop(0) if pieces else ""
                leftovers += pieces
            if len(name.split()) <= 8 and not re.search(r"\w{3}[.!?]$", name):
                basics["name"], text = name.strip(), " | ".join(rest)
        first = False
        if not text:
            continue
        pieces = []
        if _contact(text, basics, pieces):
            for piece in pieces:
                if "label" not in basics and not any(summary) and title_score(piece) >= 1:
                    basics["label"] = piece
                else:
                    leftovers.append(piece)
        elif (
            "label" not in basics
            and not any(summary)
            and not bullet
            and _header_like(text)
            and len(text) <= 100
        ):
            basics["label"] = text
        else:
            summary.append(("- " if bullet else "") + text)
    prose = _prose(summary)
    if prose:
        basics["summary"] = prose
    return basics, leftovers


def _header_link(m: re.Match[str]) -> str:
    label, url = m.group(1).strip(), m.group(2)
    generic = label.lower().strip(" :") in {
        "",
        "email",
        "e-mail",
        "website",
        "portfolio",
        "blog",
        "homepage",
        "web",
        "linkedin",
        "github",
        "gitlab",
        "twitter",
        "site",
        "cv",
        "résumé",
    }
    urlish = bool(_EMAIL_RE.fullmatch(label) or URL_RE.fullmatch(label) or _BARE_URL_RE.fullmatch(label))
    return url.removeprefix("mailto:") if generic or urlish else f"{label} | {url}"


def _contact(text: str, basics: dict[str, Any], pieces: list[str]) -> bool:
    """Take emails, URLs, handles, phones and a location out of `text` into `basics`; True if any found.

    Items are applied in the order written; what is left over is appended to `pieces`."""
    spans: list[tuple[int, int, str, str]] = []
    masked = text
    patterns = (("email", _EMAIL_RE), ("url", URL_RE), ("url", _BARE_URL_RE), ("handle", _HANDLE_RE))
    for kind, pattern in (*patterns, ("phone", _PHONE_RE)):
        for m in list(pattern.finditer(masked)):
            spans.append((m.start(), m.end(), kind, m.group(1) if kind == "email" else m.group(0)))
            masked = masked[: m.start()] + "\x1f" * (m.end() - m.start()) + masked[m.end() :]
    found = 0
    for start, end, kind, value in sorted(spans):
        if kind == "email":
            ok = _put(basics, "email", value)
        elif kind == "url":
            ok = _add_url(basics, value)
        elif kind == "handle":
            network, _, user = value.partition(":")
            network = {"linkedin": "LinkedIn", "github": "GitHub", "gitlab": "GitLab", "xing": "XING"}.get(
                network.strip().lower(), network.strip().title()
            )
            ok = _add_profile(basics, network, user.strip(" @："), "")
        else:
            ok = _phone(basics, value)
        found += ok
        if not ok:
            masked = masked[:start] + text[start:end] + masked[end:]
    masked = _LABEL_RE.sub(" | ", re.sub("\x1f+", " | ", masked))
    addresses: list[str] = []
    for part in _HEADER_SEP_RE.split(masked):
        part = re.sub(r"^[^\w+(]+", "", part).strip(" ,;:|")  # icons: "📍 Austin, TX"
        if not re.search(r"\w", part):
            continue
        for sub in [part] if is_location(part) else split_fragments(part):
            sub = sub.lstrip(AT).strip(" ,;:")
            if is_location(sub) and "location" not in basics:
                basics["location"] = _location(sub)
                found += 1
            elif re.match(r"^\d{1,6}\s+[^\W\d]", sub) and not addresses:
                addresses.append(sub)
            elif sub:
                pieces.append(sub)
    if addresses and "address" not in basics.setdefault("location", {}):
        basics["location"]["address"] = addresses[0]
        found += 1
    return found > 0


def _put(basics: dict[str, Any], key: str, value: str) -> bool:
    if basics.get(key):
        return False  # a second email / phone / site stays in the text (and ends up in x-sections)
    basics[key] = value
    return True


def _phone(basics: dict[str, Any], raw: str) -> bool:
    digits = re.sub(r"\D", "", raw.split("x")[0].split("ext")[0])
    if not 7 <= len(digits) <= 15 or (find_range(raw)[0] is not None and not re.search(r"[+()]", raw)):
        return False
    if len(digits) < 9 and not re.search(r"[+(]|\d[-.]\d{4}\b", raw):  # "1 200 000" is not a phone
        return False
    return _put(basics, "phone", raw.strip())


def _add_url(basics: dict[str, Any], raw: str) -> bool:
    raw = raw.rstrip(".,;")
    url = raw if re.match(r"(?i)https?://", raw) else f"https://{raw}"
    host = re.sub(r"(?i)^https?://(?:www\.)?", "", url).split("/")[0].lower()
    path = [p for p in re.sub(r"(?i)^https?://[^/]+", "", url).split("/") if p]
    network = next(
        (n.replace("_", " ") for d, n in _NETWORKS.items() if host == d or host.endswith("." + d)), None
    )
    if network:
        skip = {"in", "pub", "u", "user", "users", "citations", "profile", "company"}
        user = next((p.lstrip("@") for p in path if p.lower() not in skip and "?" not in p), "")
        return _add_profile(basics, network, user, url)
    if not basics.get("url"):
        basics["url"] = url
        return True
    return _add_profile(basics, host, "", url)


def _add_profile(basics: dict[str, Any], network: str, username: str, url: str) -> bool:
    profile = {k: v for k, v in (("network", network), ("username", username), ("url", url)) if v}
    basics.setdefault("profiles", []).append(profile)
    return True


def _location(text: str) -> dict[str, str]:
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 1 and len(ws := text.split()) >= 2 and re.fullmatch(r"[A-Z]{2}", ws[-1]):
        parts = [" ".join(ws[:-1]), ws[-1]]
    out = {"city": parts[0]}
    if len(parts) > 1:
        region = ", ".join(parts[1:])
        if m := re.search(r"\s+(\d{4,6}(?:-\d{4})?)$", region):
            out["postalCode"], region = m.group(1), region[: m.start()]
        out["region"] = region
    return out
