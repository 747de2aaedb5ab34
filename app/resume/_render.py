"""JSON Resume -> markdown, deterministically (jinja2)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

_TEMPLATE = """\
{% set b = r.basics or {} -%}
# {{ b.name or "Resume" }}
{% if b.label %}**{{ b.label }}**
{% endif %}
{%- set contact = [b.email, b.phone, b.url, place(b.location)] | select | list %}
{%- for p in b.profiles or [] %}{% set _ = contact.append(p.url or (p.network ~ ": " ~ p.username)) %}{% endfor %}
{% if contact %}{{ contact | join(" · ") }}
{% endif %}
{% if b.summary %}
## Summary
{{ b.summary }}
{% endif %}
{% for section, title in [("work", "Experience"), ("volunteer", "Volunteering"), ("projects", "Projects")] %}
{% if r[section] %}
## {{ title }}
{% for e in r[section] %}
### {{ heading(e) }}
{% if e.summary %}{{ e.summary }}
{% endif %}
{% if e.description %}{{ e.description }}
{% endif %}
{% for h in e.highlights or [] %}- {{ h }}
{% endfor %}
{% endfor %}
{% endif %}
{% endfor %}
{% if r.education %}
## Education
{% for e in r.education %}
- {{ [e.studyType, e.area] | select | join(", ") }}{% if e.institution %}, {{ e.institution }}{% endif %}\
{% if dates(e) %} ({{ dates(e) }}){% endif %}{% if e.score %}, {{ e.score }}{% endif %}
{% endfor %}
{% endif %}
{% if r.skills %}
## Skills
{% for s in r.skills %}- {% if s.name %}**{{ s.name }}**{% if s.keywords %}: {% endif %}{% endif %}\
{{ (s.keywords or []) | join(", ") }}
{% endfor %}
{% endif %}
{% if r.certificates %}
## Certifications
{% for c in r.certificates %}- {{ c.name }}{% if c.issuer %}, {{ c.issuer }}{% endif %}{% if c.date %} ({{ c.date }}){% endif %}
{% endfor %}
{% endif %}
{% if r.awards %}
## Awards
{% for a in r.awards %}- {{ a.title }}{% if a.awarder %}, {{ a.awarder }}{% endif %}{% if a.date %} ({{ a.date }}){% endif %}
{% endfor %}
{% endif %}
{% if r.publications %}
## Publications
{% for p in r.publications %}- {{ p.name }}{% if p.publisher %}, {{ p.publisher }}{% endif %}\
{% if p.releaseDate %} ({{ p.releaseDate }}){% endif %}
{% endfor %}
{% endif %}
{% if r.languages %}
## Languages
{% for l in r.languages %}- {{ l.language }}{% if l.fluency %}: {{ l.fluency }}{% endif %}
{% endfor %}
{% endif %}
{% if r.interests %}
## Interests
{% for i in r.interests %}- {{ i.name }}{% if i.keywords %}: {{ i.keywords | join(", ") }}{% endif %}
{% endfor %}
{% endif %}
"""


def _dates(entry: dict[str, Any]) -> str:
    start, end = entry.get("startDate"), entry.get("endDate")
    if start and end:
        return f"{start} – {end}"
    if start:
        return f"{start} – Present"
    return str(end or "")


def _heading(entry: dict[str, Any]) -> str:
    role = entry.get("position") or ", ".join(entry.get("roles") or [])
    org = entry.get("name") or entry.get("organization") or entry.get("entity")
    title = " — ".join(str(x) for x in (role, org) if x) or "Entry"
    span = _dates(entry)
    where = entry.get("location")
    extra = ", ".join(x for x in (span, where if isinstance(where, str) else None) if x)
    return f"{title} ({extra})" if extra else title


def _place(location: Any) -> str:
    if not isinstance(location, dict):
        return ""
    return ", ".join(str(location[k]) for k in ("city", "region", "countryCode") if location.get(k))


@lru_cache(maxsize=1)
def _template() -> Any:
    from jinja2 import Environment

    env = Environment(trim_blocks=True, lstrip_blocks=True, autoescape=False)
    env.globals.update(heading=_heading, dates=_dates, place=_place)
    return env.from_string(_TEMPLATE)


def render_markdown(resume: dict[str, Any]) -> str:
    text = _template().render(r=resume)
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip() + "\n"
