"""The registry facade: prompts, pipelines, the lock and the aliases, one object for the CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.errors import ConflictError, NotFoundError, RegistryError
from app.registry._aliases import current_actor, read_bootstrap
from app.registry._lock import Problem, RegistryLock
from app.registry._manifest import Pipeline, resolve_manifest
from app.registry._prompts import (
    PromptVersion,
    create_version,
    list_versions,
    load_prompt_version,
)
from app.state import ANY, AliasMove, StateStore, open_state


class Registry:
    def __init__(self, root: Path, state_url: str) -> None:
        if not root.is_dir():
            raise NotFoundError(f"prompt registry not found at {root}")
        self.root = root
        self.prompts_root = root / "prompts"
        self.pipelines_root = root / "pipelines"
        self.lock = RegistryLock(root)
        self._state_url = state_url
        self._store: StateStore | None = None

    @property
    def store(self) -> StateStore:
        """The shared state store (aliases, runs, verdicts, audit), opened on first use."""
        if self._store is None:
            self._store = open_state(self._state_url)
        return self._store

    # -- prompts -------------------------------------------------------------------------------
    def prompt_names(self) -> list[str]:
        return sorted(p.name for p in self.prompts_root.iterdir() if p.is_dir())

    def versions(self, name: str) -> list[PromptVersion]:
        return [
            load_prompt_version(self.prompts_root, name, v) for v in list_versions(self.prompts_root, name)
        ]

    def prompt(self, ref: str) -> PromptVersion:
        """`name@version`, or `name` for its newest version."""
        name, _, version = ref.partition("@")
        if not version:
            version = list_versions(self.prompts_root, name)[-1]
        return load_prompt_version(self.prompts_root, name, version)

    def new_version(self, name: str, from_version: str, description: str | None = None) -> PromptVersion:
        return create_version(self.prompts_root, name, from_version, description)

    def release(self, ref: str) -> PromptVersion:
        prompt = self.prompt(ref)
        self.lock.release_prompt(prompt)
        return prompt

    # -- pipelines -----------------------------------------------------------------------------
    def manifest_files(self) -> list[Path]:
        return sorted(self.pipelines_root.glob("*.yaml"))

    def pipelines(self) -> list[Pipeline]:
        return [resolve_manifest(p, self.prompts_root) for p in self.manifest_files()]

    def pipeline_by_label(self, label: str) -> Pipeline | None:
        for path in self.manifest_files():
            if path.stem == label:
                return resolve_manifest(path, self.prompts_root)
        return next((p for p in self.pipelines() if p.label == label), None)

    def release_pipeline(self, label: str) -> Pipeline:
        pipeline = self.pipeline_by_label(label)
        if pipeline is None:
            raise NotFoundError(f"unknown pipeline {label!r}")
        unreleased = [
            a.prompt_ref
            for a in pipeline.agents.values()
            if a.prompt_ref is not None and not self.lock.is_released(a.prompt_ref)
        ]
        if unreleased:
            raise RegistryError(f"release its prompts first: {', '.join(sorted(unreleased))}")
        self.lock.release_pipeline(label, Path(pipeline.source), pipeline.hash)
        return pipeline

    def resolve(self, ref: str) -> Pipeline:
        """A label, a hash (or a unique prefix of at least 6), or an alias -> the pipeline."""
        by_label = self.pipeline_by_label(ref)
        if by_label is not None:
            return by_label
        alias = self.alias(ref)
        if alias is not None:
            return self._by_hash(alias.pipeline_hash, f"alias {ref!r}")
        if len(ref) >= 6 and all(c in "0123456789abcdef" for c in ref):
            return self._by_hash(ref, f"hash {ref!r}")
        raise NotFoundError(f"unknown pipeline, alias or hash {ref!r} (see: tailor prompts list)")

    def _by_hash(self, digest: str, what: str) -> Pipeline:
        matches = [p for p in self.pipelines() if p.hash.startswith(digest)]
        if len(matches) > 1:
            raise NotFoundError(f"{what} is ambiguous: {', '.join(p.label for p in matches)}")
        if matches:
            return matches[0]
        snap = self.store.snapshot(digest) if len(digest) == 64 else None
        if snap is not None:
            pipeline = Pipeline.model_validate({**snap, "source": "state store snapshot"})
            for agent in pipeline.agents:  # verifies each pinned prompt still hashes the same
                if pipeline.agents[agent].prompt_ref:
                    pipeline.prompt(self.prompts_root, agent)
            return pipeline
        raise NotFoundError(f"{what} points to pipeline {digest[:12]}, which this registry does not have")

    # -- aliases -------------------------------------------------------------------------------
    def alias(self, name: str) -> AliasMove | None:
        """The alias's current target; a fresh store adopts the bootstrap file's entry."""
        move = self.store.get_alias(name)
        if move is not None:
            return move
        entry = read_bootstrap(self.root).get(name)
        if entry is None:
            return None
        pipeline = self.pipeline_by_label(entry["pipeline"])
        if pipeline is None or pipeline.hash != entry["hash"]:
            raise RegistryError(
                f"bootstrap alias {name!r} names {entry['pipeline']} at {entry['hash'][:12]}, "
                "which the registry no longer has at that hash"
            )
        try:
            return self.store.move_alias(
                name,
                pipeline_hash=pipeline.hash,
                label=pipeline.label,
                snapshot=pipeline.snapshot(),
                who="bootstrap",
                why=f"adopted from {self.root.name}/aliases.yaml",
                expected=None,
                kind="bootstrap",
            )
        except ConflictError:  # another process adopted (or moved) it first: theirs stands
            return self.store.get_alias(name)

    def set_alias(
        self,
        name: str,
        target: str,
        why: str,
        who: str | None = None,
        *,
        expected: str | object | None = ANY,
        kind: str = "set",
        verdict_id: int | None = None,
        forced: bool = False,
    ) -> AliasMove:
        """Point `name` at `target`; `expected` (a hash, or None for a new alias) makes it compare-and-set."""
        pipeline = self.resolve(target)
        return self.store.move_alias(
            name,
            pipeline_hash=pipeline.hash,
            label=pipeline.label,
            snapshot=pipeline.snapshot(),
            who=who or current_actor(),
            why=why,
            expected=expected,
            kind=kind,
            verdict_id=verdict_id,
            forced=forced,
        )

    def aliases(self) -> list[AliasMove]:
        for name in read_bootstrap(self.root):
            self.alias(name)
        return self.store.current_aliases()

    # -- integrity -----------------------------------------------------------------------------
    def check(self, contract: Callable[[Pipeline, Path], None] | None = None) -> list[Problem]:
        """Every problem in the registry; `contract(pipeline, prompts_root)` may add its own."""
        problems = self.lock.check_prompts(self.prompts_root) + self.lock.check_pipelines()
        for path in self.manifest_files():
            rel = path.relative_to(self.root).as_posix()
            try:
                pipeline = resolve_manifest(path, self.prompts_root)
                if contract is not None:
                    contract(pipeline, self.prompts_root)
            except (RegistryError, NotFoundError) as exc:
                problems.append(Problem(rel, str(exc).replace(f"{path}: ", "")))
                continue
            locked = self.lock.data["pipelines"].get(pipeline.label)
            if locked and locked["hash"] != pipeline.hash and not any(p.path == rel for p in problems):
                problems.append(Problem(rel, f"released pipeline {pipeline.label} no longer has its hash"))
            if locked:
                for agent in pipeline.agents.values():
                    if agent.prompt_ref and not self.lock.is_released(agent.prompt_ref):
                        problems.append(Problem(rel, f"released pipeline pins draft {agent.prompt_ref}"))
        for alias, entry in read_bootstrap(self.root).items():
            try:
                target = self.pipeline_by_label(entry["pipeline"])
            except (RegistryError, NotFoundError):
                continue  # already reported above, against its manifest file
            if target is None:
                problems.append(Problem("aliases.yaml", f"{alias}: no pipeline labelled {entry['pipeline']}"))
            elif target.hash != entry["hash"]:
                problems.append(
                    Problem("aliases.yaml", f"{alias}: {entry['pipeline']} now hashes to {target.short_hash}")
                )
        return problems
