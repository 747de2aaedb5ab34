"""The header block of a text resume: name, label, contact details, location and a leading summary."""

from __future__ import annotations

import re
from typing import Any

from app.resume._names import split_postnominals
from app.resume._parse_common import header_like, prose
from app.resume._sections import MD_HEADING_RE, SKIP_FIRST, clean_inline, split_bullet
from app.resume._sections_dates import find_range
from app.resume._sections_fragments import AT, URL_RE, is_location, split_fragments, title_score

_EMAIL_RE = re.compile(
    r"(?i)(?:mailto:)?\b([a-z0-9._%+-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,4}\.[a-z]{2,24})\b"
)
_BARE_URL_RE = re.compile(
    r"(?i)(?<![\w@./])(?:[a-z0-9-]{1,63}\.){1,4}(?:com|org|net|io|dev|me|co|ai|app|info|biz|tech|site|page|blog"
    r"|edu|gov|us|uk|ca|de|fr|es|it|nl|in|eu|xyz|so|sh|gg|ly|to)(?:/[^\s|,;()<>]{0,200})?(?![\w@])"
)
_PHONE_RE = re.compile(  # separators fix the digit groups, so a failed match cannot backtrack widely
    r"(?<![\w/+])(?:\+\d{1,3}[\s.\-]{0,2}(?:\(\d{1,5}\)[\s.\-]{0,2})?\d{1,12}"  # "+33 6 55 55 01 42"
    r"|(?:\(\d{1,5}\)[\s.\-]{0,2})?\d{2,12})(?:[\s.\-]{1,2}\d{1,10}){0,5}"
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
            core = split_postnominals(name)[0]  # "Esq." does not end a sentence
            if len(core.split()) <= 8 and not re.search(r"\w{3}[.!?]$", core):
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
            and header_like(text)
            and len(text) <= 100
        ):
            basics["label"] = text
        else:
            summary.append(("- " if bullet else "") + text)
    text = prose(summary)
    if text:
        basics["summary"] = text
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
