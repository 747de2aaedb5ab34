"""JSON Resume -> markdown, deterministically: the same document always renders the same text."""

from __future__ import annotations

from typing import Any

ENTRY_SECTIONS = (("work", "Experience"), ("volunteer", "Volunteering"), ("projects", "Projects"))


def _join(*parts: Any, sep: str = ", ") -> str:
    return sep.join(str(p) for p in parts if p)


def _dates(entry: dict[str, Any]) -> str:
    start, end = entry.get("startDate"), entry.get("endDate")
    if start:
        return f"{start} – {end or 'Present'}"
    return str(end or "")


def _place(location: Any) -> str:
    if not isinstance(location, dict):
        return ""
    return _join(*(location.get(k) for k in ("city", "region", "countryCode")))


def _heading(entry: dict[str, Any]) -> str:
    """ "Role — Employer (dates, place)"; only what the entry states: no title, no invented one."""
    role = entry.get("position") or ", ".join(entry.get("roles") or [])
    org = entry.get("name") or entry.get("organization") or entry.get("entity")
    title = _join(role, org, sep=" — ")
    where = entry.get("location") if isinstance(entry.get("location"), str) else None
    extra = _join(_dates(entry), where)
    if not title:
        return extra
    return f"{title} ({extra})" if extra else title


def _bullet_list(items: list[str]) -> list[str]:
    return [f"- {item}" for item in items if item]


def _section(title: str, lines: list[str]) -> list[str]:
    return ["", f"## {title}", *lines] if lines else []


def render_markdown(resume: dict[str, Any]) -> str:
    b = resume.get("basics") or {}
    out = [f"# {b.get('name') or 'Resume'}"]
    if b.get("label"):
        out.append(f"**{b['label']}**")
    contact = [b.get("email"), b.get("phone"), b.get("url"), _place(b.get("location"))]
    contact += [
        p.get("url") or _join(p.get("network"), p.get("username"), sep=": ") for p in b.get("profiles") or []
    ]
    if any(contact):
        out.append(_join(*contact, sep=" · "))
    if b.get("summary"):
        out += _section("Summary", [str(b["summary"])])

    for key, title in ENTRY_SECTIONS:
        lines: list[str] = []
        for entry in resume.get(key) or []:
            heading = _heading(entry)  # an entry with no role, employer or dates: its bullets only
            lines += ["", f"### {heading}"] if heading else [""]
            lines += [str(entry[k]) for k in ("summary", "description") if entry.get(k)]
            lines += _bullet_list([str(h) for h in entry.get("highlights") or []])
        out += _section(title, lines)

    education = [
        f"{_join(e.get('studyType'), e.get('area'), e.get('institution'))}"
        + (f" ({_dates(e)})" if _dates(e) else "")
        + (f", {e['score']}" if e.get("score") else "")
        for e in resume.get("education") or []
    ]
    out += _section("Education", _bullet_list(education))
    skills = [
        (
            f"**{s['name']}**: "
            if s.get("name") and s.get("keywords")
            else f"**{s.get('name', '')}**"
            if s.get("name")
            else ""
        )
        + ", ".join(str(k) for k in s.get("keywords") or [])
        for s in resume.get("skills") or []
    ]
    out += _section("Skills", _bullet_list(skills))
    simple = (
        ("certificates", "Certifications", ("name", "issuer"), "date"),
        ("awards", "Awards", ("title", "awarder"), "date"),
        ("publications", "Publications", ("name", "publisher"), "releaseDate"),
    )
    for key, title, fields, date_key in simple:
        items = [
            _join(*(e.get(f) for f in fields)) + (f" ({e[date_key]})" if e.get(date_key) else "")
            for e in resume.get(key) or []
        ]
        out += _section(title, _bullet_list(items))
    languages = [_join(e.get("language"), e.get("fluency"), sep=": ") for e in resume.get("languages") or []]
    out += _section("Languages", _bullet_list(languages))
    interests = [
        _join(e.get("name"), ", ".join(e.get("keywords") or []), sep=": ")
        for e in resume.get("interests") or []
    ]
    out += _section("Interests", _bullet_list(interests))
    for extra in resume.get("x-sections") or []:
        if isinstance(extra, dict):
            out += _section(
                str(extra.get("title") or "More"),
                _bullet_list([str(h) for h in extra.get("highlights") or []]),
            )
    return "\n".join(out).strip() + "\n"
