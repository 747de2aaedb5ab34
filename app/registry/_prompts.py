"""A prompt version: Jinja2 templates (system, user), default parameters, description, parent.

On disk: `prompts/<name>/<version>/` with `prompt.yaml`, `system.j2` and `user.j2`. Its content
hash covers every file in the folder, so any edit of a template or a parameter changes it.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from app.errors import NotFoundError, RegistryError
from app.hashing import sha256_file, sha256_json

VERSION_RE = re.compile(r"^v(\d+)$")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
TEMPLATE_ROLES = ("system", "user")


@dataclass(frozen=True)
class PromptVersion:
    name: str
    version: str
    path: Path
    description: str
    parent: str | None
    params: dict[str, Any] = field(default_factory=dict)
    output_schema: dict[str, Any] | None = None
    shots: tuple[tuple[str, str], ...] = ()  # few-shot (user, assistant) turns after the system message

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    def file_hashes(self) -> dict[str, str]:
        return {p.name: sha256_file(p) for p in sorted(self.path.iterdir()) if p.is_file()}

    @cached_property
    def content_hash(self) -> str:
        return sha256_json(self.file_hashes())

    def template_source(self, role: str) -> str:
        return (self.path / f"{role}.j2").read_text(encoding="utf-8")

    def render(self, **variables: Any) -> list[dict[str, str]]:
        """Messages for this prompt; a variable the template uses but was not given is an error."""
        from jinja2 import Environment, StrictUndefined, UndefinedError

        env = Environment(undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, autoescape=False)
        rendered = {}
        for role in TEMPLATE_ROLES:
            try:
                rendered[role] = env.from_string(self.template_source(role)).render(**variables).strip()
            except UndefinedError as exc:
                raise RegistryError(f"prompt {self.ref} {role}.j2: {exc.message}") from exc
        messages = [{"role": "system", "content": rendered["system"]}] if rendered["system"] else []
        for user, assistant in self.shots:
            messages += [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]
        messages.append({"role": "user", "content": rendered["user"]})
        return messages


def version_number(version: str) -> int:
    match = VERSION_RE.match(version)
    if not match:
        raise NotFoundError(f"bad prompt version {version!r}: versions are v1, v2, ...")
    return int(match.group(1))


def load_prompt_version(root: Path, name: str, version: str) -> PromptVersion:
    path = root / name / version
    meta_file = path / "prompt.yaml"
    if not meta_file.is_file():
        raise NotFoundError(f"unknown prompt {name}@{version} (no {meta_file})")
    try:
        meta = yaml.safe_load(meta_file.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise RegistryError(f"{meta_file}: not valid YAML ({exc.__class__.__name__})") from exc
    for role in TEMPLATE_ROLES:
        if not (path / f"{role}.j2").is_file():
            raise RegistryError(f"prompt {name}@{version} lacks {role}.j2")
    return PromptVersion(
        name=name,
        version=version,
        path=path,
        description=str(meta.get("description", "")).strip(),
        parent=meta.get("parent"),
        params=dict(meta.get("params") or {}),
        output_schema=meta.get("output_schema"),
        shots=tuple((str(s["user"]), str(s["assistant"])) for s in meta.get("shots") or []),
    )


def list_versions(root: Path, name: str) -> list[str]:
    folder = root / name
    if not folder.is_dir():
        raise NotFoundError(f"unknown prompt {name!r}")
    versions = [p.name for p in folder.iterdir() if p.is_dir() and VERSION_RE.match(p.name)]
    return sorted(versions, key=version_number)


def create_version(root: Path, name: str, from_version: str, description: str | None) -> PromptVersion:
    """Copy `from_version` into the next free version, with `parent` set to it; without a description
    of its own, the draft keeps the parent's, prefixed `Draft from vN: `."""
    source = load_prompt_version(root, name, from_version)
    next_version = f"v{max(version_number(v) for v in list_versions(root, name)) + 1}"
    target = root / name / next_version
    shutil.copytree(source.path, target)
    meta_file = target / "prompt.yaml"
    meta = yaml.safe_load(meta_file.read_text(encoding="utf-8")) or {}
    meta["parent"] = from_version
    meta["description"] = description or f"Draft from {from_version}: {source.description}"
    meta_file.write_text(yaml.safe_dump(meta, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return load_prompt_version(root, name, next_version)
