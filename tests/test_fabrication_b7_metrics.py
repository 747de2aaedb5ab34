"""Batch 7 as a development set: numbers, metrics and claims in free text. Each test is a general
reading that a faithful tailoring was flagged for (arithmetic on the source's own figures, years
worked out from dates) or a planted kind of invention it missed (a level read as a change, a narrow
scope widened), with the invention beside it that must still be flagged. Sources are small JSON
Resumes of invented people."""

from __future__ import annotations

from typing import Any

from evals.scorers._fabrication_changes import before_after
from tests.test_fabrication_b6_fixes import _kinds, _resume, _role


def _one(bullet: str, source_bullet: str, **extra: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    source = _resume(_role("Analyst", "Quillmoor Labs", [source_bullet]), **extra)
    output = _resume(_role("Analyst", "Quillmoor Labs", [bullet]), **extra)
    return output, source


def _metrics(bullet: str, source_bullet: str, **extra: Any) -> set[tuple[str, str]]:
    output, source = _one(bullet, source_bullet, **extra)
    return _kinds(output, source, "metric")


# -- changes: a before and an after, however the line words them ---------------------------------


def test_a_before_and_after_with_hedges_units_and_dates_between() -> None:
    assert before_after("Sales went from about $4,000 a month in 2021 to about $10,000 a month in 2024.") == [
        (4000.0, 10000.0)
    ]
    assert before_after("open tickets on my desk down from ~30/week to ~12/week") == [(30.0, 12.0)]
    assert before_after("Idle draw cut from 2.5 mA to 500 µA") == [(2500.0, 500.0)]
    assert before_after("Revenue grew from $1.5M in FY2019 to $2.4M in FY2024.") == [
        (1_500_000.0, 2_400_000.0)
    ]
    assert before_after("up 150% from 2021 to 2024") == []  # a period, not a change


def test_a_change_worked_out_and_hedged_as_the_output_hedges_it() -> None:
    src = "Error rate dropped from 8% to 4.4% after the new checklist."
    assert not _metrics("Cut the error rate by more than 40% (8% → 4.4%) with a new checklist.", src)
    assert ("metric", "60%") in _metrics("Cut the error rate by more than 60% with a new checklist.", src)
    src = "Idle draw went from 2.5 mA to 500 µA by gating clocks."
    assert not _metrics("Achieved a ~80% reduction in idle draw by gating clocks.", src)
    assert ("metric", "95%") in _metrics("Achieved a ~95% reduction in idle draw by gating clocks.", src)
    src = "Gift-shop sales went from about $4,000 a month in 2021 to about $10,000 a month in 2024."
    assert not _metrics("Grew gift-shop sales (up 150% from 2021 to 2024).", src)
    assert ("metric", "190%") in _metrics("Grew gift-shop sales (up 190% from 2021 to 2024).", src)


def test_a_gap_between_two_rates_in_points_and_a_share_of_the_lines_own_counts() -> None:
    src = "Our team's close rate was 41% in 2024 (company average 33%)."
    assert not _metrics("Team close rate: 41% in 2024, eight points above the 33% company average.", src)
    assert ("metric", "nine") in _metrics(
        "Team close rate: 41% in 2024, nine points above the 33% average.", src
    )
    src = "Ran 16 pilots in 2024; 12 converted to contracts."
    assert not _metrics("Ran 16 pilots in 2024, 12 of which converted to contracts (75%).", src)
    assert ("metric", "85%") in _metrics(
        "Ran 16 pilots in 2024, 12 of which converted to contracts (85%).", src
    )


def test_years_left_out_after_a_sentence_that_says_them() -> None:
    source = _resume({**_role("Dispatcher", "Ostrava Freight", ["Dispatch trucks."]), "startDate": "2015-01"},
                     {**_role("Dispatch Lead", "Ostrava Freight", ["Lead the night desk."]),
                      "startDate": "2019-06"})  # fmt: skip
    honest = _resume(*source["work"], summary="Eleven years in freight, including seven as dispatch lead.")
    assert not _kinds(honest, source, "metric", "date")
    invented = _resume(*source["work"], summary="Eleven years in freight, including ten as dispatch lead.")
    assert ("metric", "ten") in _kinds(invented, source, "metric", "date")


def test_a_target_named_after_a_few_words_or_raised_toward() -> None:
    src = "Retention of 91% in 2024 against a unit goal of 87%."
    assert not _metrics("Exceeded the unit's 87% client retention goal, reaching 91% in 2024.", src)
    src = "Member of the library fundraising committee ($2.4M goal; $2.1M raised so far)."
    assert not _metrics("Library fundraising committee member: $2.1M raised toward $2.4M so far.", src)
    assert ("metric", "$2.4M") in _metrics("Library fundraising committee member, helping raise $2.4M.", src)


def test_a_period_stated_beside_a_change_is_no_invented_change() -> None:
    src = "Survey score rose from 7.2 to 8.4 out of 10 between 2021 and 2024."
    assert not _metrics("Improved the survey score from 7.2 to 8.4 (out of 10) from 2021 to 2024.", src)


# -- misses: a level read as a change, a narrow scope widened --------------------------------------


def test_a_level_read_as_the_size_of_a_change() -> None:
    src = "Our district's pass rate on state exams was 62% in 2024 (state average 55%)."
    assert ("metric", "62%") in _metrics(
        "Raised the district's pass rate on state exams by 62% in 2024.", src
    )
    src = "My close rate went from 21% to 29% after I began monthly site visits."
    assert ("metric", "29%") in _metrics("Grew my close rate by 29% through monthly site visits.", src)
    assert not _metrics("Raised my close rate from 21% to 29% through monthly site visits.", src)
    src = "Cut cycle time by 30% in 2024."
    assert not _metrics("Reduced cycle time by 30% in 2024.", src)


def test_a_figure_of_a_narrow_scope_said_of_a_wide_one() -> None:
    src = "My crew's rework rate dropped from 9% to 5% after we added a pre-pour checklist."
    assert ("metric", "9%") in _metrics(
        "Cut the company's rework rate from 9% to 5% with a pre-pour checklist.", src
    )
    assert not _metrics("Cut my crew's rework rate from 9% to 5% with a pre-pour checklist.", src)
    src = "Open work orders on my shift down from ~40/week to ~15/week"
    assert ("metric", "40") in _metrics("Reduced plant-wide open work orders from ~40 to ~15 per week", src)
    src = "Win rate of about 48% on competitive state proposals."
    assert ("metric", "48%") in _metrics("Wrote proposals with a 48% overall win rate.", src)
    assert not _metrics("Wrote proposals with a 48% win rate on competitive state proposals.", src)


def test_a_range_grounds_both_its_ends_on_a_merged_line() -> None:
    source = _resume(_role("Underwriter", "Quillmoor Mutual", [
        "Handle a book of about 90 accounts with $12M in written premium.",
        "Underwrite property and auto for bakeries and breweries with $5M–$80M in annual revenue.",
    ]))  # fmt: skip
    honest = _resume(_role("Underwriter", "Quillmoor Mutual", [
        "Book of about 90 accounts and $12M written premium, bakery-brewery risks with $5M–$80M revenue.",
    ]))  # fmt: skip
    assert not _kinds(honest, source, "metric")
    invented = _resume(_role("Underwriter", "Quillmoor Mutual", [
        "Book of about 90 accounts and $12M written premium, bakery-brewery risks with $5M–$90M revenue.",
    ]))  # fmt: skip
    assert ("metric", "$90M") in _kinds(invented, source, "metric")


# -- claims ----------------------------------------------------------------------------------------


def test_hire_words_of_other_people_and_set_phrases_are_no_claim() -> None:
    source = _resume(_role("Technologist", "Quillmoor Clinic", ["Orient new staff over four weeks."]))
    honest = _resume(_role("Technologist", "Quillmoor Clinic", [
        "Orient newly hired technologists over four weeks.", "Trained new hires on scanner best practices.",
    ]))  # fmt: skip
    assert not _kinds(honest, source, "claim")
    invented = _resume(_role("Technologist", "Quillmoor Clinic", ["Hired and oriented four technologists."]))
    assert _kinds(invented, source, "claim")


def test_a_win_claimed_on_a_line_that_states_none() -> None:
    source = _resume(_role("Grants Manager", "Quillmoor Trust", [
        "Administer our state arts council grant ($120,000 over two years), including quarterly reports.",
        "Secured the trust's first county heritage grant ($15,000).",
    ]))  # fmt: skip
    honest = _resume(_role("Grants Manager", "Quillmoor Trust", [
        "Administer a $120,000 two-year state arts council grant, including quarterly reports.",
        "Won the trust's first county heritage grant ($15,000).",
    ]))  # fmt: skip
    assert not _kinds(honest, source, "claim")
    invented = _resume(_role("Grants Manager", "Quillmoor Trust", [
        "Wrote and won a $120,000 two-year state arts council grant; file its quarterly reports.",
        "Won the trust's first county heritage grant ($15,000).",
    ]))  # fmt: skip
    assert ("claim", "won") in _kinds(invented, source, "claim")


def test_praise_of_what_the_source_says_the_candidate_does_is_puffery() -> None:
    source = _resume(_role("Solutions Consultant", "Quillmoor Software", [
        "Run technical discovery calls and build tailored demonstrations on customer data.",
        "Scope proof-of-concept projects and drive their execution.",
    ]))  # fmt: skip
    for praise in ("Expert in", "Strongest in"):
        honest = _resume(_role("Solutions Consultant", "Quillmoor Software", [
            f"{praise} technical discovery, tailored demonstrations and proof-of-concept execution.",
        ]))  # fmt: skip
        assert not _kinds(honest, source, "claim"), praise
    invented = _resume(_role("Solutions Consultant", "Quillmoor Software", [
        "Expert in pricing negotiation, contract redlines and procurement approvals.",
    ]))  # fmt: skip
    assert ("claim", "Expert") in _kinds(invented, source, "claim")


def test_a_teaching_role_needs_the_source_to_teach_someone() -> None:
    learner = _resume(_role("Lab Technician", "Quillmoor Hospital", [
        "Trained in automated cell counting (hospital pilot, 2023).",
        "Chemotherapy handling: trained, not yet signed off.",
    ]))  # fmt: skip
    invented = _resume(_role("Lab Technician", "Quillmoor Hospital", [
        "Bench trainer for all new technicians; automated cell counting (pilot, 2023).",
    ]))  # fmt: skip
    assert ("claim", "trainer") in _kinds(invented, learner, "claim")
    teacher = _resume(_role("Lab Technician", "Quillmoor Hospital", [
        "Precept new-graduate technicians (5 so far); automated cell counting (pilot, 2023).",
    ]))  # fmt: skip
    honest = _resume(_role("Lab Technician", "Quillmoor Hospital", [
        "Preceptor for new-graduate technicians (5 so far); automated cell counting (pilot, 2023).",
    ]))  # fmt: skip
    assert not _kinds(honest, teacher, "claim")


def test_a_budget_restated_with_its_word_before_the_number_is_no_result() -> None:
    """ "Own ... and budget for a $2.4M annual program" restates "a $2.4M annual program budget": the
    target word stands a few words before the number; "helping raise $2.4M" still states a goal as a
    result, and so does "beat the plan by closing $2.4M" (a result word between)."""
    src = "Own campaign management for a $2.4M annual program budget across paid search and email."
    assert not _metrics("Own campaign management and budget for a $2.4M annual program across paid search.", src)
    assert ("metric", "$2.4M") in _metrics("Generated $2.4M across paid search and email.", src)
    goal = "Member of the library fundraising committee ($2.4M goal; $2.1M raised so far)."
    assert ("metric", "$2.4M") in _metrics("Library fundraising committee member, helping raise $2.4M.", goal)
    assert ("metric", "$2.4M") in _metrics("Library fundraising committee member: beat the plan by closing $2.4M.", goal)
