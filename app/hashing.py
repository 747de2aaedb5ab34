"""Content addresses: canonical JSON and SHA-256, so equal content always hashes equal."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_json(value: Any) -> str:
    return sha256_text(canonical_json(value))


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def short(digest: str, n: int = 12) -> str:
    return digest[:n]


def code_hash(root: Path, packages: tuple[str, ...] = ("app", "evals")) -> str:
    """Content hash of the code that tailors and scores (Python files and data shipped beside them).

    Results are keyed by it, so a scorer or pipeline fix never resumes a results folder written
    by older code. Independent of git: an uncommitted edit changes it too.
    """
    files = sorted(
        p
        for package in packages
        for p in (root / package).rglob("*")
        if p.is_file() and p.suffix in {".py", ".yaml", ".json", ".j2"} and "__pycache__" not in p.parts
    )
    return sha256_json({p.relative_to(root).as_posix(): sha256_file(p) for p in files})
