"""Layouts first met in resumes written outside the team (each test is one that parsed wrongly)."""

from __future__ import annotations

from typing import Any

import pytest

from app.grounding import find_dates
from app.resume import ContactVault, parse_resume_text
from app.resume._names import split_postnominals
from app.resume._sections_dates import find_range


def _roles(doc: dict[str, Any]) -> list[tuple[str, str, str | None, str | None]]:
    return [
        (w.get("name", ""), w.get("position", ""), w.get("startDate"), w.get("endDate")) for w in doc["work"]
    ]


def test_a_credential_named_like_its_section_is_an_item_not_a_heading() -> None:
    doc = parse_resume_text(
        "Marcus Oyelaran\nmarcus@example.com\n\nLICENSES & CERTIFICATIONS\n\n"
        "Ohio Journeyman Electrician License\nOSHA 30-Hour Construction\n"
    )
    assert [c["name"] for c in doc["certificates"]] == [
        "Ohio Journeyman Electrician License",
        "OSHA 30-Hour Construction",
    ]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("ene. 2019 – actualidad", "2019-01", None),
        ("sept. 2015 – dic. 2018", "2015-09", "2018-12"),
        ("févr. 2016 – juil. 2018", "2016-02", "2018-07"),
        ("Okt. 2017 – Dez. 2019", "2017-10", "2019-12"),
        ("2010–11", "2010", "2011"),  # an en dash: two years, not November 2010
        ("1999—00", "1999", "2000"),
    ],
)
def test_dates_as_other_languages_and_academics_write_them(text: str, start: str, end: str | None) -> None:
    dates, _ = find_range(text)
    assert dates is not None and (dates.start, dates.end) == (start, end)


def test_a_hyphenated_year_month_stays_a_month_and_ago_is_no_month() -> None:
    assert [d.iso() for d in find_dates("2010-11")] == ["2010-11"]
    assert [d.iso() for d in find_dates("five years ago 2019")] == ["2019"]


def test_academic_appointments_are_work() -> None:
    doc = parse_resume_text(
        "Aiko Nakamura, Ph.D.\na.nakamura@example.org\n\nACADEMIC APPOINTMENTS\n\n"
        "2019–present   Associate Research Scientist, Halvorsen Institute for Ocean Research\n"
        "               - Principal investigator on 3 funded projects\n\n"
        "2010–11        Visiting Researcher, Pacific Carbon Observatory\n"
    )
    assert _roles(doc) == [
        ("Halvorsen Institute for Ocean Research", "Associate Research Scientist", "2019", None),
        ("Pacific Carbon Observatory", "Visiting Researcher", "2010", "2011"),
    ]


@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("Priya Ramanathan, RN, BSN", "Priya Ramanathan"),
        ("Jonathan A. Pierce-Walden, Esq.", "Jonathan A. Pierce-Walden"),
        ("AIKO NAKAMURA-LINDQVIST, Ph.D.", "AIKO NAKAMURA-LINDQVIST"),
        ("Doe, Jane", "Doe, Jane"),  # surname first: all of it is the name
        ("DOE, JANE", "DOE, JANE"),
    ],
)
def test_credentials_after_a_name_are_not_the_name(name: str, core: str) -> None:
    assert split_postnominals(name)[0] == core


def test_a_credential_after_the_name_is_not_pseudonymised_in_the_text() -> None:
    vault = ContactVault.from_resume({"basics": {"name": "Priya Ramanathan, RN, BSN"}})
    text = vault.pseudonymise("Priya Ramanathan earned a BSN in 2012.")
    assert "BSN" in text and "Priya" not in text and "Ramanathan" not in text


def test_a_name_line_ending_in_esq_is_the_name() -> None:
    doc = parse_resume_text("# Jonathan A. Pierce-Walden, Esq.\n\njpw@example.com | (617) 555-0193\n")
    assert doc["basics"]["name"] == "Jonathan A. Pierce-Walden, Esq."


def test_education_lines_of_one_shape_are_one_entry_each() -> None:
    doc = parse_resume_text(
        "Marcus Oyelaran\nmarcus@example.com\n\nEDUCATION\n\n"
        "Columbus State Community College — Certificate in Electrical Technology\n"
        "Independent Electrical Contractors of Central Ohio — Electrical Apprenticeship Program\n"
    )
    assert [e["institution"] for e in doc["education"]] == [
        "Columbus State Community College",
        "Independent Electrical Contractors of Central Ohio",
    ]


def test_an_ambiguous_role_follows_the_order_the_other_roles_use() -> None:
    roles = [("General Manager", "Solmar Bay Resort & Spa"), ("Front Office Manager", "Coral Gate Inn"),
             ("Hotel Manager", "The Linden House Hotel"), ("Guest Services Agent", "Harborlight Suites")]  # fmt: skip
    body = "\n\n".join(
        f"{t}\n{c} · {2020 - 3 * i} – {2023 - 3 * i}\n• Did things" for i, (t, c) in enumerate(roles)
    )
    doc = parse_resume_text(f"Ana Ruiz\nana@example.com\n\nEXPERIENCE\n\n{body}\n")
    assert [(w["position"], w["name"]) for w in doc["work"]] == roles


def test_an_employer_keeps_its_city_and_state_apart() -> None:
    doc = parse_resume_text(
        "Rebecca Thornbury\nrt@example.org\n\nExperience:\n\n"
        "Fourth Grade Teacher — Champlain Valley Elementary School, South Burlington, VT\n"
        "Mar. 2018 to Nov. 2020\nTaught a class of 24 students.\n"
    )
    work = doc["work"][0]
    assert (work["name"], work["location"]) == ("Champlain Valley Elementary School", "South Burlington, VT")


def test_a_one_line_role_whose_work_follows_its_dates_and_a_colon() -> None:
    from app.resume import load_resume_source

    text = "Jo Park\njo@example.com\n\n## Volunteer\nLogistics Chair, Northside Food Pantry 5K (2019 – present): coordinate permits and 60 volunteers\n"
    role = load_resume_source(text)["volunteer"][0]
    assert role["organization"] == "Northside Food Pantry 5K" and role["position"] == "Logistics Chair"
    assert role["highlights"] == ["coordinate permits and 60 volunteers"]


# Batch 5 (golden/fabrications/b5): layouts its faithful tailorings were flagged for, read the same
# way in a plain-text source and a markdown output.


def test_several_roles_under_one_employer_sub_heading_are_each_a_role() -> None:
    doc = parse_resume_text(
        "# Renata Solberg\nrenata@example.com\n\n## Professional Experience\n\n"
        "### Pinecrest Scheduling — Austin, TX\n*B2B SaaS, approximately 9,000 customers*\n\n"
        "**Director of Customer Support** | May 2022 – Present\n- Lead a 60-person support organization.\n\n"
        "**Senior Manager, Customer Support** | January 2019 – April 2022\n- Built the Tier 2 team.\n\n"
        "### Bluecanal Payroll — Dallas, TX\n**Customer Support Team Lead** | March 2015 – December 2018\n"
        "- Led a team of 9 agents.\n\n**Customer Support Specialist** | June 2013 – February 2015\n"
        "- Answered 60–80 tickets a day.\n"
    )
    assert _roles(doc) == [
        ("Pinecrest Scheduling", "Director of Customer Support", "2022-05", None),
        ("Pinecrest Scheduling", "Senior Manager, Customer Support", "2019-01", "2022-04"),
        ("Bluecanal Payroll", "Customer Support Team Lead", "2015-03", "2018-12"),
        ("Bluecanal Payroll", "Customer Support Specialist", "2013-06", "2015-02"),
    ]
    assert doc["work"][0]["description"] == "B2B SaaS, approximately 9,000 customers"
    assert doc["work"][3]["highlights"] == ["Answered 60–80 tickets a day."]


def test_a_table_of_roles_then_bullets_per_employer_then_labelled_lines() -> None:
    doc = parse_resume_text(
        "KEISHA MORGAN\nStore Manager\nkeisha@example.com\n\nRole | Company | Dates\n"
        "Store Manager | Hearth & Willow Home (Store #212, SouthPark) | 2021 – now\n"
        "Sales Associate → Key Holder | Piedmont Outfitters | 2012 – 2015\n\n"
        "What I did at Hearth & Willow #212\n* Run a $7.8M-volume store with 28 associates.\n\n"
        "Piedmont Outfitters\n* Trained new hires on folding standards.\n\n"
        "Education: A.A.S. Business Administration, Catawba Ridge Community College, 2012\n"
        "Skills: visual merchandising · planogram execution · Oracle Retail\n"
    )
    assert _roles(doc) == [
        ("Hearth & Willow Home (Store #212, SouthPark)", "Store Manager", "2021", None),
        ("Piedmont Outfitters", "Sales Associate → Key Holder", "2012", "2015"),
    ]
    assert doc["work"][0]["highlights"] == ["Run a $7.8M-volume store with 28 associates."]
    assert doc["work"][1]["highlights"] == ["Trained new hires on folding standards."]
    assert doc["education"][0]["institution"] == "Catawba Ridge Community College"
    assert doc["skills"][0]["keywords"] == ["visual merchandising", "planogram execution", "Oracle Retail"]


def test_a_cv_qualifications_list_is_degrees_and_certificates() -> None:
    doc = parse_resume_text(
        "CURRICULUM VITAE\n\nTomasz Hale\nt@example.com\n\nQualifications\n"
        "- MBA, Operations Management, Northgate School of Business, 2016\n"
        "- APICS CPIM (Certified in Planning and Inventory Management), 2014\n\n"
        "Professional Experience\n\nSupply Planner\nNorthfield Foods, Minneapolis, MN\n2014 – 2019\n"
        "- Built weekly production schedules.\n\nSystems\nSAP IBP (Demand, Supply), Kinaxis\n"
    )
    assert [(e.get("studyType"), e.get("institution")) for e in doc["education"]] == [
        ("MBA", "Northgate School of Business")
    ]
    assert [c["name"] for c in doc["certificates"]] == ["APICS CPIM"]
    assert "label" not in doc["basics"] and "summary" not in doc["basics"]
    assert doc["skills"][0]["keywords"] == ["SAP IBP (Demand, Supply)", "Kinaxis"]


def test_a_schedule_note_or_a_labelled_list_is_no_part_of_a_role_header() -> None:
    doc = parse_resume_text(
        "Lucia Benavides\nlucia@example.com\n\nWORK\n"
        "Certified Nursing Assistant, Oakhurst Post-Acute Care · 2023 – 2026 · part-time, 16–24 hrs/week\n"
    )
    assert _roles(doc) == [("Oakhurst Post-Acute Care", "Certified Nursing Assistant", "2023", "2026")]
    assert doc["work"][0]["description"] == "part-time, 16–24 hrs/week"
    clinical = parse_resume_text(
        "# Lucia Benavides\nlucia@example.com\n\n## Clinical Experience\n"
        "**Senior Practicum** — Valley Sutter Regional Medical Center · 144 hours\n- Cared for four patients\n\n"
        "**Clinical rotations:** telemetry step-down, labor & delivery, pediatrics\n"
    )
    assert [w["name"] for w in clinical["work"]] == ["Valley Sutter Regional Medical Center"]
