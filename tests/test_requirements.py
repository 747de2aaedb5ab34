"""The JD analyst and the evidence mapper (issue 13): requirements are whole phrases the JD states,
alternatives are one requirement, and a bullet evidences a requirement in other word forms."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import pytest

from app.grounding import MUST, Requirement, SkillLexicon, extract_requirements, map_evidence, mentions
from app.grounding._requirement_items import GENERIC
from app.models import ModelClient
from app.pipeline import tailor
from app.pipeline._assemble import suggestions
from app.registry import open_registry
from app.resume import job_description_text, load_resume_source, render_markdown
from app.settings import get_settings
from tests.conftest import FIXTURES
from tests.fakes import ScriptedLLM

PUBLIC = FIXTURES / "jd_public"


def _names(jd: str) -> list[str]:
    return [r.name for r in extract_requirements(jd)]


def _requirements(line: str) -> dict[str, Requirement]:
    return {r.name: r for r in extract_requirements("Requirements:\n- " + line)}


def _is_fragment(name: str) -> bool:
    words = name.lower().split()
    return (
        "  " in name
        or words[0] in ("and", "or", "&")
        or all(w in GENERIC for w in words if w not in ("and", "or", "of", "the"))
    )


# ------------------------------------------------------------------ 1. never a fragment
@pytest.mark.parametrize(
    "line",
    [
        "Experience with Spring and Hibernate frameworks",
        "Experience with AWS or GCP platforms",
        "Knowledge of MySQL and PostgreSQL databases",
        "Knowledge of SEO and SEM strategies",
        "Familiarity with CI/CD tools and practices",
        "Experience with Jira and Confluence tools",
        "Experience with Agile development methodologies",
        "At least 5 years of experience in Java development",
        "Strong understanding of software development best practices",
        "Knowledge of database technologies such as Oracle, MySQL, or SQL Server",
    ],
)
def test_no_requirement_is_a_fragment_left_over_from_a_skill(line: str) -> None:
    names = list(_requirements(line))
    assert names, line
    assert not [n for n in names if _is_fragment(n)], names


def test_a_public_jd_yields_no_fragments() -> None:
    names = _names((PUBLIC / "resume-matcher.job_2.txt").read_text())
    assert not [n for n in names if _is_fragment(n)], names
    for fragment in (
        "technologies",
        "methodologies",
        "development",
        "best practices",
        "database technologies",
    ):
        assert fragment not in names
    assert {"Java", "Agile", "Git", "HTML", "CSS", "JavaScript"} <= set(names)


def test_phrases_the_jd_states_are_still_requirements() -> None:
    found = _requirements("Experience with stakeholder reporting")
    assert list(found) == ["stakeholder reporting"]
    assert "SaaS environment" in _names((PUBLIC / "resume-matcher.product-manager.txt").read_text())


# ------------------------------------------------------------------ 2. what the JD states
def test_a_team_named_in_passing_is_not_a_skill_requirement() -> None:
    assert "Visual Merchandising" not in _names(
        "What you'll do\n- Partner with merchandising to plan promotions"
    )
    assert SkillLexicon.default().canonical("merchandising") is None
    assert "Visual Merchandising" in _names("Requirements:\n- Visual merchandising experience")


@pytest.mark.parametrize(
    ("line", "whole", "parts"),
    [
        ("Experience with SAP IBP", "SAP IBP", ["SAP", "IBP"]),
        ("APICS CPIM certification", "APICS CPIM", ["APICS", "CPIM"]),
        ("Proficiency in Google Analytics 4", "Google Analytics 4", ["Google Analytics"]),
    ],
)
def test_a_compound_name_stays_whole(line: str, whole: str, parts: list[str]) -> None:
    names = list(_requirements(line))
    assert whole in names
    assert not set(parts) & set(names)


def test_a_compound_name_is_not_evidenced_by_its_first_word() -> None:
    assert not mentions("Led the SAP S/4HANA rollout", "SAP IBP")
    assert mentions("Ran demand planning in SAP IBP", "SAP IBP")
    assert not mentions("Built Google Analytics dashboards", "Google Analytics 4")
    assert mentions("Migrated tracking to GA4", "Google Analytics 4")
    assert mentions("Python programming for ETL", "experience with Python"), (
        "a skill still carries its phrase"
    )


def test_a_version_is_not_a_number_of_years() -> None:
    assert "Python" in _names("Requirements:\n- Python 3+ years")
    assert "SQL" in _names("Requirements:\n- SQL 5 years")


# ------------------------------------------------------------------ 3. alternatives
@pytest.mark.parametrize(
    ("line", "name", "alternatives"),
    [
        ("Experience with Tableau or Power BI", "Tableau or Power BI", ("Tableau", "Power BI")),
        ("Zendesk, Freshdesk or similar", "Zendesk, Freshdesk or similar", ("Zendesk", "Freshdesk")),
        ("Hands-on experience with HubSpot or Marketo", "HubSpot or Marketo", ("HubSpot", "Marketo")),
        (
            "A BS in Computer Science or equivalent experience",
            "BS in Computer Science or equivalent experience",
            ("BS in Computer Science",),
        ),
        (
            "Experience with SQL, Python or advanced analytics",
            "SQL, Python or advanced analytics",
            ("SQL", "Python", "advanced analytics"),
        ),
        (
            "Kafka or other event streaming",
            "Kafka or other event streaming",
            ("Apache Kafka", "event streaming"),
        ),
    ],
)
def test_alternatives_are_one_requirement(line: str, name: str, alternatives: tuple[str, ...]) -> None:
    found = _requirements(line)
    assert list(found) == [name]
    assert found[name].alternatives == alternatives


def test_and_lists_stay_separate_and_mixed_lists_split_at_and() -> None:
    assert _names("Requirements:\n- Strong Python and SQL") == ["Python", "SQL"]
    assert _names("Requirements:\n- HTML, CSS, and JavaScript") == ["HTML", "CSS", "JavaScript"]
    assert _names("Requirements:\n- Python, SQL and Tableau or Power BI") == [
        "Python",
        "SQL",
        "Tableau or Power BI",
    ]


def test_alternatives_broken_across_lines_are_read_whole() -> None:
    jd = (PUBLIC / "resume-matcher.backend-eng.txt").read_text()
    found = {r.name: r for r in extract_requirements(jd)}
    assert found["Kubernetes or ECS"].alternatives == ("Kubernetes", "Amazon ECS")
    assert found["GitHub Actions or CircleCI"].alternatives == ("GitHub Actions", "CircleCI")
    pm = {
        r.name: r for r in extract_requirements((PUBLIC / "resume-matcher.product-manager.txt").read_text())
    }
    assert pm["Amplitude, Mixpanel, or Looker"].alternatives == ("Amplitude", "Mixpanel", "Looker")


def _resume(*highlights: str, skills: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "basics": {"name": "Ana Diaz"},
        "work": [{"name": "Acme", "position": "Analyst", "highlights": list(highlights)}],
        "skills": [{"name": "Tools", "keywords": list(skills)}],
    }


def test_any_alternative_evidences_and_no_suggestion_names_the_missing_one() -> None:
    reqs = extract_requirements("Requirements:\n- Tableau or Power BI\n- HubSpot or Marketo\n- Looker")
    emap = map_evidence(_resume("Built 12 Tableau dashboards for sales"), reqs)
    assert emap.where["Tableau or Power BI"] == ["work[0].highlights[0]"]
    assert emap.terms_for("work[0].highlights[0]") == ["Tableau"], "the line's terms are what it shows"
    named = {s.requirement for s in suggestions(emap) if s.status == "needs evidence"}
    assert named == {"HubSpot or Marketo", "Looker"}
    assert not any("Power BI" in s.note for s in suggestions(emap))


def test_an_alternative_shown_only_in_skills_is_named_for_what_it_is() -> None:
    reqs = extract_requirements("Requirements:\n- Tableau or Power BI")
    emap = map_evidence(_resume("Wrote SQL", skills=("Power BI",)), reqs)
    [only] = suggestions(emap)
    assert only.status == "evidenced only in skills"
    assert only.note.startswith("Power BI (the job asks for Tableau or Power BI)")
    assert emap.evidenced_terms() == ["Power BI"], "a summary may name Power BI, never Tableau"


def test_the_matcher_reads_alternatives_in_a_label() -> None:
    assert mentions("Built Zendesk macros", "Zendesk, Freshdesk or similar")
    assert not mentions("Answered tickets by phone", "Zendesk, Freshdesk or similar")
    assert not mentions("Circulating nurse in the OR", "Epic or Cerner"), "no alternative: not mentioned"


# ------------------------------------------------------------------ 4. word forms, degrees, the taxonomy's place
@pytest.mark.parametrize(
    ("line", "requirement"),
    [
        ("Collaborated cross-functionally with design and sales", "Cross-Functional Collaboration"),
        ("Communicated test results to executives weekly", "Communication"),
        (
            "Collaborated with cross-functional teams to ship a billing service",
            "Cross-Functional Collaboration",
        ),
        ("Delivered features using Agile methodologies", "Agile"),
    ],
)
def test_a_bullet_evidences_a_requirement_in_other_word_forms(line: str, requirement: str) -> None:
    reqs = [Requirement(requirement, MUST, requirement)]
    emap = map_evidence(_resume(line, skills=(requirement,)), reqs)
    assert "work[0].highlights[0]" in emap.where[requirement]
    assert not suggestions(emap), "evidenced in a bullet: no suggestion at all"


def test_a_degree_is_evidenced_by_the_education_entry() -> None:
    resume = _resume("Wrote SQL")
    resume["education"] = [{"institution": "UT Austin", "studyType": "BSc", "area": "Computer Science"}]
    [req] = extract_requirements("Requirements:\n- A BS in Computer Science or equivalent experience")
    assert map_evidence(resume, [req]).where[req.name] == ["education[0]"]
    assert mentions("BSN, State University, 2019", "Bachelor's degree in Nursing")
    assert not mentions("BA in English", "BS in Computer Science")
    assert mentions("PhD, Stanford", "Doctorate") and not mentions("Holds a doctorate", "PhD"), (
        "specific grounds general"
    )


def test_a_degree_field_list_and_its_open_end() -> None:
    [req] = extract_requirements(
        "Requirements:\n- Bachelor's degree in Chemical Engineering or a related discipline"
    )
    assert req.alternatives == ("Bachelor's degree in Chemical Engineering",), (
        "the related discipline names none"
    )
    [phd] = extract_requirements("Requirements:\n- PhD in molecular biology, cell biology or a related field")
    assert phd.alternatives == ("PhD in molecular biology", "PhD in cell biology")
    resume = load_resume_source(
        "Sam Lee\n## Education\n**B.S. Chemical Engineering** — Lakeview State, 2020\n"
    )
    assert map_evidence(resume, [req]).where[req.name] == ["education[0]"], '"B.S." ends no sentence here'


def test_the_evidence_mapper_takes_the_matcher_a_taxonomy_plugs_into() -> None:
    reqs = [Requirement("Version Control", MUST, "Version control (Git)")]
    resume = _resume("Managed releases with Git")
    assert not map_evidence(resume, reqs).evidenced, "a category word is not stated by its member"

    def with_categories(text: str, phrase: str) -> bool:
        return mentions(text, phrase) or (phrase == "Version Control" and mentions(text, "Git"))

    assert map_evidence(resume, reqs, matcher=with_categories).where["Version Control"] == [
        "work[0].highlights[0]"
    ]


# ------------------------------------------------------------------ 5. no invented heading
def test_an_experience_list_without_employer_renders_without_an_invented_heading() -> None:
    resume = load_resume_source(
        "Jane Smith\n\nExperience\n- Built REST APIs in Java\n- Managed releases with Git\n"
    )
    assert not resume["work"][0].get("name") and not resume["work"][0].get("position")
    markdown = render_markdown(resume)
    assert "Entry" not in markdown and "###" not in markdown
    assert re.search(r"## Experience\n\n- Built REST APIs in Java\n- Managed releases with Git", markdown)
    dated = render_markdown(
        {"basics": {"name": "A"}, "work": [{"startDate": "2019-01", "highlights": ["x"]}]}
    )
    assert "### 2019-01 – Present" in dated, "the dates are the entry's own heading"


# ------------------------------------------------------------------ public samples end to end (deterministic part)
def test_a_terse_public_resume_against_a_public_jd() -> None:
    resume = load_resume_source((PUBLIC / "resume-matcher.resume_1.txt").read_text())
    reqs = extract_requirements((PUBLIC / "resume-matcher.job_2.txt").read_text())
    emap = map_evidence(resume, reqs)
    found = {s.requirement: s.status for s in suggestions(emap)}
    assert not [name for name in found if _is_fragment(name)], found
    for evidenced in ("Agile", "Cross-Functional Collaboration", "Oracle, MySQL, or SQL Server", "Java"):
        assert evidenced not in found, (evidenced, found)
    degree = next(r for r in reqs if r.name.startswith("Bachelor's or Master's"))
    assert emap.where[degree.name], "Bachelor of Science in Computer Science meets it"


def test_a_json_resume_job_document_reads_whole() -> None:
    jd = job_description_text((PUBLIC / "jsonresume.sample.job.json").read_text())
    reqs = extract_requirements(jd)
    assert not [r.name for r in reqs if _is_fragment(r.name)]
    resume = json.loads((PUBLIC / "jsonresume.new-grad.resume.json").read_text())
    emap = map_evidence(resume, reqs)
    degree = "Bachelor's degree in Computer Science or related field"
    assert {"React", "JavaScript", degree} <= {r.name for r in emap.evidenced}
    assert next(r for r in reqs if r.name == degree).alternatives == (
        "Bachelor's degree in Computer Science",
    )
    assert {r.importance for r in reqs} == {MUST}


def test_a_model_cannot_add_the_alternative_the_candidate_lacks(fake_llm: ScriptedLLM) -> None:
    def propose(messages: list[dict[str, str]], params: dict[str, Any]) -> str:
        if params.get("response_format"):
            return '{"skills": ["Power BI", "Kafka", "Looker"], "adds_fact": false}'
        return messages[-1]["content"]

    fake_llm.responder = propose
    jd = "Data Analyst\nRequirements:\n- Tableau or Power BI\n- Kafka or other event streaming\n- Looker"
    resume = _resume("Built 12 Tableau dashboards for sales")
    pipeline = open_registry().resolve("v2-strict").with_model("fake/model")
    prompts = get_settings().registry / "prompts"
    result = asyncio.run(tailor(resume, jd, pipeline, client=ModelClient(), prompts_root=prompts))
    assert [r.name for r in result.requirements] == [
        "Tableau or Power BI",
        "Kafka or other event streaming",
        "Looker",
    ]
    assert {s.requirement for s in result.suggestions} == {"Kafka or other event streaming", "Looker"}
