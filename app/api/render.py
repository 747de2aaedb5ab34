"""A job's result for people: the line comparison the page marks, and the downloads (markdown,
JSON Resume, HTML, PDF). HTML and PDF come from `app.services.render`, whose one Jinja2 template
the CLI's `--format pdf` uses too."""

from __future__ import annotations

import json
from typing import Any

from app.services.render import resume_html, resume_pdf

__all__ = ["compare_markdown", "json_resume_download", "markdown_download", "resume_html", "resume_pdf"]


def compare_markdown(original: str, tailored: str) -> dict[str, list[dict[str, Any]]]:
    """Both texts line by line; a line is `changed` when the other side has no line with its text
    (so bullets the assembler only reordered are not marked; rewritten ones are)."""
    before = original.splitlines()
    after = tailored.splitlines()
    before_set = {line.strip() for line in before}
    after_set = {line.strip() for line in after}
    return {
        "original": [{"text": line, "changed": bool(line.strip()) and line.strip() not in after_set} for line in before],
        "tailored": [{"text": line, "changed": bool(line.strip()) and line.strip() not in before_set} for line in after],
    }


def markdown_download(result: dict[str, Any]) -> str:
    """The tailored resume as markdown, then the suggestions, which are not part of the resume."""
    text = str(result.get("markdown", ""))
    suggestions = result.get("suggestions") or []
    if suggestions:
        lines = ["", "---", "", "## Suggestions (not part of the resume)", ""]
        for s in suggestions:
            importance = str(s.get("importance", "")).replace("_", "-")
            lines.append(f"- **{s.get('requirement')}** ({importance}, {s.get('status')}): {s.get('note')}")
        text = text.rstrip("\n") + "\n" + "\n".join(lines) + "\n"
    return text


def json_resume_download(result: dict[str, Any]) -> str:
    return json.dumps(result.get("tailored_resume") or {}, indent=2, ensure_ascii=False) + "\n"
