"""JSON Resume documents: validation against the vendored schema, and access to their text.

The schema is jsonresume.org's `schema.json` 1.3.1 (MIT, see JSONRESUME-LICENSE.md), draft-07.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.errors import InputError

SCHEMA_PATH = Path(__file__).with_name("jsonresume.schema.json")

# Where the pipeline may change text. Everything else is copied from the source untouched.
REWRITABLE_SECTIONS = ("work", "projects", "volunteer")

# What makes a JSON document a resume: one of these basics, or an entry with text in one of these.
CONTENT_BASICS = ("name", "label", "summary")
CONTENT_SECTIONS = ("work", "education", "skills", "projects", "volunteer")


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import Draft7Validator

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft7Validator(schema, format_checker=None)


def schema_errors(document: Any) -> list[str]:
    """Human-readable schema violations, `path: message`, first ten."""
    if not isinstance(document, dict):
        return ["(root): a JSON Resume is a JSON object"]
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    out = []
    for err in errors[:10]:
        where = ".".join(str(p) for p in err.absolute_path) or "(root)"
        out.append(f"{where}: {err.message[:160]}")
    return out


def validate_resume(document: Any) -> dict[str, Any]:
    errors = schema_errors(document)
    if errors:
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        raise InputError(f"invalid JSON Resume: {errors[0]}{more}")
    assert isinstance(document, dict)
    return document


def iter_strings(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every string in a JSON value with its path, depth first, in document order."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from iter_strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from iter_strings(item, (*path, index))


def resume_text(resume: dict[str, Any] | str) -> str:
    """All of a resume's text, one string per line (the unit facts are checked against).

    An entry with a start date and no end date is current: its text gains "Present", as a
    text resume would say.
    """
    if isinstance(resume, str):
        return resume
    lines = [text for path, text in iter_strings(resume) if path[:1] != ("$schema",) and text.strip()]
    for section in ("work", "volunteer", "education", "projects"):
        for entry in resume.get(section) or []:
            if isinstance(entry, dict) and entry.get("startDate") and not entry.get("endDate"):
                lines.append(f"{entry['startDate']} - Present")
    return "\n".join(lines)


def load_resume_source(raw: str) -> dict[str, Any]:
    """A resume file's text -> a valid JSON Resume: JSON is validated, anything else parsed as text.

    JSON must also carry resume content (see `has_resume_content`): a schema-valid object such as
    `{"name": "pizza"}` would otherwise be tailored into an empty page, at the price of model calls.
    """
    stripped = raw.lstrip("\ufeff").strip()
    if stripped.startswith("["):
        _refuse_json_array(stripped)
    if stripped.startswith("{"):
        try:
            document = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"resume looks like JSON but is not valid JSON (line {exc.lineno}: {exc.msg})"
            ) from exc
        resume = validate_resume(document)
        if not has_resume_content(resume):
            raise InputError(
                "resume JSON has no resume content: a JSON Resume needs basics.name, basics.label or "
                "basics.summary, or an entry in " + ", ".join(CONTENT_SECTIONS)
            )
        return resume
    from app.resume._parse_text import parse_resume_text

    document = parse_resume_text(stripped)
    return validate_resume(document)


def has_resume_content(resume: dict[str, Any]) -> bool:
    """True if a JSON Resume says something: JSON Resume makes every field optional, so a document
    needs at least one of basics.name/label/summary, or a section entry holding some text."""
    basics = resume.get("basics")
    if isinstance(basics, dict) and any(
        isinstance(basics.get(key), str) and basics[key].strip() for key in CONTENT_BASICS
    ):
        return True
    return any(
        any(text.strip() for _, text in iter_strings(resume.get(section))) for section in CONTENT_SECTIONS
    )


def _refuse_json_array(text: str) -> None:
    """A text resume may start with "["; one that parses as JSON is an array, not a resume."""
    try:
        json.loads(text)
    except json.JSONDecodeError:
        return
    raise InputError("resume is a JSON array; a JSON Resume is a JSON object (jsonresume.org/schema)")
