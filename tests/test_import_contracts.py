"""The import contracts in `.importlinter` hold on this tree, and a new crossing breaks them loudly.

A copy of the package tree (Python files only) gets one planted import, and `lint-imports` must fail
naming it: a private module imported from another package, and a lower layer importing a higher one.
"""

from __future__ import annotations

import configparser
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.settings import PROJECT_ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONFIG = PROJECT_ROOT / ".importlinter"
ROOT_PACKAGES = ("app", "evals", "tests")

pytestmark = pytest.mark.skipif(
    not LINT_IMPORTS.exists(), reason="import-linter is not installed in this venv (`pip install -e .[dev]`)"
)

# The planted imports: each is a module that would be added to the copy, and what the linter must say.
PRIVATE_CROSSING = "from app.grounding._dates import parse_date\n\nPARSED = parse_date\n"
UPWARD_CROSSING = "from app.services import run_tailoring\n\nRUN = run_tailoring\n"


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` on the tree in `cwd` (it analyses the packages it finds there first)."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    """The checkout's packages (Python files only) and its `.importlinter`, in a folder of their own."""
    for package in ROOT_PACKAGES:
        shutil.copytree(
            PROJECT_ROOT / package,
            tmp_path / package,
            ignore=lambda folder, names: [
                n for n in names if not n.endswith(".py") and not (Path(folder) / n).is_dir()
            ]
            + ["__pycache__"],
        )
    shutil.copy(CONFIG, tmp_path / ".importlinter")
    return tmp_path


def test_contracts_are_kept_on_this_tree() -> None:
    result = lint_imports(PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_private_import_from_another_package_breaks_the_contract(tree_copy: Path) -> None:
    (tree_copy / "app" / "services" / "planted_crossing.py").write_text(PRIVATE_CROSSING)
    result = lint_imports(tree_copy)
    assert result.returncode == 1, result.stdout
    assert "Private modules (_name) are imported only inside their own package BROKEN" in result.stdout
    assert "app.services.planted_crossing -> app.grounding._dates (l.1)" in result.stdout
    assert "Import the name from the package instead" in result.stdout  # the guidance is shown


def test_a_lower_layer_importing_a_higher_one_breaks_the_layers(tree_copy: Path) -> None:
    (tree_copy / "app" / "grounding" / "planted_upward.py").write_text(UPWARD_CROSSING)
    result = lint_imports(tree_copy)
    assert result.returncode == 1, result.stdout
    assert "app.grounding is not allowed to import app.services" in result.stdout
    assert "app.grounding.planted_upward -> app.services (l.1)" in result.stdout


def test_the_copied_tree_alone_keeps_the_contracts(tree_copy: Path) -> None:
    """The copy is faithful: the failures above come from the planted line, not from copying."""
    result = lint_imports(tree_copy)
    assert result.returncode == 0, result.stdout + result.stderr


def _layer_modules(contract: str) -> set[str]:
    config = configparser.ConfigParser()
    config.read(CONFIG)
    modules: set[str] = set()
    for layer in config[f"importlinter:contract:{contract}"]["layers"].strip().splitlines():
        modules |= {name.strip() for name in layer.replace(":", "|").split("|")}
    return modules


@pytest.mark.parametrize(("package", "contract"), [("app", "layers"), ("evals", "evals-layers")])
def test_every_package_and_module_has_a_layer(package: str, contract: str) -> None:
    """A new package or top-level module must be placed in a layer, or no contract watches it."""
    children = {
        f"{package}.{info.name}"
        for info in pkgutil.iter_modules([str(PROJECT_ROOT / package)])
        if info.name != "__main__"
    }
    layered = _layer_modules(contract)
    if package == "evals":
        assert "evals" in _layer_modules("layers")
    assert children - layered == set(), f"not in any layer of [{contract}] in .importlinter"


@pytest.mark.parametrize(
    "code",
    [
        # grounding first: its evidence map reads resumes, and app.resume reads grounding's dates
        "import app.grounding as g; assert g.EvidenceMap.__module__ == 'app.grounding._evidence'",
        # the judge first: it scores scorer `Sample`s, and the scorer catalogue holds the judge scorer
        "import evals.judge, evals.scorers; assert 'judge' in evals.scorers.available()",
    ],
    ids=["grounding-before-resume", "judge-before-scorers"],
)
def test_packages_import_first_in_a_fresh_interpreter(code: str) -> None:
    """Imports from package surfaces can close a cycle at import time; these orders must work."""
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
