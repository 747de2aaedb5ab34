"""The lock file: the content hash of every released prompt version and pipeline manifest.

Released means immutable. `check` compares the files on disk with the lock and names every
file that changed, so CI fails when someone edits a released version instead of making a new one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.errors import RegistryError
from app.fileio import atomic_write_text
from app.hashing import sha256_file
from app.registry._prompts import PromptVersion

LOCK_NAME = "registry.lock.json"


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class RegistryLock:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / LOCK_NAME
        self.data: dict[str, dict[str, Any]] = {"prompts": {}, "pipelines": {}}
        if self.path.is_file():
            try:
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                raise RegistryError(f"{self.path}: lock file is not valid JSON") from exc
            self.data["prompts"] = dict(loaded.get("prompts", {}))
            self.data["pipelines"] = dict(loaded.get("pipelines", {}))

    # -- queries -------------------------------------------------------------------------------
    def is_released(self, ref: str) -> bool:
        return ref in self.data["prompts"]

    def pipeline_released(self, label: str) -> bool:
        return label in self.data["pipelines"]

    # -- releasing -----------------------------------------------------------------------------
    def release_prompt(self, prompt: PromptVersion) -> None:
        if self.is_released(prompt.ref):
            raise RegistryError(f"{prompt.ref} is already released; make a new version instead")
        self.data["prompts"][prompt.ref] = {
            "hash": prompt.content_hash,
            "files": prompt.file_hashes(),
            "released_at": _now(),
        }
        self._save()

    def release_pipeline(self, label: str, manifest_file: Path, pipeline_hash: str) -> None:
        if self.pipeline_released(label):
            raise RegistryError(f"pipeline {label} is already released; write a new manifest instead")
        self.data["pipelines"][label] = {
            "hash": pipeline_hash,
            "file": manifest_file.relative_to(self.root).as_posix(),
            "file_hash": sha256_file(manifest_file),
            "released_at": _now(),
        }
        self._save()

    def _save(self) -> None:
        ordered = {k: dict(sorted(v.items())) for k, v in self.data.items()}
        atomic_write_text(self.path, json.dumps(ordered, indent=2, ensure_ascii=False) + "\n")

    # -- verification --------------------------------------------------------------------------
    def check_prompts(self, prompts_root: Path) -> list[Problem]:
        problems = []
        for ref, entry in sorted(self.data["prompts"].items()):
            name, _, version = ref.partition("@")
            folder = prompts_root / name / version
            rel = folder.relative_to(self.root).as_posix()
            if not folder.is_dir():
                problems.append(Problem(rel, f"released version {ref} was deleted"))
                continue
            on_disk = {p.name: sha256_file(p) for p in folder.iterdir() if p.is_file()}
            fix = f"restore it and make a new version: tailor prompts new {name} --from {version}"
            for filename, digest in sorted(entry["files"].items()):
                if filename not in on_disk:
                    problems.append(Problem(f"{rel}/{filename}", f"released {ref} lost this file; {fix}"))
                elif on_disk[filename] != digest:
                    problems.append(Problem(f"{rel}/{filename}", f"released {ref} was edited; {fix}"))
            for filename in sorted(set(on_disk) - set(entry["files"])):
                problems.append(Problem(f"{rel}/{filename}", f"file added to released {ref}; {fix}"))
        return problems

    def check_pipelines(self) -> list[Problem]:
        problems = []
        for label, entry in sorted(self.data["pipelines"].items()):
            manifest = self.root / entry["file"]
            if not manifest.is_file():
                problems.append(Problem(entry["file"], f"released pipeline {label} was deleted"))
            elif sha256_file(manifest) != entry["file_hash"]:
                problems.append(
                    Problem(entry["file"], f"released pipeline {label} was edited; write a new manifest")
                )
        return problems


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()
