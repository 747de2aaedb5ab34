"""What the judge sees: texts pseudonymised with one contact vault, then clipped to fit its context."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from app.resume import ContactVault, render_markdown
from evals.scorers import Sample

_TOKEN_KIND = re.compile(r"^\[([A-Z]+)_\d+\]$")


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary, marked when cut."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space > limit * 3 // 4:
        cut = cut[:space]
    return cut.rstrip() + "\n[truncated]"


def suggestions_text(suggestions: Sequence[Any]) -> str:
    if not suggestions:
        return "(no suggestions)"
    lines = []
    for item in suggestions:
        if not isinstance(item, Mapping):
            lines.append(f"- {item}")
            continue
        tags = ", ".join(str(item[k]) for k in ("importance", "status") if item.get(k))
        head = f"{item.get('requirement') or 'general'}" + (f" ({tags})" if tags else "")
        lines.append(f"- {head}: {item.get('note') or ''}".rstrip(": "))
    return "\n".join(lines)


def contact_vault(resumes: Sequence[Mapping[str, Any]], texts: Iterable[str] = ()) -> ContactVault:
    """One vault over several resumes' contact details plus any e-mail/phone/URL in `texts`."""
    first, *rest = [dict(r) for r in resumes] or [{}]
    vault = ContactVault.from_resume(first, extra_texts=[t for t in texts if t])
    for other in rest:
        merge_vault(vault, ContactVault.from_resume({"basics": other.get("basics") or {}}))
    return vault


def merge_vault(target: ContactVault, other: ContactVault) -> None:
    """Add `other`'s values to `target` (same kinds; tokens are renumbered by `target`)."""
    for value in other.values():
        match = _TOKEN_KIND.match(other.pseudonymise(value))
        target.add(match.group(1) if match else "NAME", value)


def tailored_text(sample: Sample) -> str:
    return sample.markdown or render_markdown(sample.output)


def sample_vault(sample: Sample) -> ContactVault:
    raw = sample.case.resume
    resumes = [sample.source, sample.output] + ([raw] if isinstance(raw, dict) else [])
    texts = [
        raw if isinstance(raw, str) else "",
        sample.case.job_description,
        sample.output_text,
        sample.markdown,
    ]
    return contact_vault(resumes, [*texts, suggestions_text(sample.suggestions)])


def sample_parts(sample: Sample, vault: ContactVault, limit: int) -> dict[str, str]:
    """The template variables: pseudonymised first, then clipped (a cut never splits a raw value)."""
    raw = {
        "jd": sample.case.job_description,
        "source": render_markdown(sample.source),
        "tailored": tailored_text(sample),
        "suggestions": suggestions_text(sample.suggestions),
    }
    return {k: clip(vault.pseudonymise(v), limit) for k, v in raw.items()}
