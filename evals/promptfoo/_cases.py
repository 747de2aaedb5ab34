"""Golden cases as promptfoo tests, and back: what the provider runs and the assertions grade.

An exported test carries the case pseudonymised (contact details replaced by tokens such as
`[EMAIL_1]`): `vars` hold the resume and the JD, the test's metadata the case reference and its
ground truth. When the provider or an assertion sees a test whose vars are exactly a golden case's
as exported, it runs on that case from Tailor's dataset (contact details included, on this machine
only, exactly as `tailor eval` does); its scores are then `tailor eval`'s. Any other test (vars
edited, a test added by hand) runs on its vars as they stand; a red-team probe's `injection` var
is appended to the JD.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.hashing import sha256_json, short
from app.resume import ContactVault, load_resume_source
from app.settings import get_settings
from evals.datasets import Case, Dataset, open_dataset
from evals.promptfoo._models import META_KEY, CaseRef
from evals.runner import source_resume

INJECTION_VAR = "injection"  # a red-team probe's text, appended to the JD as a hostile JD would carry it
_TRUTH_FIELDS = (
    "facts",
    "jd_requirements",
    "evidenced_requirements",
    "unevidenced_requirements",
    "reference",
)
_UNSAFE_ID = re.compile(r"[^a-z0-9_.-]+")


def pseudonymised(value: Any, vault: ContactVault) -> Any:
    """`value` with every contact detail in every string replaced by its token."""
    if isinstance(value, str):
        return vault.pseudonymise(value)
    if isinstance(value, list):
        return [pseudonymised(v, vault) for v in value]
    if isinstance(value, dict):
        return {k: pseudonymised(v, vault) for k, v in value.items()}
    return value


def restored(value: Any, vault: ContactVault) -> Any:
    """The inverse of `pseudonymised`: tokens back to the values, byte for byte."""
    if isinstance(value, str):
        return vault.restore(value)
    if isinstance(value, list):
        return [restored(v, vault) for v in value]
    if isinstance(value, dict):
        return {k: restored(v, vault) for k, v in value.items()}
    return value


def case_vault(case: Case) -> ContactVault:
    """The vault the runner uses for this case's records (resume's contact block, plus the JD)."""
    return ContactVault.from_resume(source_resume(case), extra_texts=[case.job_description])


def case_vars(case: Case) -> dict[str, str]:
    """The test's vars: the case id, and the resume (JSON Resume as JSON, or text) and JD, pseudonymised."""
    vault = case_vault(case)
    resume = case.resume
    text = (
        json.dumps(pseudonymised(resume, vault), indent=2, ensure_ascii=False)
        if isinstance(resume, dict)
        else vault.pseudonymise(resume)
    )
    return {"case_id": case.id, "resume": text, "job_description": vault.pseudonymise(case.job_description)}


def case_metadata(case: Case, dataset: str) -> dict[str, Any]:
    """The test's metadata: flat keys for `--filter-metadata`, and under `tailor` the case reference
    and its ground truth (pseudonymised), which grade a test whose vars were edited."""
    truth = case.model_dump(mode="json", include=set(_TRUTH_FIELDS))
    ref = CaseRef(dataset=dataset, case_id=case.id, case_hash=case.content_hash(), tags=case.tags)
    return {
        "case_id": case.id,
        "tags": ",".join(case.tags),
        META_KEY: {"case": ref.model_dump(), "truth": pseudonymised(truth, case_vault(case))},
    }


@lru_cache(maxsize=8)
def _dataset(ref: str, folder: Path) -> Dataset:
    return open_dataset(ref, folder)


def golden_case(ref: CaseRef) -> Case | None:
    """The dataset's case `ref` names, if it is still the case that was exported."""
    dataset = _dataset(ref.dataset, get_settings().datasets)
    case = next((c for c in dataset.cases if c.id == ref.case_id), None)
    return case if case is not None and case.content_hash() == ref.case_hash else None


@dataclass
class ResolvedCase:
    """What a test stands for: the case to run and grade, and whether it is a golden case."""

    case: Case
    source: dict[str, Any]  # the case's resume as a valid JSON Resume
    golden: bool  # the dataset's case, contact details included: records must be pseudonymised
    dataset: str | None = None

    def vault(self) -> ContactVault | None:
        """The golden case's vault (its records hold tokens); None for vars already pseudonymised."""
        return case_vault(self.case) if self.golden else None


def resolve_case(variables: dict[str, Any], metadata: dict[str, Any] | None) -> ResolvedCase:
    """The golden case when `variables` are exactly its exported vars, else a case built from them."""
    tailor = (metadata or {}).get(META_KEY) or {}
    ref = CaseRef.model_validate(tailor["case"]) if isinstance(tailor.get("case"), dict) else None
    if ref is not None and not variables.get(INJECTION_VAR):
        case = golden_case(ref)
        if case is not None and all(_same(variables.get(k), v) for k, v in case_vars(case).items()):
            return ResolvedCase(case, source_resume(case), golden=True, dataset=ref.dataset)
    case = _case_from_vars(variables, tailor.get("truth"), ref)
    return ResolvedCase(case, source_resume(case), golden=False, dataset=ref.dataset if ref else None)


def _same(given: Any, exported: str) -> bool:
    """promptfoo trims the vars it reads (a YAML block's final newline goes), and its JSON output
    re-writes a JSON var compactly (or as an object): compare what they say, not their spacing."""
    if isinstance(given, dict | list):
        given = json.dumps(given)
    if not isinstance(given, str):
        return False
    if given.strip() == exported.strip():
        return True
    if not exported.lstrip().startswith("{"):
        return False
    try:
        return bool(json.loads(given) == json.loads(exported))
    except ValueError:
        return False


def _case_from_vars(variables: dict[str, Any], truth: Any, ref: CaseRef | None) -> Case:
    from app.errors import InputError

    resume_var, jd = variables.get("resume"), variables.get("job_description")
    if isinstance(resume_var, dict):  # a JSON var promptfoo handed over parsed
        resume_var = json.dumps(resume_var, ensure_ascii=False)
    if not isinstance(resume_var, str) or not isinstance(jd, str):
        raise InputError("a Tailor test needs the vars `resume` and `job_description` (text)")
    injection = variables.get(INJECTION_VAR)
    if isinstance(injection, str) and injection.strip():
        jd = f"{jd.rstrip()}\n\n{injection.strip()}\n"
    resume: dict[str, Any] | str = resume_var
    if resume_var.lstrip().startswith("{"):
        resume = load_resume_source(resume_var)  # InputError when it is not a resume
    name = str(variables.get("case_id") or (ref.case_id if ref else "") or "")
    digest = short(sha256_json({"resume": resume_var, "job_description": jd}), 8)
    case_id = _UNSAFE_ID.sub("-", name.lower()).strip("-.") or "promptfoo"
    case_id = f"{case_id}-{digest}"  # not the golden id: another input must not pass for the golden case
    if isinstance(truth, dict):
        known = {k: v for k, v in truth.items() if k in _TRUTH_FIELDS}
        return Case(id=case_id, resume=resume, job_description=jd, tags=ref.tags if ref else [], **known)
    from evals.datasets import derive_case

    parsed = resume if isinstance(resume, dict) else load_resume_source(resume)
    derived = derive_case(parsed, jd, case_id)
    return derived.model_copy(update={"resume": resume})
