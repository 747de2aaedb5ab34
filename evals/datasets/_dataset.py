"""A dataset is a folder: `manifest.json` (name, version, description) and one `<split>.jsonl` per split.

Its content hash is computed over the cases, so results can be keyed by (pipeline hash, dataset hash)
and a changed case is a changed dataset.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from app.errors import InputError, NotFoundError
from app.hashing import sha256_json
from evals.datasets._case import Case

MANIFEST = "manifest.json"


class DatasetManifest(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str
    version: str
    description: str = ""


@dataclass(frozen=True)
class Dataset:
    root: Path
    manifest: DatasetManifest
    split: str | None  # None: every split

    @property
    def name(self) -> str:
        return self.manifest.name

    @property
    def ref(self) -> str:
        return f"{self.name}:{self.split}" if self.split else self.name

    def split_names(self) -> list[str]:
        return sorted(p.stem for p in self.root.glob("*.jsonl"))

    def split_file(self, split: str) -> Path:
        return self.root / f"{split}.jsonl"

    @cached_property
    def cases(self) -> list[Case]:
        splits = [self.split] if self.split else self.split_names()
        cases: list[Case] = []
        seen: dict[str, str] = {}
        for split in splits:
            for case in load_cases(self.split_file(split)):
                if case.id in seen:
                    raise InputError(f"{self.root.name}: case id {case.id!r} in {split} and {seen[case.id]}")
                seen[case.id] = split
                cases.append(case)
        return cases

    @cached_property
    def content_hash(self) -> str:
        return sha256_json([c.content_hash() for c in self.cases])


def load_cases(path: Path) -> list[Case]:
    if not path.is_file():
        raise NotFoundError(f"no split file {path}")
    cases = []
    # split on "\n" only: str.splitlines() would also break inside a case at U+2028 or U+0085
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if not line.strip():
            continue
        try:
            cases.append(Case.model_validate(json.loads(line)))
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            raise InputError(f"{path}:{number}: {where}: {err['msg']}") from exc
    return cases


def _read_manifest(folder: Path) -> DatasetManifest:
    try:
        return DatasetManifest.model_validate_json((folder / MANIFEST).read_text(encoding="utf-8"))
    except ValidationError as exc:
        raise InputError(f"{folder / MANIFEST}: {exc.errors()[0]['msg']}") from exc


def open_dataset(ref: str, datasets_dir: Path) -> Dataset:
    """`NAME[:SPLIT]`: NAME is a dataset folder's path, or the name in a manifest under datasets_dir."""
    name, _, split = ref.partition(":")
    candidates = [Path(name), datasets_dir, *sorted(p for p in datasets_dir.glob("*/") if p.is_dir())]
    folder = None
    for candidate in candidates:
        if (candidate / MANIFEST).is_file() and (
            candidate == Path(name) or _read_manifest(candidate).name == name
        ):
            folder = candidate
            break
    if folder is None:
        raise NotFoundError(f"unknown dataset {name!r} (looked in {datasets_dir})")
    dataset = Dataset(folder.resolve(), _read_manifest(folder), split or None)
    if split and not dataset.split_file(split).is_file():
        known = ", ".join(dataset.split_names())
        raise NotFoundError(f"dataset {name!r} has no split {split!r} (splits: {known})")
    return dataset
