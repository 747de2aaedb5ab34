"""Skilled honest paraphrase is not fabrication (issue 13, batch 5): each test is a reading that a
faithful tailoring of golden/fabrications/b5 was flagged for, and the invention beside it that must
still be flagged. Every source here is a small JSON Resume; the JD is the case's."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from evals.scorers import Sample
from evals.scorers.fabrication import Families, fabrication, stated_by_family, stems_and_parts
from evals.scorers.narrative import narrative
from tests.test_scorers import CASE


def _resume(bullets: list[str], **extra: Any) -> dict[str, Any]:
    work = {
        "name": "Brightwater Thermal",
        "position": "Design Engineer",
        "startDate": "2019-03",
        "highlights": bullets,
    }
    return {"basics": {"name": "Sam Lee", "summary": extra.pop("summary", "")}, "work": [work], **extra}


def _sample(output: dict[str, Any], source: dict[str, Any], jd: str = "", **case: Any) -> Sample:
    update = {"resume": source, "job_description": jd or "Engineer.", "unevidenced_requirements": [], **case}
    return Sample(case=CASE.model_copy(update=update), source=source, output=output)


def _offenses(
    output: dict[str, Any], source: dict[str, Any], jd: str = "", **case: Any
) -> set[tuple[str, str]]:
    return {(o.kind, o.span) for o in fabrication(_sample(output, source, jd, **case)).offenses}


def _with(
    source: dict[str, Any], bullets: list[str] | None = None, summary: str | None = None
) -> dict[str, Any]:
    out = copy.deepcopy(source)
    if bullets is not None:
        out["work"][0]["highlights"] = bullets
    if summary is not None:
        out["basics"]["summary"] = summary
    return out


def test_the_jds_words_for_what_the_source_says_in_other_words_are_honest() -> None:
    source = _resume(["Ran tolerance stack-ups on the blower mounting interface", "Charted in Epic"])
    jd = "Perform tolerance analysis. 3+ years of mechanical design experience. EHR documentation."
    honest = _with(
        source,
        ["Performed tolerance stack-ups on the blower mounting interface", "EHR documentation in Epic"],
        "Five years of design experience.",
    )
    assert not {o for o in _offenses(honest, source, jd) if o[0] == "skill"}
    jd_invented = "Experience with shotgun metagenomic sequencing."
    invented = _with(source, ["Ran tolerance stack-ups on shotgun metagenomic data", "Charted in Epic"])
    assert ("skill", "shotgun metagenomic") in _offenses(invented, source, jd_invented)


def test_word_families_ground_a_skill_but_never_a_new_word() -> None:
    known = Families("Reduced the cost; planner; execution; reliability; intern; care")
    assert known.knows("reduction") and known.knows("planning") and known.knows("execute")
    assert known.knows("reliable") and not known.knows("international") and not known.knows("career")
    text = "Reduced average part cost by $11 per unit; inventory counts in Oracle Retail."
    words, families = stems_and_parts(text), Families(text)
    assert stated_by_family("Cost Reduction", words, families)
    assert stated_by_family("Inventory Management", words, families)
    assert not stated_by_family("Inventory Optimization", words, families)
    source = _resume(["Reduced average part cost by $11 per unit"])
    honest = _with(source, summary="Cost reduction on every part.")
    assert not {o for o in _offenses(honest, source) if o[0] == "skill"}


def test_years_computed_from_dates_are_honest_and_more_years_are_not(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAILOR_TODAY", "2026-12-01")
    source = _resume(["Designed brackets"])
    source["work"].append(
        {"name": "Lanthorn", "position": "Drafter", "startDate": "2012-06", "endDate": "2019-02"}
    )
    for claim in ("14 years of design work", "14+ years of design work", "the last seven running design"):
        honest = _with(
            source, summary=f"Engineer with {claim}." if "last" not in claim else f"Engineer: {claim}, years."
        )
        assert not {o for o in _offenses(honest, source) if o[0] == "metric"}, claim
    inflated = _with(source, summary="Engineer with 20 years of design work.")
    assert ("metric", "20") in _offenses(inflated, source)


def test_arithmetic_on_the_sources_figures_is_honest() -> None:
    source = _resume(
        [
            "Cut truck processing time from two days to one",
            "Ticket deflection rose from 12% to 27%",
            "Lead a support team across Austin, Dublin, and Manila",
        ]
    )
    honest = _with(
        source,
        [
            "Cut truck processing time by 50% (from two days to one)",
            "More than doubled ticket deflection, from 12% to 27%",
            "Lead a support team in three locations: Austin, Dublin, and Manila",
        ],
    )
    assert not {o for o in _offenses(honest, source) if o[0] in ("metric", "claim")}
    wrong = _with(
        source,
        ["Cut truck processing time by 60% (from two days to one)", *source["work"][0]["highlights"][1:]],
    )
    assert ("metric", "60%") in _offenses(wrong, source)


def test_a_number_keeps_its_qualifier_and_its_relation() -> None:
    source = _resume(
        [
            "Run a store with 28 associates (6 full-time, 22 part-time)",
            "Median first reply time on email down from 9 hours to 2.5 hours",
            "CSAT steady between 92% and 94% throughout",
        ]
    )
    assert _offenses(_with(source), source) == set()
    moved = _with(source, ["Run a store with 28 full-time associates", *source["work"][0]["highlights"][1:]])
    assert ("metric", "28") in _offenses(moved, source)
    dropped = _with(
        source, [source["work"][0]["highlights"][0], "First reply time down from 9 hours to 2.5 hours"]
    )
    assert ("metric", "9") in _offenses(dropped, source)
    changed = _with(source, [*source["work"][0]["highlights"][:2], "CSAT raised from 92% to 94%"])
    assert ("metric", "CSAT raised from 92% to 94%") in _offenses(changed, source)


def test_claim_words_a_source_already_grounds_and_credit_it_never_gives() -> None:
    source = _resume(
        [
            "Process ECOs through SolidWorks PDM",
            "Key user on the SAP IBP rollout",
            "Led a cross-functional project",
        ],
        summary="Director of Customer Support.",
    )
    honest = _with(
        source,
        ["Managed engineering change orders (ECOs) in SolidWorks PDM", *source["work"][0]["highlights"][1:]],
        "Customer support leader; Director of Customer Support.",
    )
    assert not {o for o in _offenses(honest, source) if o[0] == "claim"}
    people = _with(source, ["Managed a team of 12 engineers processing ECOs through SolidWorks PDM"])
    assert ("claim", "Managed") in _offenses(people, source)
    credit = _with(
        source,
        [source["work"][0]["highlights"][0], "Led the SAP IBP rollout", "Led a cross-functional project"],
    )
    assert ("claim", "Led") in _offenses(credit, source)


def test_an_award_is_named_as_the_source_names_it() -> None:
    source = _resume(["Built window displays; won the company's 2017 regional visual merchandising award"])
    assert _offenses(_with(source), source) == set()
    national = _with(
        source, ["Built window displays; won the company's 2017 national visual merchandising award"]
    )
    assert ("claim", "2017 national visual merchandising award") in _offenses(national, source)
    title = _with(source, summary="Named the district's Designer of the Year.")
    assert any(k == "claim" and "of the Year" in s for k, s in _offenses(title, source))


def test_title_case_words_spelled_abbreviations_and_countries_are_no_new_names() -> None:
    source = _resume(["Sales up 11% at the store; rotations in L&D; reviews with our plant in Juárez"])
    honest = _with(
        source, summary="Store Sales Growth. Rotations: Labor & Delivery. Reviews in Juárez, Mexico."
    )
    honest["skills"] = [{"name": "Skills", "keywords": ["Sales growth"]}]
    assert not {o for o in _offenses(honest, source) if o[0] == "entity"}
    product = _with(source, summary="Workforce planning in Assembled.")
    assert ("entity", "Assembled") in _offenses(product, source)


def test_certification_words_on_a_line_the_source_states() -> None:
    source = _resume(
        ["Automated TLS certificate rotation with Python and AWS Lambda"],
        certificates=[{"name": "BLS", "issuer": "AHA"}, {"name": "RN license", "issuer": "California"}],
        summary="Certified Nursing Assistant, RN.",
    )
    honest = _with(
        source,
        ["Automated TLS certificate rotation using Python and AWS Lambda"],
        "Licensed RN in California; BLS certified through the AHA; Certified Nursing Assistant in a clinic.",
    )
    honest["certificates"] = [{"name": "BLS", "issuer": "American Heart Association"}]
    assert not {o for o in _offenses(honest, source) if o[0] == "certification"}
    invented = _with(source, summary="Certified Wound Care Nurse.")
    assert any(k == "certification" for k, _ in _offenses(invented, source))


def test_a_role_the_source_ended_is_not_ongoing() -> None:
    source = _resume(["Designed brackets"])
    source["work"][0]["endDate"] = "2024-08"
    ongoing = copy.deepcopy(source)
    del ongoing["work"][0]["endDate"]
    assert ("date", "2019-03") in _offenses(ongoing, source)
    assert _offenses(copy.deepcopy(source), source) == set()


def test_an_abbreviation_only_inside_a_name_is_not_that_skill() -> None:
    source = _resume(["Lifted MQL-to-SQL conversion from 14% to 22%"])
    listed = _with(source)
    listed["skills"] = [{"name": "Skills", "keywords": ["SQL", "HubSpot"]}]
    assert ("skill", "SQL") in _offenses(listed, source)


def test_a_trap_derived_by_rules_is_judged_as_any_skill_is() -> None:
    source = _resume(["Inventory counts, transfers and receiving in Oracle Retail"])
    output = _with(source, ["Manage inventory counts, transfers and receiving in Oracle Retail"])
    trap = ["Inventory Management"]
    assert not _offenses(output, source, "", unevidenced_requirements=trap, tags=["derived"])
    labelled = fabrication(_sample(output, source, "", unevidenced_requirements=trap))
    assert any("trap" in o.detail for o in labelled.offenses)


def test_narrative_leaves_a_resumes_framing_to_the_fact_checks() -> None:
    source = _resume(["Built the monitoring stack for 120 services"], summary="Site reliability engineer.")
    framed = _with(
        source,
        summary="Results-oriented site reliability engineer with deep expertise and proven experience.",
    )
    assert narrative(_sample(framed, source)).passed
    leak = _with(source, summary="Site reliability engineer who built a quality audit checklist program.")
    assert not narrative(_sample(leak, source)).passed
