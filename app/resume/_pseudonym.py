"""Contact details out before any model sees text, and back in after, byte for byte.

A `ContactVault` is built from the resume's `basics` (name, e-mail, phone, URL, street address,
postal code, profile usernames and URLs) plus any e-mail, phone or URL found by pattern in any
text (resume or JD). `pseudonymise` swaps each value for a stable token such as `[EMAIL_1]`;
`restore` swaps tokens back. `leaks` tells whether a text still carries a contact value, which
the pipeline checks before every model call.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from app.resume._names import split_postnominals

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>()\"']+|\b(?:linkedin\.com|github\.com|gitlab\.com|twitter\.com|x\.com|behance\.net"
    r"|dribbble\.com|medium\.com)/[^\s<>()\"']+",
    re.IGNORECASE,
)
PHONE_RE = re.compile(
    r"(?<![\w/.-])(?:\+?\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?)?\d{2,4}[\s.-]\d{2,4}(?:[\s.-]\d{2,4})?(?![\w/-])"
)
TOKEN_RE = re.compile(r"\[(?:NAME|EMAIL|PHONE|URL|ADDRESS|POSTCODE|HANDLE)_\d+\]")
_HONORIFICS = {"dr", "mr", "mrs", "ms", "prof", "phd", "md", "jr", "sr", "ii", "iii"}  # before a name too


def _looks_like_phone(value: str) -> bool:
    digits = sum(c.isdigit() for c in value)
    v = value.strip()
    is_date = re.fullmatch(r"(?:19|20)\d{2}[-./]\d{1,2}(?:[-./]\d{1,2})?", v) is not None
    is_year_range = re.fullmatch(r"(?:19|20)\d{2}\s*[-–]\s*(?:19|20)\d{2}", v) is not None
    return 7 <= digits <= 15 and not is_date and not is_year_range


class ContactVault:
    def __init__(self) -> None:
        self._by_value: dict[str, str] = {}
        self._by_token: dict[str, str] = {}
        self._counts: dict[str, int] = {}
        self._compiled: re.Pattern[str] | None = None

    # -- building ------------------------------------------------------------------------------
    def add(self, kind: str, value: str | None) -> None:
        if not value or not value.strip() or value in self._by_value:
            return
        value = value.strip()
        if value in self._by_value or len(value) < 3:
            return
        self._counts[kind] = self._counts.get(kind, 0) + 1
        token = f"[{kind}_{self._counts[kind]}]"
        self._by_value[value] = token
        self._by_token[token] = value
        self._compiled = None

    @classmethod
    def from_resume(cls, resume: dict[str, Any], extra_texts: Iterable[str] = ()) -> ContactVault:
        vault = cls()
        basics = resume.get("basics") or {}
        name = str(basics.get("name") or "")
        vault.add("NAME", name)
        for part in re.split(r"[\s,]+", split_postnominals(name)[0]):
            if len(part.strip(".")) >= 3 and part.strip(".").lower() not in _HONORIFICS:
                vault.add("NAME", part.strip("."))
        vault.add("EMAIL", basics.get("email"))
        vault.add("PHONE", basics.get("phone"))
        vault.add("URL", basics.get("url"))
        location = basics.get("location") or {}
        vault.add("ADDRESS", location.get("address"))
        vault.add("POSTCODE", location.get("postalCode"))
        for profile in basics.get("profiles") or []:
            vault.add("URL", profile.get("url"))
            vault.add("HANDLE", profile.get("username"))
        from app.resume._document import resume_text

        for text in [resume_text(resume), *extra_texts]:
            vault.scan(text)
        return vault

    def scan(self, text: str) -> None:
        """Add every e-mail, URL and phone number found in `text`."""
        for m in EMAIL_RE.finditer(text):
            self.add("EMAIL", m.group(0))
        for m in URL_RE.finditer(text):
            self.add("URL", m.group(0).rstrip(".,;:"))
        for m in PHONE_RE.finditer(text):
            if _looks_like_phone(m.group(0)):
                self.add("PHONE", m.group(0))

    # -- using ---------------------------------------------------------------------------------
    def _pattern(self) -> re.Pattern[str] | None:
        if not self._by_value:
            return None
        if self._compiled is None:
            self._compiled = self._compile()
        return self._compiled

    def _compile(self) -> re.Pattern[str]:
        values = sorted(self._by_value, key=len, reverse=True)
        parts = []
        for v in values:
            escaped = re.escape(v)
            # Whole words for names and handles ("Ann" must not hit "Annual"); exact for the rest.
            parts.append(rf"(?<!\w){escaped}(?!\w)" if v[:1].isalnum() and v[-1:].isalnum() else escaped)
        return re.compile("|".join(parts))

    def pseudonymise(self, text: str) -> str:
        pattern = self._pattern()
        return text if pattern is None else pattern.sub(lambda m: self._by_value[m.group(0)], text)

    def restore(self, text: str) -> str:
        return TOKEN_RE.sub(lambda m: self._by_token.get(m.group(0), m.group(0)), text)

    def tokens_in(self, text: str) -> list[str]:
        return [t for t in TOKEN_RE.findall(text) if t in self._by_token]

    def leaks(self, text: str) -> list[str]:
        """Contact values present in `text` (should be empty for anything sent to a model)."""
        pattern = self._pattern()
        return [] if pattern is None else sorted({m.group(0) for m in pattern.finditer(text)})

    def values(self) -> list[str]:
        return list(self._by_value)
