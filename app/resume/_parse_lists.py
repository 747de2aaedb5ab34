"""Skills, languages, interests and listed items (certificates, awards, publications)."""

from __future__ import annotations

import re
from typing import Any

from app.resume._sections import MD_HEADING_RE, clean_inline, split_bullet
from app.resume._sections_dates import find_range
from app.resume._sections_fragments import URL_RE, mask, unmask


def split_list(text: str) -> list[str]:
    """'Python, Go (gin, echo); SQL' -> ['Python', 'Go (gin, echo)', 'SQL']; commas inside () kept."""
    parts = re.split(r"\s*[,;|•·∙]\s*|\s+[–—]\s+", mask(text))
    return [unmask(p).strip().rstrip(".") or unmask(p).strip() for p in parts if p.strip(" .")]


_LABELED_RE = re.compile(r"^([^:：]{1,50}?)\s*[:：]\s*(.*)$")


def skills(lines: list[str]) -> list[dict[str, Any]]:
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


def items(lines: list[str]) -> list[tuple[str, list[str]]]:
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


def languages(item: tuple[str, list[str]]) -> list[dict[str, Any]]:
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


def interests(item: tuple[str, list[str]]) -> list[dict[str, Any]]:
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


def listed(item: tuple[str, list[str]], kind: str) -> list[dict[str, Any]]:
    """Certificates, awards, publications: 'Name, Issuer (2020)', 'Name | Issuer | 2020', '"Title," Venue'."""
    text, sub = item
    name_key, by_key, date_key = _FIELDS[kind]
    urls = URL_RE.findall(text)
    dates, text = find_range(URL_RE.sub(" ", text))
    text = text if kind == "publications" else re.sub(r"\(\s*\)", "", text).strip(" ,;|")
    apa = re.match(r"^(.{2,200}?\.)\s*\.\s+(.{3,300}?[.?!])\s+(.+)$", text) if dates else None
    spans = _spans(text)
    if kind == "publications" and (q := re.search(r"[\"“](.{3,300}?)[,.]?[\"”]", text)):
        parts = [q.group(1), *split_list(text[: q.start()] + " " + text[q.end() :])]
    elif kind == "publications" and apa:  # Doe, J. (2020). Title. Venue.
        parts = [apa.group(2).rstrip("."), apa.group(3).rstrip("."), apa.group(1)]
    else:
        parts = [text[a:b].strip() for a, b in spans]
    name, issuer, rest = parts[0] if parts else "", parts[1] if len(parts) > 1 else "", parts[2:]
    if kind == "certificates":
        by = next((i for i in range(1, len(parts)) if issuer_like(parts[i])), None)
        if (m := re.match(r"^(.+?)\s*\(([^()]{2,80})\)$", text)) and _paren_issuer(m.group(1), m.group(2)):
            name, issuer, rest = m.group(1), m.group(2), []  # "CCRN (AACN)", "License, Area (Oregon TSPC)"
        elif by is None and not dates and not urls and len(parts) >= 2:
            if len(parts) >= 3 or not any(c.islower() for c in "".join(parts)):
                return [{"name": p} for p in parts + sub]  # "CPR, BLS, ACLS"
        elif by is not None and by >= 2:  # "Certified Public Accountant (CPA), California, <Board>"
            name, issuer, rest = text[: spans[by - 1][1]].strip(), parts[by], parts[by + 1 :]
    if not issuer and (m := re.match(r"^(.+?)\s*\(([^()]*\s[^()]*)\)$", name)):
        name, issuer = m.group(1), m.group(2)
    entry: dict[str, Any] = {name_key: name, by_key: re.sub(r"(?i)^(?:issued by|by|from)\s+", "", issuer)}
    if dates:
        entry[date_key] = dates.start
        entry["endDate"] = dates.end or ""  # a range ("valid until"): extra property
    entry["url"] = urls[0] if urls else ""
    entry["summary"] = "\n".join(rest + urls[1:] + ([dates.note] if dates and dates.note else []) + sub)
    return [entry]


def _spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty part of `text` between '|', '·', '•', '—' and ', ' (not inside ())."""
    out, pos = [], 0
    for m in re.finditer(r"\s*[|·•]\s*|\s*—\s*|,\s+", mask(text)):  # mask keeps every offset
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return [(a, b) for a, b in out if text[a:b].strip(" ,")]


_ISSUER_WORDS_RE = re.compile(
    r"(?i)\b(?:board|institute|institution|association|university|college|council|inc|ltd|llc|foundation"
    r"|society|commission|agency|academy|alliance|federation|consortium|department|ministry|bureau"
    r"|authority|corporation|company|organi[sz]ation|cent(?:er|re)|red cross)\b"
)
_VENDORS = {
    "aws", "amazon", "amazon web services", "google", "google cloud", "microsoft", "cisco", "oracle",
    "comptia", "pmi", "isaca", "isc2", "(isc)²", "salesforce", "ibm", "red hat", "hubspot", "adobe",
    "autodesk", "vmware", "cncf", "giac", "coursera", "udemy", "edx", "scrum alliance", "scrum.org",
    "shrm", "asq", "nasm", "aha", "meta", "databricks", "snowflake", "hashicorp", "tableau",
}  # fmt: skip
_CREDENTIAL_RE = re.compile(r"(?i)\b(?:certified|certificate|certification|licen[sc]e[ds]?|diploma)\b|\+")
_ACRONYM_RE = re.compile(r"^[A-Z][A-Z&]{1,7}$")


def issuer_like(text: str) -> bool:
    """Does this part of a certificate line name an organisation (who issues), not a credential?"""
    bare = re.sub(r"\([^()]*\)", " ", text).strip()
    if bare.lower() in _VENDORS:
        return True
    if _CREDENTIAL_RE.search(bare) or re.search(r"\d", bare):
        return False
    if _ISSUER_WORDS_RE.search(bare):
        return True
    ws = bare.split()  # "Massachusetts DESE", "Oregon TSPC": a place, then an acronym
    return 2 <= len(ws) <= 3 and bool(_ACRONYM_RE.match(ws[-1])) and all(w[0].isupper() for w in ws)


def _paren_issuer(before: str, inner: str) -> bool:
    """'(AACN)' after 'CCRN' names the issuer; '(CPA)' after 'Certified Public Accountant' abbreviates it."""
    if issuer_like(inner):
        return True
    if not _ACRONYM_RE.match(inner):
        return False
    initials = iter(w[0].upper() for w in re.findall(r"[^\W\d_]+", before))
    return not all(c in initials for c in inner if c.isalpha())  # a subsequence of the initials: abbreviation
