"""Batch 6 as a development set (golden/README.md, "session 3"): each test is a general reading that a
faithful tailoring of golden/fabrications/b6 was flagged for, or a planted span it missed, with the
invention beside it that must still be flagged. Sources are small JSON Resumes shaped as the text
parser reads the batch's layouts."""

from __future__ import annotations

import copy
from typing import Any

from evals.scorers import Sample
from evals.scorers._fabrication_layouts import parse_detail, stated_by_entry
from evals.scorers._fabrication_numbers import arithmetic_fits
from evals.scorers.fabrication import fabrication
from evals.scorers.narrative import narrative
from tests.test_scorers import CASE


def _sample(output: dict[str, Any], source: dict[str, Any], jd: str = "", **case: Any) -> Sample:
    update = {"resume": source, "job_description": jd or "Engineer.", "unevidenced_requirements": [], **case}
    return Sample(case=CASE.model_copy(update=update), source=source, output=output)


def _offenses(
    output: dict[str, Any], source: dict[str, Any], jd: str = "", **case: Any
) -> set[tuple[str, str]]:
    return {(o.kind, o.span) for o in fabrication(_sample(output, source, jd, **case)).offenses}


def _kinds(output: dict[str, Any], source: dict[str, Any], *kinds: str, **case: Any) -> set[tuple[str, str]]:
    return {o for o in _offenses(output, source, **case) if o[0] in kinds}


def _role(position: str, name: str, bullets: list[str], **extra: Any) -> dict[str, Any]:
    return {"name": name, "position": position, "startDate": "2019-03", "highlights": bullets, **extra}


def _resume(*work: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"basics": {"name": "Sam Lee", "summary": extra.pop("summary", "")}, "work": list(work), **extra}


def _quantity(text: str) -> Any:
    from app.grounding import find_quantities

    return find_quantities(text)[0]


# -- layouts: an entry's own words, split or joined otherwise by a parse ---------------------------


def test_a_parse_detail_in_a_name_field_is_read_as_free_text() -> None:
    assert parse_detail("(ten weeks)") and parse_detail("supervised groups of twelve children aged 8-11.")
    assert not parse_detail("Sangamon County Public Defender's Office") and not parse_detail("eBay")
    source = _resume(_role("Paralegal Intern", "Sangamon County Office", ["Summarized police reports."],
                           description="(10 weeks); Summer 2025"))  # fmt: skip
    honest = _resume(_role("Paralegal Intern", "(ten weeks)", ["Summarized police reports."]))
    assert not _offenses(honest, source)
    invented = _resume(_role("Paralegal Intern", "(forty weeks)", ["Summarized police reports."]))
    assert ("metric", "forty") in _offenses(invented, source)


def test_an_entrys_own_words_split_otherwise_are_its_title() -> None:
    source = _resume(
        _role("Student Teacher", "Mathematics. Eastbrook Senior High School", ["Taught Algebra II."]),
        _role("Legal Assistant (part-time, 25 hrs/week)", "Haverford LLP", ["Drafted subpoenas."]),
        _role("Data Analyst, then Junior Data Engineer", "Meridian Billing", ["Built reports."]),
    )
    honest = copy.deepcopy(source)
    honest["work"][0]["position"] = "Student Teacher, Mathematics"
    honest["work"][1]["position"] = "Legal Assistant (part-time)"
    honest["work"][2]["position"] = "Junior Data Engineer (previously Data Analyst)"
    assert not _offenses(honest, source)
    for raised in ("Lead Student Teacher, Mathematics", "Senior Student Teacher", "Student Teacher, Senior"):
        invented = copy.deepcopy(source)
        invented["work"][0]["position"] = raised
        assert ("title", raised) in _offenses(invented, source), raised
    for raised in (
        "Senior Data Engineer (previously Data Analyst)",
        "Data Engineer (previously Data Analyst)",
    ):
        invented = copy.deepcopy(source)
        invented["work"][2]["position"] = raised
        assert ("title", raised) in _offenses(invented, source), raised


def test_a_part_that_spells_out_the_entrys_abbreviation_is_its_own() -> None:
    entry = {"name": "Northgate BioAnalytics (CRO)", "position": "Laboratory Technician I"}
    assert stated_by_entry("Northgate BioAnalytics (contract research organization)", [entry], None)
    assert not stated_by_entry("Northgate BioAnalytics (clinical laboratory)", [entry], None)


def test_a_cvs_qualifications_read_as_schools_are_judged_by_the_certificates() -> None:
    source = _resume(
        education=[{"studyType": "Bachelor of Science", "area": "Mathematics Education",
                    "institution": "University of North Lakes", "endDate": "2026-05"}],
        certificates=[{"name": "Minnesota Tier 3 teaching license", "issuer": "Mathematics 5-12: application submitted"},
                      {"name": "SHRM-CP", "date": "2019"}],
    )  # fmt: skip
    honest = copy.deepcopy(source)
    honest["education"].append({"institution": "Minnesota Tier 3 license, Mathematics 5-12"})
    honest["education"].append({"institution": "SHRM-CP, 2019"})
    assert not _kinds(honest, source, "school", "degree", "certification")
    invented = copy.deepcopy(source)
    invented["education"][0]["institution"] = "Northern Lakes State University"
    assert ("school", "Northern Lakes State University") in _offenses(invented, source)


def test_one_date_for_a_role_within_one_year_is_not_an_open_role() -> None:
    source = _resume(_role("Student Teacher", "Eastbrook High", ["Taught Geometry."]))
    source["work"][0].update(startDate="2026-01", endDate="2026-05")
    honest = copy.deepcopy(source)
    honest["work"][0].pop("endDate")
    honest["work"][0]["startDate"] = "2026"  # "Spring 2026"
    assert not _kinds(honest, source, "date")
    ongoing = copy.deepcopy(source)
    ongoing["work"][0].pop("endDate")  # "Jan 2026 - Present"
    assert any(k == "date" for k, _ in _offenses(ongoing, source))


def test_a_degree_keeps_its_field() -> None:
    source = _resume(education=[{"studyType": "Bachelor of Science", "area": "Business Administration",
                                 "institution": "Desert State University", "highlights": ["Accounting concentration"]}])  # fmt: skip
    honest = copy.deepcopy(source)
    honest["education"][0]["area"] = "Business Administration (Accounting concentration)"
    assert not _offenses(honest, source)
    invented = copy.deepcopy(source)
    invented["education"][0]["area"] = "Accounting"
    assert ("degree", "Accounting") in _offenses(invented, source)


# -- credentials -----------------------------------------------------------------------------------


def test_a_lapsed_credential_grounds_no_claim_to_hold_it() -> None:
    source = _resume(
        _role("Respiratory Therapist", "Mercy Ridge", ["Ran ABGs."]),
        certificates=[{"name": "ACLS", "issuer": "AHA"}, {"name": "NRP", "issuer": "lapsed", "date": "2019"}],
    )
    honest = _resume(_role("Respiratory Therapist", "Mercy Ridge", ["Ran ABGs."]), summary="ACLS certified.")
    assert not _kinds(honest, source, "certification", "claim")
    invented = _resume(
        _role("Respiratory Therapist", "Mercy Ridge", ["Ran ABGs."]), summary="ACLS and NRP certified."
    )
    assert any(k == "certification" for k, _ in _offenses(invented, source))


def test_a_credential_named_in_full_or_by_its_state_is_the_sources() -> None:
    source = _resume(_role("HVAC Tech", "Kern Valley", ["Serviced RTUs."],
                           summary="Certs: EPA 608 Universal · NATE (Air Conditioning) · CA driver's license"),
                     education=[{"area": "HVAC/R certificate", "institution": "Bakersfield Trade Institute"}])  # fmt: skip
    honest = copy.deepcopy(source)
    honest["certificates"] = [{"name": "EPA Section 608 Universal"}, {"name": "California driver's license"}]
    honest["basics"]["summary"] = "EPA 608 Universal and NATE-certified."
    assert not _kinds(honest, source, "certification", "entity")
    invented = copy.deepcopy(source)
    invented["certificates"] = [{"name": "EPA Section 609 Universal"}, {"name": "Nevada driver's license"}]
    assert {k for k, _ in _offenses(invented, source)} >= {"certification"}
    assert len([o for o in _offenses(invented, source) if o[0] == "certification"]) == 2


def test_an_acronym_in_a_run_of_capitalised_words_gives_all_its_letters() -> None:
    source = _resume(_role("Recruiter", "Harborline", ["Hired 420 people."]), summary="SHRM-CP (2019)")
    honest = _resume(_role("Recruiter", "Harborline", ["Hired 420 people."]),
                     summary="SHRM Certified Professional (SHRM-CP), 2019")  # fmt: skip
    assert not _kinds(honest, source, "entity")
    invented = _resume(_role("Recruiter", "Harborline", ["Hired 420 people."]),
                       summary="SHRM Senior Certified Professional, 2019")  # fmt: skip
    assert _kinds(invented, source, "entity")


# -- numbers ---------------------------------------------------------------------------------------


def test_arithmetic_on_one_sources_line() -> None:
    assert arithmetic_fits(
        _quantity("an eleven-person team"),
        "an eleven-person team",
        ["Lead a team of 9 recruiters and 2 coordinators"],
    )
    assert arithmetic_fits(_quantity("by 17 days"), "by 17 days", ["Cut time-to-fill from 58 to 41 days"])
    assert arithmetic_fits(
        _quantity("93% of plan"), "93% of plan", ["Hired 420 people against a plan of 450."]
    )
    assert arithmetic_fits(
        _quantity("21 of 35 interns"), "21 of 35 interns", ["35 interns in 2024, 60% received offers."]
    )
    assert arithmetic_fits(_quantity("by ~86%"), "by ~86%", ["runtime fell from 6 hours to 50 minutes"])
    assert not arithmetic_fits(
        _quantity("a twelve-person team"),
        "a twelve-person team",
        ["Lead a team of 9 recruiters and 2 coordinators"],
    )
    assert not arithmetic_fits(_quantity("by 95%"), "by 95%", ["runtime fell from 6 hours to 50 minutes"])
    assert not arithmetic_fits(_quantity("by 18 days"), "by 18 days", ["Cut time-to-fill from 58 to 41 days"])
    assert not arithmetic_fits(
        _quantity("reached 93%"), "reached 93%", ["Hired 420 people against a plan of 450."]
    )
    assert not arithmetic_fits(
        _quantity("a 10-person team"), "a 10-person team", ["Hired 9 nurses in 2 units"]
    )
    source = _resume(_role("Director", "Harborline", ["Hired 420 people in 2023 against a plan of 450."]))
    honest = _resume(
        _role("Director", "Harborline", ["Delivered 420 hires in 2023 (93% of the hiring plan)."])
    )
    assert not _kinds(honest, source, "metric")
    wrong = _resume(
        _role("Director", "Harborline", ["Delivered 420 hires in 2023 (97% of the hiring plan)."])
    )
    assert ("metric", "97%") in _offenses(wrong, source)


def test_a_version_after_a_name_and_one_for_the_word_one() -> None:
    source = _resume(_role("Data Engineer", "Trailhead", [
        "Own ~140 Airflow DAGs (Airflow 2, self-hosted).", "Migrated ETL scripts to Airflow 1.10.",
        "On the on-call rotation (one week in five).", "Wrote Airflow docs for 3 teams."]),
        skills=[{"name": "Orchestration", "keywords": ["Apache Airflow"]}])  # fmt: skip
    honest = copy.deepcopy(source)
    honest["skills"][0]["keywords"] = ["Apache Airflow (1.10 and 2.x)"]
    honest["work"][0]["highlights"][2] = "Participate in the on-call rotation (1 week in 5)."
    assert not _kinds(honest, source, "metric")
    invented = copy.deepcopy(source)
    invented["skills"][0]["keywords"] = ["Apache Airflow (1.10 and 3.x)"]
    assert ("metric", "3") in _offenses(invented, source)


def test_a_peak_rate_is_not_a_sustained_one() -> None:
    source = _resume(
        _role(
            "Data Engineer", "Trailhead", ["Built a Kafka pipeline for GPS pings (~20k events/sec at peak)."]
        )
    )
    honest = _resume(_role("Data Engineer", "Trailhead", ["Built a Kafka pipeline for GPS pings, peaking around 20k events per second."]))  # fmt: skip
    assert not _kinds(honest, source, "metric")
    invented = _resume(_role("Data Engineer", "Trailhead", ["Built a Kafka pipeline for GPS pings, sustaining about 20k events per second."]))  # fmt: skip
    assert any(k == "metric" for k, _ in _offenses(invented, source))


def test_a_certificates_line_states_its_numbers() -> None:
    source = _resume(_role("Student Teacher", "Eastbrook High", ["Planned Mathematics units for a Minnesota district."]),
                     certificates=[{"name": "Minnesota Tier 3 teaching license", "issuer": "Mathematics 5-12: application submitted"}])  # fmt: skip
    honest = _resume(_role("Student Teacher", "Eastbrook High", ["Taught Geometry."]))
    honest["education"] = [{"institution": "University of North Lakes",
                            "highlights": ["Minnesota Tier 3 Teaching License, Mathematics 5-12: application submitted"]}]  # fmt: skip
    assert not _kinds(honest, source, "metric")
    invented = copy.deepcopy(honest)
    invented["education"][0]["highlights"] = [
        "Minnesota Tier 4 Teaching License, Mathematics 5-12: application submitted"
    ]
    assert ("metric", "4") in _offenses(invented, source)


# -- claims ----------------------------------------------------------------------------------------


def test_credit_for_what_the_source_only_took_part_in() -> None:
    source = _resume(_role("Respiratory Therapist", "Mercy Ridge", [
        "Took part in the unit's ventilator liberation protocol rollout in 2022; run the morning breathing trials.",
        "Moved the company from Taleo to Greenhouse in 2022; ran vendor selection and rollout."]))  # fmt: skip
    invented = _resume(_role("Respiratory Therapist", "Mercy Ridge", [
        "Led the rollout of the unit's ventilator liberation protocol in 2022; run daily breathing trials.",
        "Moved the company from Taleo to Greenhouse in 2022; ran vendor selection and rollout."]))  # fmt: skip
    assert ("claim", "Led") in _offenses(invented, source)
    honest = _resume(_role("Respiratory Therapist", "Mercy Ridge", [
        "Took part in the unit's ventilator liberation protocol rollout in 2022; run the morning breathing trials.",
        "Led the 2022 move from Taleo to Greenhouse, from vendor selection through rollout."]))  # fmt: skip
    assert not _kinds(honest, source, "claim")


def test_a_language_level_or_an_authorship_is_the_sources() -> None:
    source = _resume(_role("Lab Technician", "Cascadia", ["Co-author (4th of 7 authors) on one methods paper."]),
                     skills=[{"name": "Languages", "keywords": ["Spanish (conversational)"]}])  # fmt: skip
    invented = _resume(_role("Lab Technician", "Cascadia", ["First-authored a peer-reviewed methods paper."]),
                       skills=[{"name": "Languages", "keywords": ["Bilingual: English / Spanish"]}])  # fmt: skip
    assert {("claim", "First-authored"), ("claim", "Bilingual")} <= _offenses(invented, source)
    fluent = _resume(
        _role("Lab Technician", "Cascadia", ["Co-author on one methods paper."]), summary="Fluent in Spanish."
    )
    assert not _kinds(_resume(_role("Lab Technician", "Cascadia", ["Co-authored one methods paper."]),
                              summary="Fluent in Spanish."), fluent, "claim")  # fmt: skip


# -- skills and words ------------------------------------------------------------------------------


def test_a_product_named_beside_a_known_skill_must_be_the_sources() -> None:
    source = _resume(_role("Payroll Specialist", "Saguaro", ["Ran payroll in ADP Workforce Now and Paychex Flex."]),
                     skills=[{"name": "Systems", "keywords": ["ADP Workforce Now", "Paychex Flex"]}])  # fmt: skip
    honest = copy.deepcopy(source)
    honest["skills"][0]["keywords"] = ["ADP Workforce Now", "Paychex Flex", "Payroll Administration"]
    assert not _kinds(honest, source, "skill")
    invented = copy.deepcopy(source)
    invented["skills"][0]["keywords"] = ["ADP Workforce Now", "Workday Payroll", "Paychex Flex"]
    assert ("skill", "Workday") in _offenses(invented, source)


def test_a_personal_trait_is_no_derived_trap() -> None:
    source = _resume(_role("Legal Assistant", "Haverford", ["Drafted subpoenas."]))
    output = _resume(
        _role("Legal Assistant", "Haverford", ["Drafted subpoenas."]), summary="A detail-oriented assistant."
    )
    trap = ["Attention to Detail"]
    assert not _offenses(output, source, unevidenced_requirements=trap, tags=["derived"])


def test_a_category_the_source_grounds_is_one_word_in_a_jd_pair() -> None:
    source = _resume(_role("Data Engineer", "Trailhead", ["Manage infrastructure with Terraform; CI runs in GitHub Actions."]))  # fmt: skip
    jd = "Experience with CI/CD for data pipelines."
    honest = _resume(_role("Data Engineer", "Trailhead", ["Manage infrastructure with Terraform; CI runs in GitHub Actions."]),
                     summary="Engineer who runs CI/CD for data pipelines.")  # fmt: skip
    assert not {o for o in _offenses(honest, source, jd) if o[1] == "CI/CD for data"}


def test_narrative_reads_when_words_and_the_sources_words_abbreviated() -> None:
    source = _resume(_role("Director of Talent Acquisition", "Harborline", ["Lead a team of 9 recruiters."]))
    honest = _resume(_role("Director of Talent Acquisition", "Harborline", ["Lead a team of 9 recruiters."]),
                     summary="More than a decade in recruiting, most recently running a TA team; later handled search.")  # fmt: skip
    assert narrative(_sample(honest, source)).passed
    leak = _resume(_role("Director of Talent Acquisition", "Harborline", ["Lead a team of 9 recruiters."]),
                   summary="Most recently championed quantum payroll blockchain tokenization.")  # fmt: skip
    assert not narrative(_sample(leak, source)).passed


def test_one_source_line_of_credentials_split_into_entries() -> None:
    source = _resume(_role("Respiratory Therapist", "Mercy Ridge", ["Ran ABGs."]),
                     certificates=[{"name": "Registered Respiratory Therapist (RRT)", "issuer": "NBRC"},
                                   {"name": "BLS (AHA), ACLS", "issuer": "AHA"}, {"name": "NRP", "issuer": "lapsed"}])  # fmt: skip
    honest = copy.deepcopy(source)
    honest["certificates"] = [
        source["certificates"][0],
        {"name": "ACLS", "issuer": "AHA"},
        {"name": "BLS", "issuer": "AHA"},
    ]
    assert not _kinds(honest, source, "certification")
    invented = copy.deepcopy(honest)
    invented["certificates"].append({"name": "PALS", "issuer": "AHA"})
    assert ("certification", "PALS") in _offenses(invented, source)


def test_a_credentials_words_in_their_families() -> None:
    source = _resume(_role("HVAC Tech", "Kern Valley", ["Serviced RTUs."],
                           summary="Certs: EPA 608 Universal · CA driver's license, clean record"))  # fmt: skip
    honest = copy.deepcopy(source)
    honest["certificates"] = [{"name": "CA driver's license", "issuer": "clean driving record"}]
    assert not _kinds(honest, source, "certification")
    invented = copy.deepcopy(source)
    invented["certificates"] = [{"name": "CA driver's license", "issuer": "commercial driving record"}]
    assert ("certification", "commercial driving record") in _offenses(invented, source)


def test_a_target_is_not_a_result() -> None:
    source = _resume(_role("Director", "Harborline", ["Hired 420 people in 2023 against a plan of 450."]))
    invented = _resume(_role("Director", "Harborline", ["Made 450 hires in 2023, meeting the annual plan."]))
    assert ("metric", "450") in _offenses(invented, source)
    honest = _resume(_role("Director", "Harborline", ["Made 420 hires in 2023 (93% of the 450-hire plan)."]))
    assert not _kinds(honest, source, "metric")


def test_a_specific_diagnosis_or_device_grounds_its_category() -> None:
    from app.grounding import Grounder

    source = Grounder.of_text(
        "Diagnose electrical faults: capacitors, contactors.\nSet up high-flow nasal cannula and BiPAP.\n"
        "Gave nebulizer and MDI treatments.\nRun the morning spontaneous breathing trials."
    )
    for general in ("Troubleshooting", "Electrical Troubleshooting", "High-flow oxygen therapy",
                    "Aerosolized medication delivery", "ventilator weaning"):  # fmt: skip
        assert source.ground(general).grounded, general
    broad = Grounder.of_text("Skilled in troubleshooting and high-flow oxygen therapy.")
    for specific in ("high-flow nasal cannula", "spontaneous breathing trials", "nebulizer treatments"):
        assert not broad.ground(specific).grounded, specific


def test_a_title_case_english_noun_in_a_skills_list_is_no_name() -> None:
    source = _resume(_role("Director", "Harborline", ["Hired 420 people."]),
                     skills=[{"name": "Skills", "keywords": ["team leadership"]}])  # fmt: skip
    honest = copy.deepcopy(source)
    honest["skills"][0]["keywords"] = ["Team Leadership & Development"]
    assert not _kinds(honest, source, "entity", "skill")
    invented = copy.deepcopy(source)
    invented["skills"][0]["keywords"] = ["Team Leadership & Oracle"]
    assert _kinds(invented, source, "entity", "skill")


def test_led_a_session_the_source_held() -> None:
    source = _resume(_role("Practicum Student", "Riverside Middle School",
                           ["Observed and taught small-group lessons in 7th-grade math, 6 hours per week."]))  # fmt: skip
    honest = _resume(_role("Practicum Student", "Riverside Middle School",
                           ["Observed and led small-group lessons in 7th-grade mathematics (6 hours/week)."]))  # fmt: skip
    assert not _kinds(honest, source, "claim")
    invented = _resume(_role("Practicum Student", "Riverside Middle School",
                             ["Led after-school review sessions for seniors."]))  # fmt: skip
    assert ("claim", "Led") in _offenses(invented, source)
    team = _resume(_role("Practicum Student", "Riverside Middle School",
                         ["Observed and led the small-group team in 7th-grade math, 6 hours per week."]))  # fmt: skip
    assert ("claim", "led") in _offenses(team, source)
