"""Work, volunteer and project entries from grouped blocks."""

from __future__ import annotations

import re
from typing import Any

from app.resume._parse_common import Block, date_note, paragraphs, put_dates
from app.resume._parse_lists import split_list
from app.resume._sections_fragments import (
    AT,
    URL_RE,
    Header,
    function_after_comma,
    org_score,
    parse_header,
    place_tail,
    split_commas,
    title_score,
)

_SCHEDULE_RE = re.compile(
    r"(?i)^(?:part[- ]time|full[- ]time|per diem|prn|seasonal|contract|temporary|casual|on[- ]call)\b"
    r"|^\d+\s*[-–]?\s*\d*\s*(?:hrs?|hours)\s*(?:/|per|a)\s*(?:wk|week)\b"
)


def _assign(head: Header, multiline: bool) -> tuple[str, str, list[str]]:
    """(position, employer, leftover fragments) from an entry header's fragments."""
    frags = list(head.fragments)
    at = next((i for i, f in enumerate(frags) if f.startswith(AT)), None)
    if at is not None and at > 0:
        position, name = frags[at - 1], frags[at][1:]
        return position, name, [f.lstrip(AT) for j, f in enumerate(frags) if j not in (at - 1, at)]
    frags = [f.lstrip(AT) for f in frags]
    notes = [f for f in frags if _SCHEDULE_RE.match(f)]  # "part-time, 16–24 hrs/week" is no employer
    frags = [f for f in frags if f not in notes]
    if notes:
        position, name, extras = _assign(Header(frags, [0] * len(frags)), multiline)
        return position, name, extras + notes
    if not frags:
        return "", "", []
    titled = all(title_score(f) > org_score(f) for f in frags)  # "Account Manager, Salesforce — 2015"
    orgs = [org_score(f) > title_score(f) for f in frags]
    glued = not any(title_score(f) > org_score(f) for f in frags)  # "English Teacher, Maplewood High School"
    cut = [
        "," in f and (titled or (glued and _mixed(f) and not any(orgs[:i] + orgs[i + 1 :])))
        for i, f in enumerate(frags)
    ]
    cut = [c and not function_after_comma(f) for c, f in zip(cut, frags, strict=True)]
    if any(cut):
        split = [
            (part, n)
            for f, n, c in zip(frags, head.lines_of, cut, strict=True)
            for part in (split_commas(f) if c else [f])
        ]
        head = Header([p for p, _ in split], [n for _, n in split])
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


def _mixed(frag: str) -> bool:
    """A title and an employer joined by a comma: some part scores as a title, another as an org."""
    parts = split_commas(frag)
    return any(title_score(p) > org_score(p) for p in parts) and any(
        org_score(p) > title_score(p) for p in parts
    )


# "Logistics Chair, Northside 5K (2019 – present): coordinate permits and 60 volunteers": a one-line
# role whose dates close the header and whose work follows a colon.
_DATED_THEN_WORK_RE = re.compile(r"^(.*\(\s*[^()]*\b(?:19|20)\d{2}\b[^()]*\))\s*:\s+(\S.*)$")


def _split_work_off(header: list[str]) -> tuple[list[str], list[str]]:
    if header and (m := _DATED_THEN_WORK_RE.match(header[-1])):
        return [*header[:-1], m.group(1)], [m.group(2)]
    return header, []


def _work(block: Block, org_key: str) -> dict[str, Any]:
    header, done = _split_work_off(block.header)
    head = parse_header(header)
    position, name, extras = _assign(head, len(header) > 1)
    if not head.locations and (placed := place_tail(name)):
        name, place = placed  # "Maison Verlaine, Lyon": a city no list knows, after the employer
        head = Header(head.fragments, head.lines_of, [place], head.dates, head.urls)
    entry: dict[str, Any] = {org_key: name, "position": position}
    if head.locations:
        entry["location"] = head.locations[0]
    entry["url"] = head.urls[0] if head.urls else ""
    put_dates(entry, head)
    entry["description"] = "; ".join(extras + head.locations[1:] + head.urls[1:] + date_note(head))
    entry["summary"] = paragraphs(block)
    entry["highlights"] = done + block.bullets
    return entry


def roles_within(blocks: list[Block], org_key: str) -> list[dict[str, Any]]:
    """Several roles under one employer: roles with no employer take it from the employer line above them.

    Either a bare employer entry ('Globex | 2012 – 2017', no title, no bullets) heads the roles that
    follow (and is dropped when their dates span exactly its own), or the previous entry's header put
    the employer on a line of its own ('Acme, Chicago, IL' / 'Director, 2020 – Present' / bullets).
    """
    out: list[dict[str, Any]] = []
    bare_groups: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    parent: dict[str, Any] | None = None
    children: list[dict[str, Any]] = []
    entries = [_work(block, org_key) for block in blocks]
    _follow_the_layout(blocks, entries, org_key)
    for block, entry in zip(blocks, entries, strict=True):
        out.append(entry)
        if entry.get(org_key) or not entry.get("position"):
            head = parse_header(block.header)
            bare = (
                not entry.get("position") and bool(entry.get(org_key)) and _no_role_of_its_own(block, entry)
            )
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
    _attach_details(out, org_key)
    for bare_entry, kids in bare_groups:
        if kids and not bare_entry.get("startDate"):  # "### Pinecrest Scheduling" / "*B2B SaaS*" / roles
            kids[0]["description"] = "; ".join(
                x
                for x in (
                    bare_entry.get("summary"),
                    bare_entry.get("description"),
                    kids[0].get("description"),
                )
                if x
            )
            out.remove(bare_entry)
        elif kids and _spans(bare_entry) == _spans(*kids):
            out.remove(bare_entry)
    return out


_DETAIL_LEAD = re.compile(
    r"(?i)^\s*(?:what i did|my work|work|duties|responsibilities|highlights|achievements)\b.*?\b(?:at|with|for)\s+"
)
_NOT_NAME_WORDS = {"at", "the", "of", "and", "in", "for"}


def _name_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _NOT_NAME_WORDS}


def _attach_details(out: list[dict[str, Any]], org_key: str) -> None:
    """A table of dated roles ("Store Manager | Hearth & Willow Home (Store #212, SouthPark) | 2021 –
    now"), then a block of bullets per employer ("What I did at Hearth & Willow #212", "Piedmont
    Outfitters"): each block's bullets belong to the first dated role, still without bullets, whose
    employer and title its header names."""
    for entry in list(out):
        if entry.get("startDate") or not entry.get("highlights"):
            continue
        label = _name_words(
            _DETAIL_LEAD.sub("", " ".join(str(entry.get(k) or "") for k in (org_key, "position")))
        )
        target = next(
            (
                e
                for e in out
                if e.get("startDate")
                and not e.get("highlights")
                and label
                and label <= _name_words(f"{e.get(org_key) or ''} {e.get('position') or ''}")
            ),
            None,
        )
        if target is not None:
            target["highlights"] = list(entry["highlights"])
            out.remove(entry)


def _no_role_of_its_own(block: Block, entry: dict[str, Any]) -> bool:
    """An employer line with no title, no bullets and no dates heads the roles under it; a line or
    two of prose there describes the employer ("*Frozen and shelf-stable foods, 4 plants*")."""
    return not block.has_body() or (not block.bullets and not entry.get("startDate"))


def _follow_the_layout(blocks: list[Block], entries: list[dict[str, Any]], org_key: str) -> None:
    """A resume writes every role the same way. Where the keyword scores cannot tell the title from
    the employer ('Guest Services Agent' / 'Harborlight Suites'), an entry follows the order at least
    two thirds of the section's two-part headers use ('Trabajo autónomo | Diseñadora freelance')."""
    votes: list[tuple[int, bool, bool]] = []  # (entry, title comes first, the scores were sure)
    for i, (block, entry) in enumerate(zip(blocks, entries, strict=True)):
        frags = [f.lstrip(AT) for f in parse_header(block.header).fragments]
        if len(frags) != 2 or {entry.get("position"), entry.get(org_key)} != set(frags):
            continue
        net = [title_score(f) - org_score(f) for f in frags]
        first = entry["position"] == frags[0]
        votes.append((i, first, abs(net[0] - net[1]) > 1))
    firsts = sum(first for _, first, _ in votes)
    for wanted in (True, False):
        agree = firsts if wanted else len(votes) - firsts
        if agree < 2 or agree * 3 < len(votes) * 2:
            continue
        for i, first, sure in votes:
            if first != wanted and not sure:
                entry = entries[i]
                entry["position"], entry[org_key] = entry[org_key], entry["position"]


def _spans(*entries: dict[str, Any]) -> tuple[str, str]:
    """(first start year, last end year or 'open') over entries."""
    starts = [e.get("startDate", "")[:4] for e in entries]
    ends = [e.get("endDate", "open")[:4] for e in entries]
    return min(starts), ("open" if "open" in ends else max(ends))


_KEYWORDS_RE = re.compile(
    r"(?i)^(?:tech(?:nologies|nology| stack)?|stack|tools|built with|keywords|skills)\s*[:：]\s*(.+)$"
)


def project_entry(block: Block) -> dict[str, Any]:
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
    entry["description"] = "\n".join(["; ".join(rest + head.locations + date_note(head)), *prose])
    entry["url"] = urls[0] if urls else ""
    put_dates(entry, head)
    entry.update(highlights=highlights, keywords=keywords)
    return entry
