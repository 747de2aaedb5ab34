"""Resumes: JSON Resume validation, text parsing, markdown rendering, contact pseudonymisation.

The package's public surface: other packages import from `app.resume`, never from its `_private`
modules (`.importlinter`). `parse_resume_text` loads on first use (the text parser is the costly
part of this package and `load_resume_source` needs it only for plain-text resumes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.resume._document import (
    REWRITABLE_SECTIONS,
    iter_strings,
    load_resume_source,
    resume_text,
    schema_errors,
    validate_resume,
)
from app.resume._inputs import decode_text, job_description_text, read_text_file
from app.resume._pseudonym import TOKEN_RE as PSEUDONYM_TOKEN_RE
from app.resume._pseudonym import ContactVault
from app.resume._render import render_markdown

if TYPE_CHECKING:  # pragma: no cover
    from app.resume._parse_text import parse_resume_text


def __getattr__(name: str) -> Any:
    """Load the text parser on first use."""
    if name == "parse_resume_text":
        from app.resume._parse_text import parse_resume_text

        globals()[name] = parse_resume_text
        return parse_resume_text
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "PSEUDONYM_TOKEN_RE",
    "REWRITABLE_SECTIONS",
    "ContactVault",
    "decode_text",
    "iter_strings",
    "job_description_text",
    "load_resume_source",
    "parse_resume_text",
    "read_text_file",
    "render_markdown",
    "resume_text",
    "schema_errors",
    "validate_resume",
]
