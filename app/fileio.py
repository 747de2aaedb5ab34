"""File writes that never leave a half-written file behind, and the `--out` rule (file or folder)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from app.errors import InputError


def atomic_write_text(path: Path, text: str) -> None:
    """Write to a temporary file beside `path`, fsync, then rename over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a written file gets the usual mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class OutTarget:
    """Where a command's `--out` points: a file to write, or a folder to write into."""

    path: Path
    is_folder: bool

    def file_in_folder(self, name: str) -> Path:
        """The file to write: `path` itself, or `name` inside the folder."""
        return self.path / name if self.is_folder else self.path


def out_target(path: Path, file_suffixes: Collection[str]) -> OutTarget:
    """The one `--out` rule of every command: an existing folder is a folder; otherwise a path whose
    suffix is one of the command's file suffixes (`.json`, `.md`, `.html`...; any case) is a file,
    and anything else is a folder, created when written. A file where a folder is meant is refused."""
    suffixes = {s.lower() for s in file_suffixes}
    if path.is_dir():
        return OutTarget(path, is_folder=True)
    if path.suffix.lower() in suffixes:
        return OutTarget(path, is_folder=False)
    if path.exists():
        raise InputError(
            f"--out {path} is a file, but a path without a file suffix "
            f"({', '.join(sorted(suffixes))}) names a folder here: add the suffix or choose a folder"
        )
    return OutTarget(path, is_folder=True)
