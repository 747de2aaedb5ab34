"""Reading user files: one clear error for each way a file can be unusable."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.errors import InputError
from app.grounding import strip_invisible


def read_text_file(path: Path, *, what: str, max_bytes: int) -> str:
    if not path.exists():
        raise InputError(f"{what} file not found: {path}")
    if not path.is_file():
        raise InputError(f"{what} path is not a file: {path}")
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(f"{what} file is {size:,} bytes; the limit is {max_bytes:,} bytes: {path}")
    return decode_text(path.read_bytes(), what=what, where=str(path), max_bytes=max_bytes)


def decode_text(data: bytes, *, what: str, where: str, max_bytes: int) -> str:
    if len(data) > max_bytes:
        raise InputError(f"{what} is {len(data):,} bytes; the limit is {max_bytes:,} bytes: {where}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{what} is not UTF-8 text (bad byte at offset {exc.start}): {where}") from exc
    if not strip_invisible(text).strip():
        raise InputError(f"{what} is empty: {where}")
    return text


def job_description_text(raw: str) -> str:
    """A JD as text; a jsonresume job document (job-schema.json) is flattened to readable text."""
    stripped = raw.lstrip("\ufeff").strip()
    if not stripped.startswith("{"):
        return stripped
    try:
        job = json.loads(stripped)
    except json.JSONDecodeError as exc:
        raise InputError(f"job description looks like JSON but is not valid JSON ({exc.msg})") from exc
    if not isinstance(job, dict):
        raise InputError("job description JSON must be an object (jsonresume job schema)")
    return _job_to_text(job)


def _job_to_text(job: dict[str, Any]) -> str:
    lines: list[str] = []
    header = " at ".join(str(job[k]) for k in ("title", "company") if job.get(k))
    if header:
        lines.append(header)
    if job.get("description"):
        lines += ["", str(job["description"])]
    for key, heading in (("responsibilities", "Responsibilities"), ("qualifications", "Requirements")):
        items = job.get(key) or []
        if items:
            lines += ["", f"{heading}:"] + [f"- {item}" for item in items]
    skills = job.get("skills") or []
    if skills:
        lines += ["", "Skills:"]
        for group in skills:
            if isinstance(group, dict):
                keywords = ", ".join(str(k) for k in group.get("keywords") or [])
                lines.append(f"- {group.get('name', '')}: {keywords}".rstrip(": "))
    if not lines:
        raise InputError("job description JSON has no title, description, qualifications or skills")
    return "\n".join(lines).strip()
