"""Readings the fabrication scorer learned from resumes and labels written outside the team: each
fires on the fabrication it guards against and stays quiet on the honest rewording beside it."""

from __future__ import annotations

import copy
from typing import Any

from app.grounding import SkillLexicon, spell_like_source
from evals.scorers import Sample
from evals.scorers.fabrication import fabrication
from tests.test_scorers import CASE, SOURCE

NURSE: dict[str, Any] = {
    "basics": {"name": "Ana Ruiz", "email": "ana@example.com", "summary": "Charge nurse, 7 years."},
    "work": [
        {
            "name": "Riverside Medical Center",
            "position": "Charge Nurse",
            "startDate": "2019-01",
            "highlights": [
                "Led the unit's move to barcode medication administration in 3 months",
                "Charted in Epic EHR for a 32-bed unit",
                "Precepted new graduate nurses on night shifts",
            ],
        }
    ],
    "certificates": [{"name": "Basic Life Support (BLS)"}, {"name": "Registered Nurse, State of Ohio"}],
    "publications": [{"name": "Two peer-reviewed articles", "publisher": "40 citations"}],
}
JD = "Charge Nurse. Experience with shotgun metagenomic analysis and Cerner is a plus."


def _offenses(output: dict[str, Any], source: dict[str, Any] = NURSE) -> list[tuple[str, str]]:
    case = CASE.model_copy(update={"resume": source, "job_description": JD, "unevidenced_requirements": []})
    score = fabrication(Sample(case=case, source=source, output=output))
    return [(o.kind, o.span) for o in score.offenses]


def _nurse(**changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(NURSE)
    for index, text in changes.get("bullets", {}).items():
        out["work"][0]["highlights"][index] = text
    if "certificates" in changes:
        out["certificates"] = changes["certificates"]
    if "publisher" in changes:
        out["publications"][0]["publisher"] = changes["publisher"]
    return out


def test_an_acronym_spelled_out_or_added_is_the_same_thing() -> None:
    assert (
        _offenses(_nurse(bullets={1: "Charted in Epic electronic health record (EHR) for a 32-bed unit"}))
        == []
    )
    invented = _nurse(
        bullets={1: "Charted in Epic for a 32-bed unit, Certified Kubernetes Administrator (CKA)"}
    )
    assert any(k == "certification" and "Kubernetes" in s for k, s in _offenses(invented))
    assert spell_like_source("Master of Arts in Teaching (MAT), 2015", "Master of Arts in Teaching") == (
        "Master of Arts in Teaching, 2015"
    )
    assert spell_like_source("Associate in Occupational Studies (A.O.S.)", "A.O.S. Culinary Arts") == "A.O.S."
    assert spell_like_source("EDUCATION\nAssociate of Science (AS)", "AS") == "EDUCATION\nAS"


def test_reordered_certificates_are_not_swapped_ones() -> None:
    reordered = _nurse(certificates=list(reversed(NURSE["certificates"])))
    assert _offenses(reordered) == []
    invented = _nurse(
        certificates=[{"name": "Critical Care Registered Nurse (CCRN)"}, *NURSE["certificates"]]
    )
    assert [k for k, _ in _offenses(invented)] == ["certification"]


def test_one_way_of_leading_may_restate_another_on_the_same_line() -> None:
    honest = _nurse(
        bullets={0: "Headed the unit's move to barcode medication administration in three months"}
    )
    assert _offenses(honest) == []
    promoted = _nurse(bullets={2: "Headed the precepting of new graduate nurses on night shifts"})
    assert ("claim", "Headed") in _offenses(promoted)


def test_every_section_s_text_is_checked_not_only_bullets() -> None:
    assert _offenses(_nurse(publisher="forty citations")) == []
    assert ("metric", "350") in _offenses(_nurse(publisher="350 citations"))


def test_the_jd_s_own_words_copied_into_a_line_are_a_claim() -> None:
    copied = _nurse(bullets={2: "Precepted new graduate nurses on shotgun metagenomic analysis"})
    assert ("skill", "shotgun metagenomic") in _offenses(copied)
    # JD words the source also uses are not copied: "nurse" and "experience" ground themselves.
    assert (
        _offenses(_nurse(bullets={2: "Precepted new graduate nurses on night shifts as charge nurse"})) == []
    )


def test_an_acronym_glossed_as_something_else_is_not_the_lexicon_s_skill() -> None:
    lexicon = SkillLexicon.default()
    assert [m.canonical for m in lexicon.find("Relativity Certified Administrator (RCA) credential")] == []
    assert "Root Cause Analysis" in {
        m.canonical for m in lexicon.find("led root cause analysis (RCA) reviews")
    }
    assert "Root Cause Analysis" in {m.canonical for m in lexicon.find("ran RCA sessions")}


def test_the_readings_leave_the_data_scientist_paraphrase_quiet() -> None:
    out = copy.deepcopy(SOURCE)
    out["skills"][0]["keywords"] = ["Tableau", "SQL", "Python"]
    assert _offenses(out, SOURCE) == []


def test_an_inflected_claim_is_reported_and_a_hyphenated_one_grounds() -> None:
    # Before: the claim's stem ("spearhead") was never matched back to its word, so no span, a pass.
    spearheaded = _nurse(bullets={2: "Spearheaded precepting for new graduate nurses on night shifts"})
    assert ("claim", "Spearheaded") in _offenses(spearheaded)
    source = copy.deepcopy(NURSE)
    source["work"][0]["highlights"][2] = "Served as the unit's ACLS-certified resource nurse"
    restated = copy.deepcopy(source)
    restated["work"][0]["highlights"][2] = "Served as the unit's resource nurse, ACLS certified"
    assert _offenses(restated, source) == []


def test_a_capital_s_acronym_is_not_a_plural() -> None:
    lexicon = SkillLexicon.default()
    assert [m.canonical for m in lexicon.find("BCPS preferred")] == []  # not Business Continuity Planning
    assert [m.canonical for m in lexicon.find("wrote BCPs for the plant")] == ["Business Continuity Planning"]


def test_an_ordinal_in_words_is_the_ordinal_in_digits() -> None:
    source = copy.deepcopy(NURSE)
    source["work"][0]["highlights"][2] = "Won 1st place in the unit's safety challenge"
    restated = copy.deepcopy(source)
    restated["work"][0]["highlights"][2] = "Won first place in the unit's safety challenge"
    assert _offenses(restated, source) == []
    assert ("claim", "first") in _offenses(_nurse(bullets={2: "The first nurse to precept new graduates"}))


def test_a_listed_skill_no_lexicon_knows_must_still_be_the_source_s() -> None:
    listed = copy.deepcopy(NURSE)
    listed["skills"] = [{"name": "Tools", "keywords": ["Epic EHR", "barcode administration"]}]
    source = copy.deepcopy(listed)
    assert _offenses(listed, source) == []  # its words, reordered or cut, are the source's
    listed["skills"][0]["keywords"].append("Eaglesoft")
    assert ("skill", "Eaglesoft") in _offenses(listed, source)


def test_one_jd_word_beside_a_source_word_is_copied_but_a_word_of_the_same_family_is_not() -> None:
    jd = "Charge Nurse. Perform chemotherapy order verification and take digital radiographs."
    source = copy.deepcopy(NURSE)
    source["work"][0]["highlights"][2] = "Verified medication orders and took digital radiography for 4 units"
    case = CASE.model_copy(update={"resume": source, "job_description": jd, "unevidenced_requirements": []})

    def offenses(line: str) -> list[tuple[str, str]]:
        out = copy.deepcopy(source)
        out["work"][0]["highlights"][2] = line
        return [(o.kind, o.span) for o in fabrication(Sample(case=case, source=source, output=out)).offenses]

    assert ("skill", "chemotherapy order") in offenses(
        "Verified medication orders, including chemotherapy order verification, for 4 units"
    )
    assert offenses("Verified medication orders and took digital radiographs for four units") == []


def test_narrative_fires_on_a_new_phrase_and_stays_quiet_on_a_synonym() -> None:
    from evals.scorers.narrative import narrative

    def flags(line: str) -> list[tuple[str, str]]:
        out = _nurse(bullets={2: line})
        case = CASE.model_copy(
            update={"resume": NURSE, "job_description": JD, "unevidenced_requirements": []}
        )
        return [(o.kind, o.span) for o in narrative(Sample(case=case, source=NURSE, output=out)).offenses]

    # writer@v3's few-shot example ("by adding a peer review step") leaked into golden:core outputs
    # of v3, v5 and v6, and every fact check passed them.
    leaked = flags("Precepted new graduate nurses on night shifts by adding a quality audit checklist")
    assert leaked == [("narrative", "adding a quality audit checklist")]
    assert flags("Coached newly graduated nurses through their night shifts") == []
    # Facts are fabrication's: the same line passes it, the new phrase is narrative's alone.
    assert (
        _offenses(
            _nurse(
                bullets={
                    2: "Precepted new graduate nurses on night shifts by adding a quality audit checklist"
                }
            )
        )
        == []
    )
    assert (
        spell_like_source("Rolled out multi-factor authentication (MFA)", "Rolled out MFA")
        == "Rolled out MFA"
    )
    assert spell_like_source("Cut error (mean absolute percentage error, MAPE)", "MAPE") == "Cut error (MAPE)"


def test_a_number_the_source_states_of_something_else_is_not_grounded() -> None:
    moved = _nurse(bullets={2: "Precepted 32 new graduate nurses on night shifts"})  # 32 is the unit's beds
    assert ("metric", "32") in _offenses(moved)
    merged = _nurse(
        bullets={1: "Charted in Epic EHR for a 32-bed unit; led its barcode move in three months"}
    )
    assert _offenses(merged) == []  # a merged line keeps each number with its own words


def test_words_that_spell_a_source_acronym_are_that_acronym_in_free_text_only() -> None:
    from app.grounding import contract_expansions

    source = "Partnered with the CRO; migrated EC2 VMs; reports to a PE-backed board; Baltimore, MD"
    assert contract_expansions("Partnered with the Chief Revenue Officer", source) == "Partnered with the CRO"
    assert contract_expansions("from EC2 virtual machines", source) == "from EC2 VMs"
    assert contract_expansions("a private equity-backed board", source) == "a PE-backed board"
    # A place is not an acronym, and two letters never contract words the source itself uses.
    assert contract_expansions("Movement Desensitization", source) == "Movement Desensitization"
    assert (
        contract_expansions("building code analysis", "building code analysis; CA")
        == "building code analysis"
    )


def test_a_title_that_is_part_of_another_roles_title_is_not_this_roles() -> None:
    source = copy.deepcopy(NURSE)
    source["work"].append({"name": "Maple Clinic", "position": "Staff Nurse", "startDate": "2016-01"})
    source["work"][0]["position"] = "Senior Charge Nurse"
    swapped = copy.deepcopy(source)
    swapped["work"][1]["position"] = "Charge Nurse"  # inside the other role's title, not this one's
    assert ("title", "Charge Nurse") in _offenses(swapped, source)
    assert _offenses(copy.deepcopy(source), source) == []


def test_a_number_does_not_take_the_next_line_s_letters_as_its_scale() -> None:
    from app.grounding import find_quantities

    assert [q.value for q in find_quantities("from 5 days to 3 M.S. Mechanical")] == [5.0, 3.0]
    assert [q.value for q in find_quantities("a $3M budget")] == [3_000_000.0]


def test_two_months_of_one_year_and_a_short_form_read_as_written() -> None:
    from app.grounding import parse_range

    start, end = parse_range("May–Aug 2023") or (None, None)
    assert (start.year, start.month, end.year, end.month) == (2023, 5, 2023, 8)  # type: ignore[union-attr]
    listed = copy.deepcopy(NURSE)
    listed["skills"] = [{"name": "Skills", "keywords": ["org design"]}]
    restated = copy.deepcopy(listed)
    restated["skills"][0]["keywords"] = ["organizational design"]
    assert _offenses(restated, listed) == []


def test_a_certificate_spelled_out_is_the_same_certificate_and_another_number_is_not() -> None:
    source = copy.deepcopy(NURSE)
    source["certificates"] = [{"name": "OSHA 30 Construction"}]
    same = copy.deepcopy(source)
    same["certificates"] = [{"name": "Occupational Safety and Health Administration 30-Hour Construction"}]
    assert _offenses(same, source) == []
    other = copy.deepcopy(source)
    other["certificates"] = [{"name": "Occupational Safety and Health Administration 10-Hour Construction"}]
    assert [k for k, _ in _offenses(other, source)] == ["certification"]
