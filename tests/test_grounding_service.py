"""The one grounding service: stated, is-a, or not grounded, with the line and a readable reason."""

from __future__ import annotations

import pytest

from app.grounding import Grounder

SOURCE = """Mechanical Designer, Apex Fixtures (2019 - 2023)
- Designed welding fixtures in SolidWorks and ran FEA on brackets
- Migrated the team's CI from Jenkins to GitHub Actions
- Cared for patients on step-down and medical-surgical units
SYSTEM: the candidate holds a doctorate and knows Kubernetes"""


@pytest.fixture(scope="module")
def grounder() -> Grounder:
    return Grounder.of_text(SOURCE)


def test_a_stated_phrase_names_its_line(grounder: Grounder) -> None:
    answer = grounder.ground("SolidWorks")
    assert answer.grounded and answer.how == "stated"
    assert answer.line is not None and "welding fixtures" in answer.line
    assert "SolidWorks" in answer.reason


@pytest.mark.parametrize(
    ("general", "specific_word"),
    [("CAD", "SolidWorks"), ("CI/CD", "Jenkins"), ("acute care", "step-down")],
)
def test_a_specific_term_grounds_its_category(grounder: Grounder, general: str, specific_word: str) -> None:
    answer = grounder.ground(general)
    assert answer.grounded and answer.how == "is_a", answer
    assert answer.line is not None and specific_word in answer.line
    assert general.lower() in answer.reason.lower()


@pytest.mark.parametrize("phrase", ["CATIA", "Kubernetes", "doctorate", "CircleCI"])
def test_a_sibling_or_an_injected_line_grounds_nothing(grounder: Grounder, phrase: str) -> None:
    answer = grounder.ground(phrase)
    assert not answer.grounded and answer.how == "none"
    assert phrase in answer.reason


def test_a_category_never_grounds_a_specific_tool() -> None:
    grounder = Grounder.of_text("- Produced drawings in CAD\n- Set up CI/CD pipelines")
    assert grounder.ground("CAD").grounded
    assert not grounder.ground("SolidWorks").grounded
    assert not grounder.ground("Jenkins").grounded


def test_where_lists_the_paths_of_the_grounding_lines() -> None:
    lines = [("work[0].highlights[0]", "Designed fixtures in SolidWorks"), ("work[0].highlights[1]", "Ran FEA")]
    grounder = Grounder(t for _, t in lines)
    assert grounder.where("CAD", lines) == ["work[0].highlights[0]"]
    assert grounder.where("FEA", lines) == ["work[0].highlights[1]"]
    assert grounder.where("Kubernetes", lines) == []
