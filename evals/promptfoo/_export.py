"""`tailor promptfoo export`: a pipeline version and a golden dataset as a `promptfooconfig.yaml`.

    description, tags, metadata   the pipeline's label and hash, the dataset's name and hash
    providers                     Tailor's pipeline as a Python provider (file://…/_provider.py:call_api)
    defaultTest.assert            Tailor's scorers as Python assertions (file://…/_assertions.py:<scorer>)
    tests                         the golden cases, pseudonymised (vars: case_id, resume, job_description)

The file names the provider and assertion modules by absolute path in this checkout, and the venv's
Python, so promptfoo runs Tailor's code from wherever the file is.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.errors import InputError
from evals.promptfoo._models import META_KEY, ExportInfo, tag_hash

CONFIG_FILE = "promptfooconfig.yaml"
PACKAGE_DIR = Path(__file__).resolve().parent
PROVIDER_FILE = PACKAGE_DIR / "_provider.py"
ASSERTIONS_FILE = PACKAGE_DIR / "_assertions.py"
PROMPT = (
    "Tailor this resume to the job description without inventing anything.\n\n"
    "RESUME:\n{{resume}}\n\nJOB DESCRIPTION:\n{{job_description}}\n"
)
PROVIDER_TIMEOUT_MS = 600_000  # one case on the local model takes seconds; a cold start, longer


@dataclass(frozen=True)
class ExportRequest:
    pipeline: str = "production"
    dataset: str = "golden:smoke"
    model: str | None = None
    scorers: list[str] | None = None  # default: the deterministic default scorers
    out: Path | None = None  # a folder; default data/promptfoo/<label>-<dataset>-<split>


@dataclass(frozen=True)
class ExportResult:
    path: Path  # the promptfooconfig.yaml written
    info: ExportInfo
    tests: int


def export_scorers(names: list[str] | None) -> list[str]:
    """The scorers an export asserts: `names`, else the deterministic default scorers. Each must have
    an assertion (no judge model: promptfoo's grader is not Tailor's calibrated judge)."""
    from evals.promptfoo._assertions import ASSERTION_SCORERS
    from evals.scorers import catalogue, default_scorers, resolve_names

    known = catalogue()
    chosen = names or [n for n in default_scorers() if known[n].kind == "deterministic"]
    refused = [n for n in chosen if n in known and n not in ASSERTION_SCORERS]
    if refused:
        raise InputError(
            f"no promptfoo assertion for {', '.join(refused)}; choose from {', '.join(ASSERTION_SCORERS)}"
        )
    return resolve_names(chosen)  # unknown or unavailable: one line, here


def build_config(request: ExportRequest) -> tuple[dict[str, Any], ExportInfo]:
    """The promptfoo config (as YAML-ready data) for the request, and what it was made from."""
    from app.hashing import code_hash
    from app.services.tailoring import resolve_pipeline
    from app.settings import get_settings
    from evals.datasets import open_dataset
    from evals.promptfoo._cases import case_metadata, case_vars

    settings = get_settings()
    base = resolve_pipeline(request.pipeline)  # what the provider resolves; the model moved after
    pipeline = resolve_pipeline(request.pipeline, request.model) if request.model else base
    dataset = open_dataset(request.dataset, settings.datasets)
    scorers = export_scorers(request.scorers)
    info = ExportInfo(
        pipeline_label=pipeline.label,
        pipeline_hash=pipeline.hash,
        model=request.model,
        dataset=dataset.ref,
        dataset_hash=dataset.content_hash,
        scorers=scorers,
        code_hash=code_hash(settings.code_root),
        exported_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
    )
    manifest = Path(request.pipeline)  # a manifest outside the registry is named by its path
    ref = str(manifest.resolve()) if request.pipeline.endswith((".yaml", ".yml")) else tag_hash(base.hash)
    who = f"{pipeline.label} ({pipeline.short_hash})"
    config: dict[str, Any] = {
        "description": f"Tailor pipeline {who} on {dataset.ref}: Tailor's pipeline and scorers in promptfoo",
        "tags": {
            "tailor_pipeline": pipeline.label,
            "tailor_pipeline_hash": tag_hash(pipeline.hash),
            "tailor_dataset": dataset.ref,
            "tailor_dataset_hash": tag_hash(dataset.content_hash),
        },
        "metadata": {META_KEY: info.model_dump(mode="json")},
        "sharing": False,
        "prompts": [PROMPT],
        "providers": [
            {
                "id": f"file://{PROVIDER_FILE}:call_api",
                "label": f"tailor:{pipeline.label}",
                "config": {
                    "pipeline": ref,
                    "pipeline_hash": tag_hash(pipeline.hash),
                    "model": request.model,
                    "pythonExecutable": sys.executable,
                    "timeout": PROVIDER_TIMEOUT_MS,
                    "workers": 1,  # one process: the local model is loaded once, and one code version runs
                },
            }
        ],
        "defaultTest": {
            "metadata": {"pipeline_label": pipeline.label, "pipeline_hash": tag_hash(pipeline.hash)},
            "assert": [
                {"type": "python", "value": f"file://{ASSERTIONS_FILE}:{name}", "metric": name}
                for name in scorers
            ],
        },
        "tests": [
            {
                "description": f"{case.id} ({', '.join(case.tags)})",
                "vars": case_vars(case),
                "metadata": case_metadata(case, dataset.ref),
            }
            for case in dataset.cases
        ],
    }
    return config, info


def default_export_dir(info: ExportInfo) -> Path:
    from app.settings import get_settings

    name = f"{info.pipeline_label}-{info.dataset.replace(':', '-')}"
    return get_settings().data / "promptfoo" / name.replace("/", "_").replace("+", "_")


def export_config(request: ExportRequest) -> ExportResult:
    """Write the config (atomically) into `request.out`, else the default folder under data/."""
    from app.fileio import atomic_write_text

    config, info = build_config(request)
    folder = request.out or default_export_dir(info)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"--out {folder} is a file: give a folder")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / CONFIG_FILE
    atomic_write_text(path, to_yaml(config))
    return ExportResult(path=path, info=info, tests=len(config["tests"]))


def to_yaml(config: dict[str, Any]) -> str:
    """YAML with multi-line strings as literal blocks, keys in the order given."""
    import yaml

    class _Dumper(yaml.SafeDumper):
        pass

    def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, _str)
    header = "# Written by `tailor promptfoo export` (docs/promptfoo.md). Run: tailor promptfoo run --config <this file>\n"
    return header + yaml.dump(config, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
