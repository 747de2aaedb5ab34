"""Resumes: JSON Resume validation, text parsing, markdown rendering, contact pseudonymisation."""

from app.resume._document import (
    iter_strings,
    load_resume_source,
    resume_text,
    schema_errors,
    validate_resume,
)
from app.resume._inputs import decode_text, job_description_text, read_text_file
from app.resume._pseudonym import ContactVault
from app.resume._render import render_markdown

__all__ = [
    "ContactVault",
    "decode_text",
    "iter_strings",
    "job_description_text",
    "load_resume_source",
    "read_text_file",
    "render_markdown",
    "resume_text",
    "schema_errors",
    "validate_resume",
]
