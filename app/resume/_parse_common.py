"""Small helpers shared by the text-resume parser modules: pruning, prose, entry blocks, header lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from app.resume._sections import MD_HEADING_RE, clean_inline, split_bullet
from app.resume._sections_dates import find_range
from app.resume._sections_fragments import Header, title_score


def prune(value: Any) -> Any:
    """Drop empty strings, lists and objects, recursively."""
    if isinstance(value, dict):
        pruned = {k: prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in ("", [], {}, None)}
    if isinstance(value, list):
        return [p for p in (prune(v) for v in value) if p not in ("", [], {}, None)]
    return value.strip() if isinstance(value, str) else value


def prose(lines: list[str]) -> str:
    """Paragraphs joined by blank lines; wrapped lines joined by a space; bullets one per line."""
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if not line.strip():
            paragraphs.append([])
            continue
        bullet, _, text = split_bullet(MD_HEADING_RE.sub(r"\2", line))
        paragraphs[-1].append(("\n" if bullet and paragraphs[-1] else "") + clean_inline(text))
    return "\n\n".join(" ".join(p).replace(" \n", "\n") for p in paragraphs if p)


@dataclass
class Block:
    header: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    prose: list[list[str]] = field(default_factory=list)

    def has_body(self) -> bool:
        return bool(self.bullets or self.prose)


def has_date(text: str) -> bool:
    return find_range(text)[0] is not None


_LABELLED_LIST_RE = re.compile(r"^([^:]{2,30}):\s+\S[^:]*,[^:]*$")


def header_like(text: str) -> bool:
    ws = text.split()
    dates, rest = find_range(text)
    lower = text[:1].islower() and not (dates and not rest)  # "janvier 2020 – aujourd'hui" is a header line
    if not ws or lower or text.endswith(":") or len(text) > 160:
        return False
    if (m := _LABELLED_LIST_RE.match(text)) and title_score(m.group(1)) < 1:
        return False  # "Clinical rotations: telemetry step-down, labor & delivery, pediatrics": a list
    if len(ws) > (22 if has_date(text) else 14):
        return False
    sentence = text.endswith((".", "!", "?")) and not re.search(r"(?i)\b(?:inc|ltd|co|corp)\.$", text)
    return not (sentence and len(ws) > 4)


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith((".", "!", "?", ";", ":"))


def paragraphs(block: Block) -> str:
    return "\n\n".join(" ".join(p) for p in block.prose)


def date_note(head: Header) -> list[str]:
    return [head.dates.note] if head.dates and head.dates.note else []


def put_dates(entry: dict[str, Any], head: Header) -> None:
    if head.dates:
        entry["startDate"] = head.dates.start
        if head.dates.end:
            entry["endDate"] = head.dates.end
