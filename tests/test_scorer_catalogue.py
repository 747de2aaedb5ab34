"""One scorer catalogue: every list of scorers is derived from the `@scorer` declarations, a scorer
whose package is missing is unavailable (not unknown), and the lists keep today's values."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import evals.scorers
from app.errors import NotFoundError
from app.settings import PROJECT_ROOT
from evals.gate import GATE_SCORERS, GateRequest, gate_scorers
from evals.harness import FULL_SCORERS, RAGAS_LLM, EvalRequest, plan_evaluation
from evals.scorers import (
    DEFAULT_SCORERS,
    FACT_SCORERS,
    OPTIONAL_SCORERS,
    SCORER_MODULES,
    SCORERS,
    Sample,
    Score,
    ScorerInfo,
    ScorerUnavailableError,
    catalogue,
    resolve_names,
    unavailable,
)
from tests.conftest import CliResult, run_cli

PLAIN = ("structure", "jd_coverage", "fabrication", "narrative", "length_and_style", "usage")


def _one_line_failure(result: CliResult, *needles: str) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.code != 0 and len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and "Traceback" not in result.stderr + result.stdout
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def _extra_default(sample: Sample) -> Score:
    """A scorer registered by a test."""
    return Score("extra_default", 1.0, True)


def test_the_derived_lists_keep_todays_values() -> None:
    """Run keys hash the scorer set: a change here would make every stored run unreusable."""
    from evals.scorers._labels import FACT_SCORERS as LABEL_SCORERS

    assert DEFAULT_SCORERS == PLAIN
    assert OPTIONAL_SCORERS == (
        "semantic_similarity",
        "ragas_faithfulness",
        "ragas_relevancy",
        "judge",
        "specificity",  # not a default: named with --scorers, so no stored run's key changes
    )
    assert (*PLAIN, "semantic_similarity", "judge") == FULL_SCORERS
    assert RAGAS_LLM == ("ragas_faithfulness", "ragas_relevancy")
    assert FACT_SCORERS == LABEL_SCORERS == ("fabrication", "narrative")
    assert GATE_SCORERS == PLAIN


def test_the_gate_scorer_set_is_unchanged() -> None:
    def chosen(**options: object) -> list[str]:
        return gate_scorers(GateRequest(candidate="c", **options))  # type: ignore[arg-type]

    assert chosen() == [*PLAIN, "semantic_similarity"]
    assert chosen(similarity=False) == list(PLAIN)
    assert chosen(judge_model="openai/gpt-4o-mini") == [*PLAIN, "semantic_similarity", "judge"]
    assert chosen(similarity=False, judge_model="openai/gpt-4o-mini") == [*PLAIN, "judge"]


def test_tailor_eval_runs_every_registered_default_scorer() -> None:
    """`narrative` once went missing from `tailor eval` because of a hand-kept list."""
    runs = plan_evaluation(EvalRequest()).scorers
    defaults = [info.name for info in catalogue().values() if info.default]
    assert "narrative" in defaults and defaults == runs
    with_judge = plan_evaluation(EvalRequest(judge_model="local/smollm2")).scorers
    assert with_judge == [*runs, "ragas_faithfulness", "ragas_relevancy"]


def test_a_newly_registered_default_scorer_is_run_by_eval_and_gate(monkeypatch: pytest.MonkeyPatch) -> None:
    info = ScorerInfo("extra_default", "deterministic", _extra_default, False, "", default=True)
    monkeypatch.setitem(SCORERS, "extra_default", info)
    assert "extra_default" in plan_evaluation(EvalRequest()).scorers
    assert "extra_default" in gate_scorers(GateRequest(candidate="c", similarity=False))
    assert "extra_default" in resolve_names(None)


def test_every_scorer_module_is_loaded_by_the_catalogue() -> None:
    """A new scorer module left out of SCORER_MODULES would register nothing."""
    public = {
        f"evals.scorers.{m.name}"
        for m in pkgutil.iter_modules(evals.scorers.__path__)
        if not m.name.startswith("_")
    }
    assert public == set(SCORER_MODULES)
    assert {info.fn.__module__ for info in catalogue().values()} == public


def test_every_scorer_is_in_the_docs_table() -> None:
    table = (PROJECT_ROOT / "docs" / "scorers.md").read_text(encoding="utf-8")
    assert [name for name in catalogue() if f"`{name}`" not in table] == []


def test_eval_with_a_missing_optional_package_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ragas", None)  # `import ragas` now raises ImportError
    assert "ragas" in unavailable()["semantic_similarity"]
    assert "judge" not in unavailable() and "structure" not in unavailable()
    result = run_cli("eval", "--scorers", "structure,semantic_similarity", "--no-track")
    line = _one_line_failure(result, "semantic_similarity", "unavailable", "ragas")
    assert "unknown" not in line
    with pytest.raises(ScorerUnavailableError, match="No module named 'ragas'"):
        resolve_names(["semantic_similarity"])
    assert resolve_names(["structure", "judge"]) == ["structure", "judge"]  # the others still run


def test_an_unknown_scorer_is_still_unknown_and_lists_the_known_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ragas", None)
    result = run_cli("eval", "--scorers", "structure,no_such_scorer", "--no-track")
    line = _one_line_failure(result, "unknown scorer(s) no_such_scorer", "known:")
    assert all(name in line for name in catalogue())  # an unavailable one is still known


def test_a_scorer_module_that_fails_to_import_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from evals.scorers import _catalogue

    monkeypatch.setattr(_catalogue, "SCORER_MODULES", (*SCORER_MODULES, "evals.scorers.no_such_module"))
    monkeypatch.setattr(_catalogue, "broken_modules", {})
    with pytest.raises(
        NotFoundError, match=r"evals\.scorers\.no_such_module failed to import: ModuleNotFound"
    ):
        resolve_names(["ghost"])


def test_a_broken_install_leaves_its_scorers_listed_as_unavailable(tmp_path: Path) -> None:
    """Scorer modules import their optional packages on first use, so a process where they cannot
    be imported still registers every scorer, and lists the missing packages."""
    script = (
        "import sys\n"
        "for name in ('ragas', 'sentence_transformers', 'instructor'):\n"
        "    sys.modules[name] = None\n"
        "from evals.scorers import OPTIONAL_SCORERS, unavailable\n"
        "print(sorted(OPTIONAL_SCORERS)); print(sorted(unavailable()))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    optional, missing = done.stdout.splitlines()
    assert optional == str(
        sorted(["semantic_similarity", "ragas_faithfulness", "ragas_relevancy", "judge", "specificity"])
    )
    assert missing == str(sorted(["semantic_similarity", "ragas_faithfulness", "ragas_relevancy"]))
