"""Batch 7 as a development set for skills and names in free text (golden/fabrications/b7): each test
is a general reading that a faithful tailoring was flagged for (a tool named by its category, an
abbreviation spelled out or written in the plural, a soft skill the source shows in other words, a
skills-list item glossed with its category), with the invention beside it that must still be
flagged (a sibling product, an abbreviation the source never spells, a soft skill it never shows)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from app.grounding import Taxonomy
from tests.test_fabrication_b6_fixes import _kinds, _offenses, _resume, _role


def _listing(bullets: list[str], keywords: list[str]) -> dict[str, Any]:
    return _resume(
        _role("Technologist", "Riverside Clinic", bullets), skills=[{"name": "Systems", "keywords": keywords}]
    )


# -- the taxonomy: a product grounds its category, never the reverse, never a sibling ------------------


@pytest.mark.parametrize(
    ("general", "specific", "sibling"),
    [
        ("advanced visualization", "Siemens syngo.via", "Vitrea"),
        ("automated dispensing cabinets", "Pyxis MedStation ES", "Omnicell"),
        ("prospect research", "Instrumentl", "Foundation Directory Online"),
        ("guest feedback", "Medallia", "Revinate"),
        ("EHR", "Epic Willow", "Cerner"),
    ],
)
def test_a_product_grounds_its_category_and_nothing_specific(
    general: str, specific: str, sibling: str
) -> None:
    taxonomy = Taxonomy.default()
    assert taxonomy.grounds(general, f"Used {specific} daily.") is not None
    assert taxonomy.grounds(specific, f"Used {general} daily.") is None
    assert taxonomy.grounds(sibling, f"Used {specific} daily.") is None
    assert taxonomy.grounds(sibling, f"Used {general} daily.") is None


def test_an_epic_module_is_epic() -> None:
    source = _listing(["Verify orders in Epic Willow."], ["Epic Willow", "Pyxis MedStation ES"])
    honest = _listing(["Verify orders in Epic Willow (EHR)."], ["Epic Willow (EHR)", "Pyxis MedStation ES"])
    assert not _kinds(honest, source, "skill", "entity")
    honest["work"][0]["highlights"] = ["Restock automated dispensing cabinets (Pyxis) each shift."]
    assert not _kinds(honest, source, "skill", "entity")
    invented = copy.deepcopy(source)
    invented["work"][0]["highlights"] = [
        "Restock Pyxis and Omnicell automated dispensing cabinets each shift."
    ]
    assert any(span == "Omnicell" for _, span in _kinds(invented, source, "skill", "entity"))


# -- a skills-list item glossed by another: each part is judged -----------------------------------------


def test_a_glossed_skills_item_is_judged_part_by_part() -> None:
    source = _listing(
        ["Reconstructions on Siemens syngo.via."], ["Siemens syngo.via", "Medallia", "TI MSP430"]
    )
    honest = _listing(
        ["Reconstructions on Siemens syngo.via."],
        ["Siemens syngo.via (advanced visualization)", "Guest feedback: Medallia", "TI MSP430 (3 yrs)"],
    )
    assert not _kinds(honest, source, "skill", "entity")
    for item, named in (
        ("Vitrea (advanced visualization)", "Vitrea"),
        ("Guest feedback: Revinate", "Revinate"),
    ):
        invented = _listing(["Reconstructions on Siemens syngo.via."], [item])
        assert any(named in span for _, span in _kinds(invented, source, "skill", "entity")), item


# -- abbreviations ---------------------------------------------------------------------------------------


def test_an_abbreviation_in_a_spelled_out_run_gives_all_its_letters() -> None:
    jd = "CT Technologist. Perform CT angiography and CT colonography exams."
    source = _resume(
        _role("CT Technologist", "Riverside Clinic", ["Scan head, chest and CTA chest studies."])
    )
    honest = _resume(
        _role("CT Technologist", "Riverside Clinic", ["Scan head, chest and CT angiography studies."])
    )
    assert not _offenses(honest, source, jd)
    invented = _resume(
        _role("CT Technologist", "Riverside Clinic", ["Scan head, chest and CT colonography studies."])
    )
    assert ("skill", "CT colonography") in _offenses(invented, source, jd)


def test_an_abbreviation_of_the_sources_words_is_no_new_name() -> None:
    from evals.scorers._fabrication_names import abbreviates_source_words

    assert abbreviates_source_words("IV", "Start IVs and power-inject contrast")
    assert abbreviates_source_words("P&C", "Commercial property and casualty underwriter")
    assert abbreviates_source_words("OTA", "Wrote the bootloader for signed over-the-air updates")
    assert not abbreviates_source_words("P&C", "Led project coordination meetings")
    assert not abbreviates_source_words("OTA", "Delivered on time and on budget")
    assert not abbreviates_source_words("ECMO", "Managed ventilators in the ICU")
    source = _resume(_role("Underwriter", "Harbor Mutual", [
        "Commercial property and casualty accounts.", "Start IVs on trauma patients.",
        "Signed over-the-air updates for the pump."]))  # fmt: skip
    honest = _resume(_role("Underwriter", "Harbor Mutual", [
        "Commercial P&C accounts.", "Start IV lines on trauma patients.", "Signed OTA updates for the pump."]))  # fmt: skip
    assert not _kinds(honest, source, "entity")
    invented = _resume(_role("Underwriter", "Harbor Mutual", [
        "Commercial E&S accounts.", "Start IV lines on trauma patients.", "Signed OTA updates for the pump."]))  # fmt: skip
    assert ("entity", "E&S") in _kinds(invented, source, "entity")


# -- soft skills -----------------------------------------------------------------------------------------


def test_a_soft_skill_is_shown_by_its_activity() -> None:
    source = _resume(_role("Underwriter", "Harbor Mutual", [
        "Mentor two underwriting trainees.", "Handled agent complaints about renewals."]))  # fmt: skip
    honest = copy.deepcopy(source)
    honest["skills"] = [{"name": "Skills", "keywords": ["Coaching", "Complaint Resolution"]}]
    assert not _kinds(honest, source, "skill")
    quiet = _resume(_role("Underwriter", "Harbor Mutual", ["Priced middle-market property accounts."]))
    invented = copy.deepcopy(quiet)
    invented["skills"] = [{"name": "Skills", "keywords": ["Coaching", "Complaint Resolution"]}]
    spans = {span for _, span in _kinds(invented, quiet, "skill")}
    assert {"Coaching", "Complaint Resolution"} <= spans
    led = _resume(_role("Underwriter", "Harbor Mutual", ["Lead underwriter on two middle-market accounts."]))
    listed = copy.deepcopy(led)
    listed["skills"] = [{"name": "Skills", "keywords": ["Leadership"]}]
    assert not _kinds(listed, led, "skill")
    in_a_sentence = copy.deepcopy(led)  # "leadership" as people, not a skill: judged as before
    in_a_sentence["work"][0]["highlights"].append("Built renewal dashboards for branch leadership.")
    assert ("skill", "leadership") in _kinds(in_a_sentence, led, "skill")


# -- the JD's words for what the source says in other words -------------------------------------------


def test_the_jds_words_in_short_forms_plain_verbs_and_kind_nouns() -> None:
    jd = (
        "Perform CT examinations. Partner with loss control on site surveys. 5+ years of embedded "
        "experience. CPCU or AU designations preferred. Perform shotgun metagenomic sequencing."
    )
    source = _resume(
        _role("Engineer", "Harbor Mutual", [
            "Perform 30 CT exams a shift.", "Work with loss control on site surveys.",
            "Wrote embedded firmware in C.", "Associate in Commercial Underwriting (AU), 2013."]),
        summary="Engineer with 5 years of embedded firmware work.")  # fmt: skip
    honest = _resume(
        _role("Engineer", "Harbor Mutual", [
            "Perform 30 CT examinations a shift.", "Partner with loss control on site surveys.",
            "Wrote embedded firmware in C.", "Holds the AU designations."]),
        summary="Engineer with 5 years of embedded firmware work.")  # fmt: skip
    assert not {o for o in _offenses(honest, source, jd) if o[0] == "skill"}
    invented = copy.deepcopy(honest)
    invented["work"][0]["highlights"].append("Ran shotgun metagenomic sequencing.")
    assert ("skill", "shotgun metagenomic") in _offenses(invented, source, jd)


def test_an_ordinary_word_after_an_abbreviation_is_no_product() -> None:
    source = _listing(["Start IVs and power-inject contrast."], ["Epic Radiant"])
    honest = _listing(
        ["Establish IV access and power-inject contrast."], ["IV Access & Contrast Administration"]
    )
    assert not any(span == "Access" for _, span in _kinds(honest, source, "skill"))
    for item in ("Microsoft Access", "Access", "SQL Access"):
        invented = _listing(["Start IVs and power-inject contrast."], [item])
        assert any("Access" in span for _, span in _kinds(invented, source, "skill")), item
