"""The tailored resume as a printable HTML page and as a PDF, from one Jinja2 template
(`templates/resume.html`) shared by the CLI (`tailor optimize --format pdf`) and the API (the page's
HTML and PDF downloads). Autoescaping is on, so user text (`<script>`, `{{ }}`, `\\section`, `%`)
renders as text. PDF through WeasyPrint, imported on first use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Path(__file__).parent / "templates"
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))


def resume_html(resume: dict[str, Any], pipeline: dict[str, Any]) -> str:
    """The resume as a standalone, printable HTML page; `pipeline` ({label, hash}) goes in its footer."""
    return _env.get_template("resume.html").render(resume=resume, pipeline=pipeline)


def resume_pdf(resume: dict[str, Any], pipeline: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=resume_html(resume, pipeline), base_url=str(TEMPLATES)).write_pdf()
    return pdf
