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
from typing import Any

from app.grounding import find_degrees
from app.resume._parse_common import Block, prose, prune
from app.resume._parse_contact import parse_header_block
from app.resume._parse_education import education_entry, merge_orphans
from app.resume._parse_entries import blocks, header_sections
from app.resume._parse_lists import interests, items, languages, listed, skills
from app.resume._parse_work import project_entry, roles_within
from app.resume._sections import (
    MD_HEADING_RE,
    Section,
    clean_inline,
    normalize_input,
    split_bullet,
    split_sections,
)

_ORDER = re.findall(  # output key order
    r"\S+",
    "basics work volunteer education awards certificates publications skills languages interests projects x-sections",
)


def parse_resume_text(text: str) -> dict[str, Any]:
    """Markdown or plain text -> a JSON Resume dict (valid against app/resume/jsonresume.schema.json)."""
    header, sections = header_sections(*split_sections(normalize_input(text)))
    out: dict[str, Any] = {"x-sections": []}
    basics, leftovers = parse_header_block(header)
    if leftovers:
        out["x-sections"].append({"title": "Contact", "highlights": leftovers})
    for section in sections:
        _add_section(out, basics, section)
    out["basics"] = prune(basics)
    return {key: out[key] for key in _ORDER if out.get(key)}


def _add_section(out: dict[str, Any], basics: dict[str, Any], section: Section) -> None:
    key, lines = section.key, section.lines
    if key == "summary":
        summary = prose(lines)
        if summary:
            basics["summary"] = f"{basics['summary']}\n\n{summary}" if basics.get("summary") else summary
        return
    builders: dict[str, Callable[[list[str]], list[dict[str, Any]]]] = {
        "work": lambda ls: roles_within(blocks(ls, "work"), "name"),
        "volunteer": lambda ls: roles_within(blocks(ls, "work"), "organization"),
        "education": lambda ls: merge_orphans([education_entry(b) for b in blocks(ls, "education")]),
        "projects": lambda ls: [project_entry(b) for b in blocks(ls, "projects")],
        "skills": skills,
        "languages": lambda ls: [x for item in items(ls) for x in languages(item)],
        "interests": lambda ls: [x for item in items(ls) for x in interests(item)],
        "certificates": lambda ls: [x for item in items(ls) for x in listed(item, "certificates")],
        "awards": lambda ls: [x for item in items(ls) for x in listed(item, "awards")],
        "publications": lambda ls: [x for item in items(ls) for x in listed(item, "publications")],
    }
    if key == "qualifications":  # a CV's degrees and certificates in one list
        for item in items(lines):
            if find_degrees(item[0]):
                out.setdefault("education", []).append(prune(education_entry(Block(header=[item[0]]))))
            else:
                out.setdefault("certificates", []).extend(prune(e) for e in listed(item, "certificates"))
        return
    if key in builders:
        entries = [prune(e) for e in builders[key](lines)]
        out.setdefault(key, []).extend(e for e in entries if e)
    else:
        kept = [clean_inline(split_bullet(MD_HEADING_RE.sub(r"\2", ln))[2]) for ln in lines if ln.strip()]
        out["x-sections"].append(prune({"title": section.title, "highlights": [k for k in kept if k]}))
