"""Tailoring inputs from text or bytes (the API's requests), checked as the CLI checks files."""

from __future__ import annotations

from app.resume import decode_text, job_description_text, load_resume_source
from app.services.tailoring import TailorInputs
from app.settings import TailorSettings, get_settings


def inputs_from_text(resume: str, jd: str) -> TailorInputs:
    """A resume (JSON Resume, markdown or plain text) and a JD (text or a jsonresume job JSON)."""
    return TailorInputs(load_resume_source(resume), job_description_text(jd))


def inputs_from_bytes(
    resume: bytes, jd: bytes, settings: TailorSettings | None = None, *, where: str = "request"
) -> TailorInputs:
    """As `inputs_from_text`, after the same size, UTF-8 and emptiness checks as files get."""
    settings = settings or get_settings()
    resume_text = decode_text(resume, what="resume", where=where, max_bytes=settings.max_resume_bytes)
    jd_text = decode_text(jd, what="job description", where=where, max_bytes=settings.max_jd_bytes)
    return inputs_from_text(resume_text, jd_text)
