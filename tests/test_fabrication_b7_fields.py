"""Batch 7 as a development set, structured fields: each test is a general reading of employers,
titles, dates, schools, degrees or certificates that a faithful tailoring of golden/fabrications/b7
was flagged for, or a planted value it missed, with the invention beside it that must still be
flagged. Sources are small JSON Resumes shaped as the text parser reads the batch's layouts."""

from __future__ import annotations

import copy
from typing import Any

from evals.scorers import Sample
from evals.scorers._fabrication_qualifications import status_only
from evals.scorers.fabrication import fabrication
from tests.test_scorers import CASE


def _sample(output: dict[str, Any], source: dict[str, Any]) -> Sample:
    update = {"resume": source, "job_description": "Engineer.", "unevidenced_requirements": []}
    return Sample(case=CASE.model_copy(update=update), source=source, output=output)


def _offenses(output: dict[str, Any], source: dict[str, Any]) -> set[tuple[str, str]]:
    return {(o.kind, o.span) for o in fabrication(_sample(output, source)).offenses}


def _kinds(output: dict[str, Any], source: dict[str, Any], *kinds: str) -> set[tuple[str, str]]:
    return {o for o in _offenses(output, source) if o[0] in kinds}


def _role(position: str, name: str, start: str, end: str | None = None, **extra: Any) -> dict[str, Any]:
    role = {
        "name": name,
        "position": position,
        "startDate": start,
        "highlights": ["Reviewed files."],
        **extra,
    }
    return role if end is None else {**role, "endDate": end}


def _resume(*work: dict[str, Any], **extra: Any) -> dict[str, Any]:
    basics = {"name": "Sam Lee", "summary": extra.pop("summary", ""), **extra.pop("basics", {})}
    return {"basics": basics, "work": list(work), **extra}


_STRUCTURED = ("employer", "title", "date", "school", "degree", "certification")


# -- alignment -------------------------------------------------------------------------------------


def test_a_role_is_matched_to_the_source_role_it_agrees_with() -> None:
    # A CV whose parse read "Underwriter, Commercial Package" as title and employer, the employer
    # as a detail: the output's role at that employer restates the entry of its title and dates.
    source = _resume(
        _role("Underwriter", "Commercial Package", "2012", "2018", summary="Harbor Mutual Group, Providence"),
        _role("Underwriting Assistant", "Harbor Mutual Group", "2009", "2012"),
    )
    honest = _resume(
        _role("Underwriter", "Harbor Mutual Group", "2012", "2018"),
        _role("Underwriting Assistant", "Harbor Mutual Group", "2009", "2012"),
    )
    assert not _kinds(honest, source, *_STRUCTURED)
    raised = copy.deepcopy(honest)
    raised["work"][0]["position"] = "Underwriting Assistant"
    raised["work"][1]["startDate"] = "2007"  # stretched
    assert ("date", "2007") in _offenses(raised, source)
    senior = copy.deepcopy(honest)
    senior["work"][0]["position"] = "Senior Underwriter"
    assert ("title", "Senior Underwriter") in _offenses(senior, source)


def test_two_roles_at_one_employer_are_told_apart_by_their_dates() -> None:
    source = _resume(
        _role("Assistant Manager", "Dune Suites (148 rooms)", "2017-03", "2020-12"),
        _role("Front Desk Agent -> Night Auditor", "Dune Suites", "2014-06", "2017-02"),
    )
    honest = copy.deepcopy(source)
    honest["work"][1]["name"] = "Dune Suites (148 rooms)"
    honest["work"][1]["position"] = "Front Desk Agent, then Night Auditor (from 2015)"
    assert not _kinds(honest, source, *_STRUCTURED)
    stretched = copy.deepcopy(honest)
    stretched["work"][1]["startDate"] = "2012-06"
    assert ("date", "2012-06") in _offenses(stretched, source)


# -- promotions ------------------------------------------------------------------------------------


def test_a_promotion_is_stated_by_its_titles_and_the_later_title_alone_is_raised() -> None:
    source = _resume(_role("Grant Writer → Senior Grant Writer", "Valley Arts", "2015-07", "2020-01"))
    for honest_title in (
        "Grant Writer, then Senior Grant Writer (promoted 2017)",
        "Senior Grant Writer (promoted from Grant Writer)",
        "Grant Writer",
    ):
        honest = copy.deepcopy(source)
        honest["work"][0]["position"] = honest_title
        assert not _kinds(honest, source, *_STRUCTURED), honest_title
    whole = copy.deepcopy(source)
    whole["work"][0]["position"] = "Senior Grant Writer"
    assert ("title", "Senior Grant Writer") in _offenses(whole, source)
    outside = copy.deepcopy(source)
    outside["work"][0]["position"] = "Grant Writer, then Senior Grant Writer (promoted 2022)"
    assert _kinds(outside, source, "title")
    # One title of the promotion dated within the role dates that title, not the role.
    split = copy.deepcopy(source)
    split["work"][0].update(
        position="Grant Writer, Senior Grant Writer (2017-2020)", startDate="2015", endDate="2017"
    )
    assert not _kinds(split, source, *_STRUCTURED)


def test_a_title_that_is_one_part_of_its_own_field_is_the_entrys() -> None:
    source = _resume(
        _role("Lead Pharmacy Technician, Magnolia Hospital", "2nd shift", "2021"),
        _role("Pharmacy Technician, Bayou Drug (retail)", "Rx volume", "2017", "2021"),
    )
    honest = copy.deepcopy(source)
    honest["work"][1]["position"] = "Pharmacy Technician"
    assert not _kinds(honest, source, "title")
    raised = copy.deepcopy(source)
    raised["work"][1]["position"] = "Lead Pharmacy Technician"
    assert _kinds(raised, source, "title")


def test_a_title_stated_only_in_the_headline_is_not_the_roles() -> None:
    source = _resume(
        _role("QA Automation Intern", "Badger Insurance", "2025-06", "2025-08"),
        basics={"label": "QA Automation Engineer (new graduate)"},
    )
    raised = copy.deepcopy(source)
    raised["work"][0]["position"] = "QA Automation Engineer"
    assert ("title", "QA Automation Engineer") in _offenses(raised, source)
    honest = copy.deepcopy(source)
    honest["work"][0]["position"] = "QA Automation Intern"
    assert not _kinds(honest, source, "title")


# -- names with their glosses, and details in a name's field ---------------------------------------


def test_a_name_may_carry_a_gloss_or_a_place_the_source_states() -> None:
    source = _resume(
        _role("QA Intern", "Badger Insurance", "2025-06", "2025-08", summary="Regional auto and home insurer."),
        education=[{"studyType": "B.A.", "area": "Economics", "institution": "Thames College",
                    "location": "New London, Connecticut", "endDate": "2009"}],
    )  # fmt: skip
    honest = copy.deepcopy(source)
    honest["work"][0]["name"] = "Badger Insurance (regional auto and home insurer)"
    honest["education"][0]["institution"] = "Thames College, New London, CT"
    assert not _kinds(honest, source, *_STRUCTURED)
    invented = copy.deepcopy(source)
    invented["work"][0]["name"] = "Badger Insurance (Fortune 500 insurer)"
    invented["education"][0]["institution"] = "Thames College, Hartford, CT"
    found = _offenses(invented, source)
    assert ("employer", "Badger Insurance (Fortune 500 insurer)") in found
    assert ("school", "Thames College, Hartford, CT") in found


def test_a_detail_read_as_the_employer_is_no_employer() -> None:
    source = _resume(
        _role("Lead Technician", "Magnolia Hospital", "2021"),
        _role("Technician", "Bayou Drug", "2017", "2021"),
    )
    honest = copy.deepcopy(source)
    honest["work"][0].update(name="Second Shift", description="Magnolia Hospital (180-bed), Inpatient")
    honest["work"][1].update(name="Weekend PRN 2021", description="Bayou Drug (Retail); 2023")
    assert not _kinds(honest, source, "employer")
    swapped = copy.deepcopy(source)
    swapped["work"][1].update(name="Gulf Pharmacy", description="Summer 2018")
    assert ("employer", "Gulf Pharmacy") in _offenses(swapped, source)


def test_a_part_time_role_listed_as_work_is_judged_by_the_sources_volunteer_entry() -> None:
    source = _resume(
        _role("QA Intern", "Badger Insurance", "2025-06", "2025-08"),
        volunteer=[{"organization": "Lakes University", "position": "Teaching Assistant, CS 506 Software Engineering",
                    "startDate": "2025-09", "endDate": "2026-05"}],
    )  # fmt: skip
    honest = copy.deepcopy(source)
    honest["work"].append(
        _role("Teaching Assistant, Software Engineering (CS 506)", "Lakes University", "2025-09", "2026-05")
    )
    assert not _kinds(honest, source, "title")
    raised = copy.deepcopy(source)
    raised["work"].append(
        _role("Lecturer, Software Engineering (CS 506)", "Lakes University", "2025-09", "2026-05")
    )
    assert _kinds(raised, source, "title")


# -- qualifications --------------------------------------------------------------------------------

_CERTS = [
    {"name": "Chartered Property Casualty Underwriter (CPCU)", "issuer": "The Institutes", "date": "2016"},
    {"name": "Associate in Risk Management (ARM)", "issuer": "The Institutes: two of three courses completed",
     "date": "2025"},
]  # fmt: skip


def test_a_credential_the_source_has_in_progress_is_not_shown_as_held() -> None:
    source = _resume(_role("Underwriter", "Harbor Mutual", "2012"), certificates=copy.deepcopy(_CERTS))
    honest = copy.deepcopy(source)
    honest["certificates"][1] = {"name": "Associate in Risk Management (ARM)", "issuer": "in progress"}
    assert not _kinds(honest, source, "certification")
    held = copy.deepcopy(source)
    held["certificates"][1] = {
        "name": "Associate in Risk Management (ARM)",
        "issuer": "The Institutes",
        "date": "2025",
    }
    assert ("certification", "Associate in Risk Management (ARM)") in _offenses(held, source)
    # Studied for, then spelled out with its status: the source's; without it: held.
    studying = _resume(
        _role("CT Technologist", "Valley Medical", "2022"),
        certificates=[{"name": "ARRT Computed Tomography (CT)", "date": "2022"},
                      {"name": "Studying for the ARRT MRI post-primary exam", "issuer": "planned for", "date": "2027"}],
    )  # fmt: skip
    marked = copy.deepcopy(studying)
    marked["certificates"][1] = {"name": "ARRT Magnetic Resonance Imaging (MR)", "issuer": "in preparation"}
    assert not _kinds(marked, studying, "certification")
    unmarked = copy.deepcopy(studying)
    unmarked["certificates"][1] = {"name": "ARRT Magnetic Resonance Imaging (MR)", "date": "2027"}
    assert _kinds(unmarked, studying, "certification")


def test_a_status_is_no_issuer() -> None:
    assert status_only("in progress") and status_only("coursework in progress")
    assert status_only("In preparation, exam planned for 2027")
    assert not status_only("The Institutes") and not status_only("American Heart Association")


def test_a_list_of_credentials_read_as_a_role_is_no_employer_or_title() -> None:
    source = _resume(_role("Underwriter", "Harbor Mutual", "2012"), certificates=copy.deepcopy(_CERTS))
    honest = copy.deepcopy(source)
    honest["work"].append({"name": "Designations", "position": "CPCU, The Institutes", "startDate": "2016",
                           "description": "ARM in progress (two of three courses)"})  # fmt: skip
    assert not _kinds(honest, source, *_STRUCTURED)
    held = copy.deepcopy(honest)
    held["work"][1]["description"] = "AU, The Institutes, 2013; ARM, The Institutes, 2025"
    assert ("certification", "ARM, The Institutes, 2025") in _offenses(held, source)


def test_several_qualifications_read_as_one_entry_are_judged_against_all() -> None:
    # "GPC, 2019 · Certificate in Fundraising Management, Portland Metro University, 2014" and
    # "M.A. English, Portland Metro University, 2012 · B.A. Communications, Linfield College, 2010"
    # on two lines, each read as one school's entry.
    source = _resume(
        _role("Director", "Harvest Network", "2020-02"),
        education=[{"studyType": "M.A.", "area": "English", "institution": "Portland Metro University", "endDate": "2012"},
                   {"studyType": "B.A.", "area": "Communications", "institution": "Linfield College", "endDate": "2010"}],
        certificates=[{"name": "Grant Professional Certified (GPC)", "date": "2019"},
                      {"name": "Certificate in Fundraising Management", "issuer": "Portland Metro University",
                       "date": "2014"}],
    )  # fmt: skip
    honest = copy.deepcopy(source)
    honest["education"] = [
        {"area": "Grant Professional Certified (GPC)", "endDate": "2019",
         "institution": "Certificate in Fundraising Management, Portland Metro University, 2014"},
        {"studyType": "M.A.", "area": "English, Portland Metro University", "endDate": "2012",
         "institution": "B.A. Communications, Linfield College, 2010"},
    ]  # fmt: skip
    assert not _kinds(honest, source, *_STRUCTURED)
    invented = copy.deepcopy(honest)
    invented["education"][1]["area"] = "Nonprofit Management, Portland Metro University"
    assert ("degree", "Nonprofit Management, Portland Metro University") in _offenses(invented, source)


def test_an_issuers_acronym_is_the_issuers() -> None:
    source = _resume(
        _role("Front Office Manager", "Juniper House", "2022-01"),
        certificates=[{"name": "Certified Front Desk Representative (CFDR)",
                       "issuer": "American Hotel & Lodging Educational Institute", "date": "2015"}],
    )  # fmt: skip
    honest = copy.deepcopy(source)
    honest["education"] = [
        {"area": "AHLEI", "institution": "Certified Front Desk Representative (CFDR)", "endDate": "2015"}
    ]
    assert not _kinds(honest, source, *_STRUCTURED)
    invented = copy.deepcopy(source)
    invented["education"] = [
        {"area": "NRAEF", "institution": "Certified Front Desk Representative (CFDR)", "endDate": "2015"}
    ]
    assert _kinds(invented, source, "degree", "school", "certification")


def test_a_credential_shortened_to_its_own_words_keeps_its_date() -> None:
    source = _resume(
        _role("CT Technologist", "Valley Medical", "2022"),
        certificates=[{"name": "ARRT Registered Technologist", "issuer": "Radiography (R)", "date": "2020"},
                      {"name": "ARRT Computed Tomography (CT) post-primary", "date": "2022"}],
    )  # fmt: skip
    honest = copy.deepcopy(source)
    honest["certificates"] = [{"name": "ARRT", "issuer": "Radiography (R)", "date": "2020"},
                              {"name": "ARRT", "issuer": "Computed Tomography (CT)", "date": "2022"}]  # fmt: skip
    assert not _kinds(honest, source, *_STRUCTURED)
    backdated = copy.deepcopy(honest)
    backdated["certificates"][1]["date"] = "2020"
    assert ("date", "2020") in _offenses(backdated, source)
