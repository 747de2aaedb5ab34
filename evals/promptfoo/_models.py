"""What crosses the border with promptfoo, typed: what an export names, what the provider reports,
and the part of promptfoo's JSON output (`promptfoo eval -o out.json`) that an import reads.

promptfoo's output carries far more than is read here; unknown keys are ignored, so a newer
promptfoo that adds fields still imports. A field promptfoo renamed fails validation in one line.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    field_serializer,
    field_validator,
)

from evals.runner import CaseRecord

PROMPTFOO_VERSION = "0.123.1"  # the version `make promptfoo` installs and the wrapper's npx falls back to
META_KEY = "tailor"  # the key under which Tailor's data sits in promptfoo's metadata
HASH_PREFIX = "sha256:"


def tag_hash(digest: str) -> str:
    """A hash as written for promptfoo: `sha256:<hex>`. promptfoo redacts any bare string of 64 or
    more letters and digits as a likely secret (`[REDACTED]`), in configs and results alike."""
    return digest if not digest or digest.startswith(HASH_PREFIX) else HASH_PREFIX + digest


def untag_hash(value: str) -> str:
    return value.removeprefix(HASH_PREFIX) if isinstance(value, str) else value


# A SHA-256 in Python, `sha256:<hex>` in anything promptfoo reads or writes.
Hash = Annotated[str, BeforeValidator(untag_hash), PlainSerializer(tag_hash, return_type=str)]


class CaseRef(BaseModel):
    """A golden case as an exported test names it (in the test's metadata)."""

    model_config = ConfigDict(extra="forbid")

    dataset: str  # NAME:SPLIT
    case_id: str
    case_hash: Hash  # Case.content_hash() of the golden case when exported
    tags: list[str] = Field(default_factory=list)


class ExportInfo(BaseModel):
    """What an exported config was made from (its top-level metadata, and the provider's config)."""

    model_config = ConfigDict(extra="forbid")

    pipeline_label: str
    pipeline_hash: Hash
    model: str | None = None  # every agent moved to this model, as `tailor eval --model`
    dataset: str  # NAME:SPLIT
    dataset_hash: Hash
    scorers: list[str]
    code_hash: Hash
    exported_at: str


class ProviderReport(BaseModel):
    """What the provider adds to its response's metadata: the case as the runner records it.

    `record` is the runner's privacy-safe record (pseudonymised source, output, changes, usage),
    without scores: promptfoo's assertions score. `golden` is false when the test's vars are not
    a golden case's as exported (an edited or added test, a red-team probe)."""

    model_config = ConfigDict(extra="forbid")

    golden: bool
    dataset: str | None = None
    pipeline_label: str
    pipeline_hash: Hash
    code_hash: Hash
    record: CaseRecord

    @field_serializer("record")
    def _tag_record_hashes(self, record: CaseRecord) -> dict[str, Any]:
        data = record.model_dump(mode="json")
        return data | {k: tag_hash(data[k]) for k in ("input_hash", "output_hash")}

    @field_validator("record", mode="before")
    @classmethod
    def _untag_record_hashes(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return value | {k: untag_hash(value[k]) for k in ("input_hash", "output_hash") if k in value}
        return value


# -- promptfoo's JSON output (the part an import reads) ----------------------------------------------
class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class PfAssertion(_Loose):
    type: str = ""
    value: Any = None
    metric: str | None = None


class PfComponent(_Loose):
    passed: bool = Field(alias="pass")
    score: float = 0.0
    reason: str = ""
    metadata: dict[str, Any] = Field(default_factory=dict)
    assertion: PfAssertion | None = None


class PfGrading(_Loose):
    passed: bool = Field(alias="pass")
    score: float = 0.0
    reason: str = ""
    component_results: list[PfComponent] = Field(default_factory=list, alias="componentResults")


class PfResponse(_Loose):
    output: Any = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    error: str | None = None


class PfTestCase(_Loose):
    description: str | None = None
    vars: dict[str, Any] = Field(default_factory=dict)
    metadata: dict[str, Any] = Field(default_factory=dict)


class PfResult(_Loose):
    test_idx: int = Field(default=0, alias="testIdx")
    success: bool = False
    score: float = 0.0
    error: str | None = None
    latency_ms: float | None = Field(default=None, alias="latencyMs")
    response: PfResponse | None = None
    grading: PfGrading | None = Field(default=None, alias="gradingResult")
    test_case: PfTestCase = Field(default_factory=PfTestCase, alias="testCase")


class PfResults(_Loose):
    version: int | None = None
    timestamp: str = ""
    results: list[PfResult] = Field(default_factory=list)


class PfOutput(_Loose):
    """`promptfoo eval -o out.json`: the eval id, its results, and the config it ran."""

    eval_id: str = Field(alias="evalId")
    results: PfResults
    config: dict[str, Any] = Field(default_factory=dict)
    metadata: dict[str, Any] = Field(default_factory=dict)

    def export_info(self) -> ExportInfo | None:
        """The Tailor export the config came from, if it came from one."""
        data = (self.config.get("metadata") or {}).get(META_KEY)
        return ExportInfo.model_validate(data) if isinstance(data, dict) else None
