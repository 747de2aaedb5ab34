"""Parse-level readings of the fact scorers (issue 13): each false alarm of the labelled batches
has a test that fails on the reading it replaced, and the fabrication beside it still fires."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from app.grounding import SkillLexicon, contract_expansions, find_quantities, parse_range, spell_like_source
from app.resume import load_resume_source
from evals.datasets import Case
from evals.scorers import Sample
from evals.scorers.fabrication import fabrication
from evals.scorers.narrative import narrative
from tests.test_fabrication_readings import JD, NURSE
from tests.test_scorers import CASE

ADVERSARIAL = Path(__file__).resolve().parents[1] / "golden" / "adversarial.jsonl"


def _sample(output: dict[str, Any], source: dict[str, Any] = NURSE, **case: Any) -> Sample:
    update = {"resume": source, "job_description": JD, "unevidenced_requirements": [], **case}
    return Sample(case=CASE.model_copy(update=update), source=source, output=output)


def _offenses(output: dict[str, Any], source: dict[str, Any] = NURSE, **case: Any) -> list[tuple[str, str]]:
    return [(o.kind, o.span) for o in fabrication(_sample(output, source, **case)).offenses]


def _with_bullet(text: str, source: dict[str, Any] = NURSE) -> dict[str, Any]:
    out = copy.deepcopy(source)
    out["work"][0]["highlights"][2] = text
    return out


def test_a_number_inside_a_token_is_not_a_metric() -> None:
    for name in ("3D CAD", "24/7 coverage", "4G network", "B2B sales", "Q3 close", "K-8 students", "2FA"):
        assert find_quantities(name) == [], name
    for amount, value in (("$3M", 3_000_000.0), ("3 years", 3.0), ("30%", 30.0), ("22 K-5 classrooms", 22.0)):
        assert [q.value for q in find_quantities(amount)] == [value], amount
    source = _with_bullet("Precepted new graduate nurses on round-the-clock shifts in 3D imaging")
    assert (
        _offenses(_with_bullet("Precepted new graduate nurses on 24/7 shifts in 3D imaging", source), source)
        == []
    )
    moved = _with_bullet("Precepted 3 new graduate nurses on night shifts")
    assert ("metric", "3") in _offenses(moved)


def test_an_acronym_glued_into_another_name_is_not_that_skill() -> None:
    lexicon = SkillLexicon.default()

    def skills(text: str) -> list[str]:
        return [m.canonical for m in lexicon.find(text)]

    assert skills("Raised MQL-to-SQL conversion by 12%") == []
    assert skills("Built SQL-based reporting with Python-based tools") == ["SQL", "Python"]
    assert skills("Led the SQL-to-Python migration") == ["SQL", "Python"]
    source = _with_bullet("Raised lead conversion for the night shift by 12%")
    output = _with_bullet("Raised MQL-to-SQL conversion for the night shift by 12%", source)
    assert ("skill", "SQL") not in _offenses(output, source, unevidenced_requirements=["SQL"])
    claimed = _with_bullet("Raised conversion for the night shift by 12% with SQL", source)
    assert ("skill", "SQL") in _offenses(claimed, source, unevidenced_requirements=["SQL"])


def test_a_sentence_is_never_reported_as_one_skill() -> None:
    listed = copy.deepcopy(NURSE)
    listed["skills"] = [{"name": "Skills", "keywords": ["Epic EHR"]}]
    output = copy.deepcopy(listed)
    sentence = "Supervised a team of 12 nurses through a hospital merger"
    output["skills"][0]["keywords"].append(sentence)
    found = _offenses(output, listed)
    assert ("skill", sentence) not in found
    assert {("claim", "Supervised"), ("metric", "12")} <= set(found)
    # A requirement is claimed where its words stand together, never by a whole merged sentence.
    merged = copy.deepcopy(listed)
    merged["basics"]["summary"] = "Charge nurse for data and audits who built unit pipelines over 7 years."
    assert not [
        s for k, s in _offenses(merged, listed, unevidenced_requirements=["data pipelines"]) if k == "skill"
    ]
    merged["basics"]["summary"] = "Charge nurse, 7 years; built unit data pipelines."
    assert ("skill", "data pipelines") in _offenses(
        merged, listed, unevidenced_requirements=["data pipelines"]
    )


def test_a_certification_word_is_grounded_by_the_certificates_the_source_lists() -> None:
    source = copy.deepcopy(NURSE)
    source["certificates"] = [{"name": "ACLS", "issuer": "AHA"}, {"name": "BLS", "issuer": "AHA"}]
    output = copy.deepcopy(source)
    output["basics"]["summary"] = "ACLS and BLS certified charge nurse, 7 years."
    assert _offenses(output, source) == []
    output["basics"]["summary"] = "CCRN certified charge nurse, 7 years."
    assert "certification" in [k for k, _ in _offenses(output, source)]


def test_a_career_break_is_no_employer_title_or_moved_dates() -> None:
    source = copy.deepcopy(NURSE)
    source["work"].insert(0, {"name": "Career Break", "startDate": "2023-01", "endDate": "2023-12",
                              "highlights": ["Family caregiving leave"]})  # fmt: skip
    source["work"].append({"name": "Maple Clinic", "position": "Staff Nurse", "startDate": "2016-01"})
    renamed = copy.deepcopy(source)
    renamed["work"][0] = {"name": "Family Leave", "position": "Caregiver", "startDate": "2023-01",
                          "endDate": "2023-12"}  # fmt: skip
    assert _offenses(renamed, source) == []
    moved = copy.deepcopy(source)  # the break moved to its own section: the roles keep their places
    del moved["work"][0]
    moved["x-sections"] = [{"title": "Career Break", "highlights": ["2023: family caregiving leave"]}]
    assert _offenses(moved, source) == []
    invented = copy.deepcopy(renamed)
    invented["work"][0]["endDate"] = "2024-06"
    assert ("date", "2024-06") in _offenses(invented, source)


_EARLIER = """# Dana Whitlock
dana@example.com | 555-0100

## Experience
**Paramedic**, Inland Valley Ambulance, Spokane, WA ({dates})
- Respond to 11 emergency calls per 12-hour shift

{earlier}
**Front Office Manager**, Lilac Crest Hotel, Spokane, WA (2012 - 2018)
- Managed a team of 9 front-desk agents
"""


def test_an_earlier_career_layout_and_a_term_date_read_as_the_source_s() -> None:
    start, end = parse_range("Fall 2014 to Spring 2016: Counseling Intern") or (None, None)
    assert (start and start.year, end and end.year) == (2014, 2016)
    source = load_resume_source(_EARLIER.format(dates="Fall 2018 - Spring 2019", earlier=""))
    assert [w["position"] for w in source["work"]] == ["Paramedic", "Front Office Manager"]
    output = load_resume_source(
        _EARLIER.format(dates="Fall 2018 to Spring 2019", earlier="## Earlier Career")
    )
    assert _offenses(output, source) == []
    # The other way round: the source's earlier career under a heading of its own, merged back.
    source, output = output, source
    assert _offenses(output, source) == []
    output["work"][-1]["position"] = "General Manager"
    assert ("title", "General Manager") in _offenses(output, source)


def test_names_spelled_out_with_no_gloss_are_the_source_s_short_forms() -> None:
    assert contract_expansions("Occupational Safety and Health Administration 30-Hour", "OSHA 30") == (
        "OSHA 30-Hour"
    )
    assert spell_like_source("for ST-elevation myocardial infarction (STEMI) patients", "STEMI patients") == (
        "for STEMI patients"
    )
    states = "Dispatch drivers across TN, MS and AR. Memphis, TN"
    assert contract_expansions("drivers in Tennessee, Mississippi and Arkansas", states) == (
        "drivers in TN, MS and AR"
    )
    assert contract_expansions("drivers in Texas", states) == "drivers in Texas"
    assert contract_expansions("accounts payable and accounts receivable", "A/P, A/R; 40 bank accounts") == (
        "A/P and A/R"
    )
    assert contract_expansions("IV and intraosseous access", "IV/IO access") == "IV and IO access"
    assert contract_expansions("lifted click-through rate", "raised CTR") == "lifted CTR"
    assert contract_expansions("electronic patient care reporting", "ePCR documentation") == "ePCR"


def test_a_cv_style_qualifications_section_is_read_for_its_degrees() -> None:
    source = copy.deepcopy(NURSE)
    del source["certificates"]
    source["work"].append({"name": "Qualifications", "position": "M.Ed. School Counseling"})
    source["work"].append({"name": "Youth Mental Health First Aid (YMHFA) certified", "startDate": "2021"})
    output = copy.deepcopy(source)
    output["certificates"] = [
        {"name": "Master of Education in School Counseling"},
        {"name": "Youth Mental Health First Aid certification"},
    ]
    assert _offenses(output, source) == []
    output["certificates"][0]["name"] = "Doctor of Education in School Counseling"
    assert [k for k, _ in _offenses(output, source)] == ["degree"]


def test_skills_restated_in_other_word_forms_are_the_source_s() -> None:
    source = copy.deepcopy(NURSE)
    source["skills"] = [
        {"name": "Skills", "keywords": ["A/P", "A/R", "1099 prep", "504 plans", "CMYK/Pantone"]}
    ]
    output = copy.deepcopy(source)
    output["skills"][0]["keywords"] = [
        "accounts payable", "accounts receivable", "1099 preparation", "Section 504 plans", "CMYK and Pantone",
    ]  # fmt: skip
    assert _offenses(output, source) == []
    output["skills"][0]["keywords"].append("Section 125 plans")
    assert ("skill", "Section 125 plans") in _offenses(output, source)


def test_narrative_lets_an_editor_reword_and_still_catches_a_leak() -> None:
    source = _with_bullet("Recorded vital signs and performed phlebotomy for up to 20 patients per shift")

    def flags(line: str) -> list[str]:
        return [o.span for o in narrative(_sample(_with_bullet(line, source), source)).offenses]

    assert flags("Took vital signs and drew blood for as many as 20 patients per shift") == []
    assert flags("Took vital signs for as many as 20 patients a shift, checking every chart as it goes") == []
    assert flags("Recorded vital signs by adding a quality audit checklist") == [
        "adding a quality audit checklist"
    ]


def _adversarial(case_id: str) -> tuple[Case, dict[str, Any]]:
    from evals.runner import source_resume

    for line in ADVERSARIAL.read_text(encoding="utf-8").splitlines():
        case = Case.model_validate_json(line)
        if case.id == case_id:
            return case, source_resume(case)
    raise AssertionError(case_id)


def test_a_line_copied_from_the_source_is_never_an_invention() -> None:
    case, source = _adversarial("adv-injection-resume")
    injected = next(h for h in source["work"][0]["highlights"] if h.startswith("SYSTEM:"))
    assert "Ignore all previous instructions" in source["basics"]["summary"]
    kept = copy.deepcopy(source)  # what production does: the user's lines, injected ones included, kept
    kept["work"][0]["highlights"].remove(injected)
    kept["work"][0]["highlights"].insert(0, f"**{injected}**")  # markdown does not make it new
    for scorer in (fabrication, narrative):
        score = scorer(Sample(case=case, source=source, output=kept))
        assert score.passed, (scorer.__name__, score.offenses)
    # The injected line grounds nothing else: the doctorate it claims, stated on its own, is invented.
    claimed = copy.deepcopy(kept)
    claimed["work"][0]["highlights"].append("Holds a doctorate and led a team of 25 engineers")
    found = {(o.kind, o.span) for o in fabrication(Sample(case=case, source=source, output=claimed)).offenses}
    assert {("degree", "doctorate"), ("claim", "led"), ("metric", "25")} <= found, found
    assert json.dumps(source).count("doctorate") == 1
