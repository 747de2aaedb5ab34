"""The fact-checker keeps qualifiers of numbers and specific verbs; `specificity` reports both."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from app.grounding import dropped_qualifiers, find_qualifiers, verb_downgrades
from app.pipeline import ALL_CHECKS, check_rewrite
from evals.datasets import Case
from evals.scorers import Sample, resolve_names
from evals.scorers.specificity import specificity

DROPS = [
    ("Cut API p95 latency by 40%", "Reduced API latency by 40%", "p95"),
    ("Cut median wait time by 12 minutes", "Cut wait time by 12 minutes", "median"),
    ("Booked an average of 22 meetings a month", "Booked 22 meetings a month", "average"),
    ("Closed $1.2M in renewals per quarter", "Closed $1.2M in renewals", "per quarter"),
    ("Processed 300 invoices per month", "Processed 300 invoices", "per month"),
    ("Handled up to 2,000 orders a day", "Handled 2,000 orders a day", "up to"),
    ("Served over 300 hospitals", "Served 300 hospitals", "over"),
    ("Trained nearly 40 new hires", "Trained 40 new hires", "nearly"),
    ("Saved about $50k in licence fees", "Saved $50k in licence fees", "about"),
    ("Handled 900 calls an hour at peak", "Handled 900 calls an hour", "at peak"),
    ("Grew revenue 30% year over year", "Grew revenue 30%", "year over year"),
]
KEPT = [
    ("Cut API p95 latency by 40%", "Reduced p95 API latency by 40%"),
    ("Booked 22 meetings a month", "Booked 22 meetings monthly"),
    ("Grew revenue 30% year over year", "Grew revenue 30% YoY"),
    ("Served over 300 hospitals", "Served more than 300 hospitals"),
    ("Served 300+ hospitals", "Served over 300 hospitals"),
    ("Saved about $50k in licence fees", "Saved roughly $50k in licence fees"),
]
DOWNGRADES = [
    (
        "Scheduled 40 nurses across 3 units",
        "Supported the scheduling of 40 nurses across 3 units",
        "scheduled",
    ),
    ("Ran weekly vendor reviews", "Helped with weekly vendor reviews", "ran"),
    ("Negotiated contracts with 12 suppliers", "Worked on contracts with 12 suppliers", "negotiated"),
    ("Designed the onboarding flow", "Assisted with the onboarding flow", "designed"),
    ("Led the ledger migration", "Was responsible for the ledger migration", "led"),
]
NOT_DOWNGRADES = [
    ("Assisted with the onboarding flow", "Helped with the onboarding flow"),  # vague already
    ("Designed the flow and helped with QA", "Helped with QA and designed the flow"),  # same phrase
    ("Scheduled 40 nurses across 3 units", "Planned schedules for 40 nurses across 3 units"),
    ("Led the ledger migration", "Successfully led the ledger migration"),
]


@pytest.mark.parametrize(("original", "rewrite", "qualifier"), DROPS)
def test_a_dropped_qualifier_reverts_the_rewrite_naming_it(
    original: str, rewrite: str, qualifier: str
) -> None:
    lost = dropped_qualifiers(original, rewrite)
    assert [q.key for q in lost] == [qualifier]
    verdict = check_rewrite(original, rewrite)
    assert not verdict.accepted
    assert any(r.startswith("keeps_qualifiers: drops") for r in verdict.reasons), verdict.reasons
    assert check_rewrite(original, original).reasons == []


@pytest.mark.parametrize(("original", "rewrite"), KEPT)
def test_a_qualifier_said_another_way_is_kept(original: str, rewrite: str) -> None:
    assert find_qualifiers(original)
    assert dropped_qualifiers(original, rewrite) == []
    assert check_rewrite(original, rewrite, checks=("keeps_qualifiers",)).accepted


def test_a_qualifier_is_one_of_a_number_only() -> None:
    assert find_qualifiers("Produced the average report for the board") == []  # no number
    assert find_qualifiers("Migrated 180 pipelines over 9 months") == []  # "over" a duration: during
    assert [q.key for q in find_qualifiers("Forecast monthly volume, within 5% of actuals")] == ["at most"]


@pytest.mark.parametrize(("original", "rewrite", "specific"), DOWNGRADES)
def test_a_vaguer_lead_verb_reverts_the_rewrite(original: str, rewrite: str, specific: str) -> None:
    downs = verb_downgrades(original, rewrite)
    assert [d.specific for d in downs] == [specific]
    verdict = check_rewrite(original, rewrite, checks=("keeps_specificity",))
    assert verdict.reasons == [f"keeps_specificity: trades {specific!r} for the vaguer {downs[0].vague!r}"]


@pytest.mark.parametrize(("original", "rewrite"), NOT_DOWNGRADES)
def test_no_downgrade_when_nothing_specific_was_lost(original: str, rewrite: str) -> None:
    assert verb_downgrades(original, rewrite) == []


def test_the_new_checks_are_named_and_old_names_stay() -> None:
    assert ALL_CHECKS[-2:] == ("keeps_qualifiers", "keeps_specificity")
    for name in ("numbers", "skills", "jd_terms", "keeps_numbers", "keeps_skills", "new_words"):
        assert name in ALL_CHECKS
    # A pipeline that lists its checks (every shipped manifest does) does not run the new ones.
    assert check_rewrite("Cut API p95 latency by 40%", "Cut API latency by 40%", checks=("numbers",)).accepted


def _sample(source_bullets: list[str], output_bullets: list[str]) -> Sample:
    source: dict[str, Any] = {
        "basics": {"name": "A. Person", "summary": "Operations lead for outpatient clinics."},
        "work": [{"name": "Clinic Co", "position": "Operations Lead", "highlights": source_bullets}],
    }
    output = copy.deepcopy(source)
    output["work"][0]["highlights"] = output_bullets
    case = Case(id="specificity", resume=source, job_description="Operations manager for clinics.")
    return Sample(case=case, source=source, output=output)


SOURCE_BULLETS = [
    "Scheduled 40 nurses across 3 clinics every week",
    "Cut median patient wait time by 12 minutes",
    "Negotiated supply contracts with 12 vendors",
]


def test_the_specificity_scorer_fires_on_downgrades_with_spans() -> None:
    bad = [
        "Supported the scheduling of 40 nurses across 3 clinics every week",
        "Cut patient wait time by 12 minutes",
        "Negotiated supply contracts with 12 vendors",
    ]
    score = specificity(_sample(SOURCE_BULLETS, bad))
    assert score.passed is False and score.value == pytest.approx(0.0)
    spans = {(o.kind, o.span) for o in score.offenses}
    assert spans == {("vaguer_verb", "Supported the"), ("dropped_qualifier", "median")}
    assert all(o.path.startswith("work.0.highlights") for o in score.offenses)
    assert score.details["rewritten_lines"] == 2


def test_the_specificity_scorer_passes_a_faithful_rewrite() -> None:
    good = [
        "Scheduled 40 nurses across 3 clinics weekly",
        "Reduced median patient wait by 12 minutes",
        "Negotiated supply contracts with 12 vendors",
    ]
    score = specificity(_sample(SOURCE_BULLETS, good))
    assert score.passed is True and score.value == 1.0 and score.offenses == ()
    assert score.details["rewritten_lines"] == 2


def test_the_specificity_scorer_is_in_the_catalogue_but_not_a_default() -> None:
    assert resolve_names(["specificity"]) == ["specificity"]
    assert "specificity" not in resolve_names(None)


def test_a_number_dropped_altogether_is_the_numbers_check_business() -> None:
    original, rewrite = "Handled up to 2,000 orders a day at peak", "Handled peak order volume"
    assert dropped_qualifiers(original, rewrite) == []
    reasons = check_rewrite(original, rewrite).reasons
    assert any(r.startswith("keeps_numbers:") for r in reasons)
    assert not any(r.startswith("keeps_qualifiers:") for r in reasons)


def test_a_number_inside_a_name_has_no_qualifier() -> None:
    assert find_qualifiers("Ran the annual 401(k) plan audit") == []
    assert [q.key for q in find_qualifiers("Ran the annual audit of 12 plans")] == ["per year"]


def test_the_verb_kept_as_the_means_is_not_a_downgrade() -> None:
    original = "Pulled payroll registers for the annual plan audit"
    assert verb_downgrades(original, "Supported the annual plan audit by pulling payroll registers") == []
    assert verb_downgrades(original, "Supported the annual plan audit with payroll registers") != []


def test_a_merged_line_takes_its_vague_phrase_from_the_line_that_had_no_verb() -> None:
    source = [
        "On the on-call rotation (one week in five).",
        "Interview data engineering candidates for the team.",
    ]
    merged = "Participate in the on-call rotation (1 week in 5) and interview data engineering candidates."
    score = specificity(_sample(source, [merged, source[1]]))
    assert score.offenses == (), score.offenses
    alone = specificity(
        _sample(source, [source[0], "Participate in interviews of data engineering candidates."])
    )
    assert [o.kind for o in alone.offenses] == ["vaguer_verb"]
