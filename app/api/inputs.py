"""A tailoring request from the wire: JSON, a form of text fields, or a multipart upload of `.md`,
`.txt` or `.json` files. Sizes are checked before anything is parsed (resume over `max_resume_bytes`
or JD over `max_jd_bytes` -> 413, naming the field); then the resume and JD are parsed exactly as
the CLI parses files, so a bad input is a 422 naming the field before any job exists.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from app.api.errors import FieldError, PayloadTooLarge
from app.api.schemas import TailorRequest
from app.errors import InputError
from app.hashing import sha256_json
from app.resume import decode_text, job_description_text, load_resume_source
from app.settings import TailorSettings

UPLOAD_SUFFIXES = (".md", ".markdown", ".txt", ".json")
_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
_ENVELOPE_BYTES = 16_384  # JSON quoting, form boundaries, the webhook URL


@dataclass(frozen=True)
class Submission:
    resume_text: str
    jd_text: str
    webhook_url: str | None

    def request_hash(self, alias: str) -> str:
        """What the Idempotency-Key is bound to: the inputs and what they are served by."""
        return sha256_json({"resume": self.resume_text, "jd": self.jd_text, "webhook_url": self.webhook_url,
                            "alias": alias})


async def read_submission(request: Request, settings: TailorSettings, *, webhooks: bool) -> Submission:
    limits = {"resume": settings.max_resume_bytes, "jd": settings.max_jd_bytes}
    cap = 2 * sum(limits.values()) + _ENVELOPE_BYTES  # JSON escaping may double a text
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > cap:
        raise PayloadTooLarge("body", f"request body is {int(declared):,} bytes; the limit is {cap:,}")
    if media == "application/json" or media.endswith("+json"):
        fields = await _json_fields(request, cap)
    elif media in _FORM_TYPES:
        fields = await _form_fields(request, limits)
    else:
        raise FieldError("body", f"unsupported content type {media or 'none'!r}: send application/json, "
                         "multipart/form-data or application/x-www-form-urlencoded")
    try:
        parsed = TailorRequest.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise FieldError(where, str(first["msg"]).removeprefix("Value error, ")) from None
    resume = _as_text(parsed.resume)
    jd = _as_text(parsed.jd)
    for name, text in (("resume", resume), ("jd", jd)):
        size = len(text.encode("utf-8"))
        if size > limits[name]:
            raise PayloadTooLarge(name, f"{size:,} bytes; the limit is {limits[name]:,} bytes")
    webhook = _webhook(parsed.webhook_url, webhooks)
    _check_parses(resume, jd)
    return Submission(resume, jd, webhook)


async def _json_fields(request: Request, cap: int) -> dict[str, Any]:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > cap:
            raise PayloadTooLarge("body", f"request body is over the limit of {cap:,} bytes")
    try:
        value = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FieldError("body", f"not valid JSON ({getattr(exc, 'msg', 'not UTF-8')})") from None
    if not isinstance(value, dict):
        raise FieldError("body", "the JSON body must be an object with 'resume' and 'jd'")
    return value


async def _form_fields(request: Request, limits: dict[str, int]) -> dict[str, Any]:
    part_cap = max(limits.values()) + 1
    try:
        form = await request.form(max_files=4, max_fields=8, max_part_size=part_cap)
    except Exception as exc:  # the multipart parser's own errors (malformed, too many parts)
        detail = getattr(exc, "detail", None) or str(exc) or type(exc).__name__
        raise FieldError("body", f"unreadable form: {detail}") from None
    fields: dict[str, Any] = {}
    for name in ("resume", "jd", "webhook_url"):
        value = form.get(name) or form.get(f"{name}_file")
        if isinstance(value, UploadFile) and not value.filename:  # a form's empty file input
            value = None
        if isinstance(value, UploadFile):
            fields[name] = await _upload_text(name, value, limits.get(name, 2048))
        elif isinstance(value, str) and value != "":
            fields[name] = value
    await form.close()
    return fields


async def _upload_text(field: str, upload: UploadFile, limit: int) -> str:
    filename = upload.filename or ""
    if not filename.lower().endswith(UPLOAD_SUFFIXES):
        raise FieldError(field, f"file {filename!r} is not one of {', '.join(UPLOAD_SUFFIXES)}")
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(field, f"file {filename!r} is over the limit of {limit:,} bytes")
    try:
        return decode_text(data, what=field, where=filename, max_bytes=limit)
    except InputError as exc:
        raise FieldError(field, exc.message) from None


def _as_text(value: str | dict[str, Any]) -> str:
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def _webhook(url: str | None, allowed: bool) -> str | None:
    if not url:
        return None
    if not allowed:
        raise FieldError("webhook_url", "webhooks are off on this server (no TAILOR_API_WEBHOOK_SECRET)")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FieldError("webhook_url", "must be an http(s) URL")
    return url


_PARSED_LIMIT = 1024
_parsed: OrderedDict[str, None] = OrderedDict()  # digests of (resume, jd) pairs that parsed, newest last


def _check_parses(resume: str, jd: str) -> None:
    """Parse both now, so a bad input is refused before a job exists (the job parses them again).
    A pair that parsed is remembered by its digest (parsing a resume costs milliseconds; a client
    retrying, or sending one resume to many jobs, pays it once per process)."""
    digest = hashlib.sha256(resume.encode("utf-8") + b"\0" + jd.encode("utf-8")).hexdigest()
    if digest in _parsed:
        _parsed.move_to_end(digest)
        return
    _parse_both(resume, jd)
    _parsed[digest] = None
    if len(_parsed) > _PARSED_LIMIT:
        _parsed.popitem(last=False)


def _parse_both(resume: str, jd: str) -> None:
    try:
        load_resume_source(resume)
    except InputError as exc:
        raise FieldError("resume", exc.message) from None
    try:
        job_description_text(jd)
    except InputError as exc:
        raise FieldError("jd", exc.message) from None
