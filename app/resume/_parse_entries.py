"""Grouping a section's lines into entries (header lines, then bullets and prose)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.resume._parse_common import Block, ends_sentence, has_date, header_like
from app.resume._parse_education import edu_kinds
from app.resume._sections import ALIASES, MD_HEADING_RE, Section, clean_inline, split_bullet
from app.resume._sections_dates import find_range
from app.resume._sections_fragments import is_location, parse_header, split_fragments, title_score

_LISTS = ("skills", "languages", "interests", "certificates")


def header_sections(header: list[str], sections: list[Section]) -> tuple[list[str], list[Section]]:
    """Sections hiding in the header of a resume that lacks them: with no Experience heading, a dated
    'Line Cook — Coral Tide Bistro — 2021 - Present' line (and the bullets under it) is a work entry;
    with no Skills heading, 'Skills: grill, sauté' is a skills list (likewise languages, interests,
    certifications). The first line (the name) is never taken."""
    keys = {s.key for s in sections}
    first = next((i for i, line in enumerate(header) if line.strip()), -1)
    kept: list[str] = []
    found: dict[str, Section] = {}
    in_work = False  # bullets right under a work line belong to it
    for i, line in enumerate(header):
        bullet, _, text = split_bullet(MD_HEADING_RE.sub(r"\2", line))
        text = clean_inline(text)
        labelled = re.match(r"^([^:：]{2,40}?)\s*[:：]\s*(\S.*)$", text) if not bullet else None
        key = ALIASES.get(labelled.group(1).lower()) if labelled else None
        if i <= first:
            kept.append(line)
        elif in_work and bullet and text:
            found["work"].lines.append(line)
            continue
        elif "work" not in keys and not bullet and _entry_line(text):
            found.setdefault("work", Section("Experience", "work")).lines.append(line)
            in_work = True
            continue
        elif labelled and key in _LISTS and key not in keys:
            found.setdefault(key, Section(labelled.group(1), key)).lines.append(labelled.group(2))
        else:
            kept.append(line)
        in_work = False
    return kept, [*found.values(), *sections]


def _entry_line(text: str) -> bool:
    """'Title — Employer — 2021 - Present': a date range and at least a title and one more fragment."""
    dates, _ = find_range(text)
    if dates is None or not (dates.end or dates.ongoing) or not header_like(text):
        return False
    if re.search(r"@|https?://|www\.", text):
        return False
    frags = parse_header([text]).fragments
    return len(frags) >= 2 and any(title_score(f) >= 1 for f in frags[:2])


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
        rows.append(_Row(kind, indent, text, kind != "blank" and has_date(text)))
    return rows


def blocks(lines: list[str], kind: str) -> list[Block]:
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

    def edu_overlap(text: str, block: Block) -> set[str]:
        return edu_kinds(text) & edu_kinds(" ".join(block.header)) if kind == "education" else set()

    blocks: list[Block] = []
    cur: Block | None = None
    gap, last, bullet_indent = False, "", 0
    for i, r in enumerate(rows):
        text = r.text
        if r.kind == "blank":
            gap = True
            continue
        row = r.kind
        if row == "bullet" and kind == "education" and cur is not None and not cur.has_body():
            row = "text" if edu_kinds(text) - edu_kinds(" ".join(cur.header)) else row  # degree under school
        starts = row == "head" or (row == "bullet" and items and r.indent == top)
        starts = starts or (row == "bullet" and cur is not None and bool(edu_overlap(text, cur)))
        if starts or cur is None:
            cur = Block(header=[text]) if (starts or row == "text") else Block(bullets=[text])
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
            and (wrapped or not (ends_sentence(cur.bullets[-1]) or near_date(i, 3)))
        ):
            cur.bullets[-1] += " " + text  # a wrapped bullet
            continue
        in_header = last == "header" and not cur.has_body()
        if in_header and not gap and is_location(text) and not parse_header(cur.header).locations:
            cur.header.append(text)
        elif cur.has_body() or parse_header(cur.header).complete:
            new = header_like(text) and (not headed or (cur.has_body() and _dated_role(text)))
            new = new and (
                cur.has_body() or gap or r.dated or near_date(i, 2) or bool(edu_overlap(text, cur))
            )
            if new:
                cur = Block(header=[text])
                blocks.append(cur)
                last, gap = "header", False
                continue
            _add_prose(cur, text, gap or last != "prose")
            last = "prose"
        elif (
            in_header
            and len(cur.header) < 4
            and header_like(text)
            and (not headed or _header_part(text, gap))
        ):
            if (not headed and r.dated and parse_header(cur.header).dates) or (
                kind == "education" and len(cur.header) == 1 and _same_shape(text, cur.header[0])
            ):
                cur = Block(header=[text])
                blocks.append(cur)
            else:
                cur.header.append(text)
            last = "header"
        else:
            _add_prose(cur, text, gap or last != "prose")
            last = "prose"
        gap = False
    return blocks


_SEPARATORS = (" — ", " – ", " | ", " · ")


def _same_shape(line: str, header: str) -> bool:
    """'School B — Program' under 'School A — Certificate': a list of entries, one per line."""
    header = find_range(header)[1]  # "2019 – 2021" is dates, not a shape
    return any(sep in line and line.count(sep) == header.count(sep) for sep in _SEPARATORS)


def _dated_role(text: str) -> bool:
    """ "Site Reliability Engineer | January 2020 – March 2022" after the bullets of another role under
    one employer's sub-heading: the next role at that employer, not a line of prose."""
    dates, rest = find_range(text)
    return dates is not None and not ends_sentence(rest) and title_score(rest) >= 1


def _header_part(text: str, gap: bool) -> bool:
    """Under a markdown sub-heading: is this line more header (dates, place, title, 'A | B')?"""
    if gap:
        return False
    return has_date(text) or is_location(text) or title_score(text) >= 1 or len(split_fragments(text)) > 1


def _add_prose(block: Block, text: str, new_paragraph: bool) -> None:
    if new_paragraph or not block.prose:
        block.prose.append([text])
    else:
        block.prose[-1].append(text)
