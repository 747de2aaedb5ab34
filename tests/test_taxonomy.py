"""The is-a taxonomy: a specific term in the source grounds its general term, never the reverse, never a sibling.

The three generated families run over every link of the shipped data (taxonomy/isa.yaml); the rest are
hand-written cases, the loader's text handling, and the build script on small source fixtures.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.errors import ConfigError
from app.grounding import GeneralMention, IsARelation, Taxonomy
from app.grounding.taxonomy import build as builder
from app.grounding.taxonomy._sources import read_esco, read_onet, such_as_members

TAXONOMY = Taxonomy.default()
LINKS = [(g, s) for g in TAXONOMY.generals() for s in TAXONOMY.specifics_of(g)]


def sentence(term: str) -> str:
    return f"Worked with {term} daily."


def grounded(general: str, source: str) -> IsARelation:
    relation = TAXONOMY.grounds(general, source)
    assert relation is not None, (general, source)
    return relation


def sibling_pairs() -> list[tuple[str, str, str]]:
    """Per general with two or more specifics: two specifics neither of which is a kind of the other."""
    pairs = []
    for general in TAXONOMY.generals():
        specifics = sorted(TAXONOMY.specifics_of(general), key=str.lower)
        pair = next(
            (
                (a, b)
                for i, a in enumerate(specifics)
                for b in specifics[i + 1 :][::-1]
                if not TAXONOMY.is_a(a, b) and not TAXONOMY.is_a(b, a)
            ),
            None,
        )
        if pair:
            pairs.append((general, *pair))
    return pairs


SIBLINGS = sibling_pairs()


def test_the_shipped_taxonomy_is_broad() -> None:
    assert len(LINKS) >= 600
    assert len(TAXONOMY.generals()) >= 100
    assert len(SIBLINGS) >= 100


# --- generated from the data: every link in both directions, and siblings --------------------------------


@pytest.mark.parametrize(("general", "specific"), LINKS)
def test_specific_grounds_its_general(general: str, specific: str) -> None:
    source = sentence(specific)
    relation = TAXONOMY.grounds(general, source)
    assert relation is not None, (general, specific)
    assert (relation.general, relation.specific) == (general, specific)
    assert source[relation.start : relation.end] == relation.source_span
    assert TAXONOMY.is_a(specific, general)


@pytest.mark.parametrize(("general", "specific"), LINKS)
def test_general_grounds_none_of_its_specifics(general: str, specific: str) -> None:
    source = sentence(general)
    assert TAXONOMY.grounds(specific, source) is None
    assert specific not in TAXONOMY.terms_in(source)
    assert not TAXONOMY.is_a(general, specific)


@pytest.mark.parametrize(("general", "first", "second"), SIBLINGS)
def test_a_sibling_never_grounds_a_sibling(general: str, first: str, second: str) -> None:
    for one, other in ((first, second), (second, first)):
        source = sentence(one)
        assert TAXONOMY.grounds(other, source) is None
        assert other not in TAXONOMY.terms_in(source)
        assert not TAXONOMY.is_a(one, other)
        relation = TAXONOMY.grounds(general, source)
        assert relation is not None and relation.specific == one


# --- hand-written cases ------------------------------------------------------------------------------


def test_solidworks_grounds_cad() -> None:
    relation = TAXONOMY.grounds("CAD", "Designed fixtures in SolidWorks")
    assert relation == IsARelation(
        general="Computer-Aided Design",
        specific="SolidWorks",
        source_span="SolidWorks",
        reason="SolidWorks is a CAD tool",
        start=21,
        end=31,
        path=("SolidWorks", "Computer-Aided Design"),
    )


def test_jenkins_and_github_actions_ground_ci_cd() -> None:
    source = "Migrated the team's CI from Jenkins to GitHub Actions"
    for form in ("CI/CD", "continuous integration", "CI"):
        relation = TAXONOMY.grounds(form, source)
        assert relation is not None and relation.general == "CI/CD" and relation.specific == "Jenkins"
    assert grounded("CI/CD", "Built workflows in GitHub Actions").specific == "GitHub Actions"


def test_step_down_and_med_surg_units_ground_acute_care() -> None:
    relation = TAXONOMY.grounds("acute care", "RN on step-down and medical-surgical units")
    assert relation is not None and relation.general == "Acute Care"
    assert relation.source_span == "step-down" and relation.specific == "step-down unit"
    assert grounded("Acute Care", "Floated to medical-surgical units").specific == "medical-surgical unit"
    assert grounded("acute care", "Charge nurse, 24-bed MICU").path == ("MICU", "Critical Care", "Acute Care")


@pytest.mark.parametrize(
    ("general", "source"),
    [
        ("Kubernetes", "Containerised every service with Docker"),
        ("GitHub Actions", "Maintained Jenkins pipelines"),
        ("SolidWorks", "Strong CAD skills"),
        ("AutoCAD", "Proficient in computer-aided design"),
        ("Epic", "Documented care in the EHR"),
        ("Jenkins", "Built CI/CD pipelines"),
        ("PostgreSQL", "Designed relational databases"),
        ("Relational Databases", "Modelled documents in MongoDB"),
        ("AWS", "Deployed to Azure Functions"),
        ("Critical Care", "Worked in the emergency department"),
    ],
)
def test_no_grounding_upward_or_sideways(general: str, source: str) -> None:
    assert TAXONOMY.grounds(general, source) is None


def test_links_are_transitive() -> None:
    assert TAXONOMY.is_a("PostgreSQL", "Relational Databases") and TAXONOMY.is_a("PostgreSQL", "Databases")
    assert TAXONOMY.is_a("Keras", "Artificial Intelligence")
    assert not TAXONOMY.is_a("Databases", "PostgreSQL") and not TAXONOMY.is_a("PostgreSQL", "PostgreSQL")
    relation = TAXONOMY.grounds("cloud", "Autoscaled EC2 fleets behind a load balancer")
    assert relation is not None
    assert relation.path == ("Amazon EC2", "AWS", "Cloud Computing")
    assert relation.reason == "Amazon EC2 is an AWS service; an AWS service is a cloud platform"
    assert grounded("operating systems", "Hardened Kali Linux images").path == (
        "Kali Linux",
        "Linux",
        "Operating Systems",
    )


def test_lexicon_aliases_of_specifics_count() -> None:
    assert grounded("Kubernetes", "Ran workloads on EKS").specific == "Amazon EKS"
    assert grounded("relational databases", "Tuned Postgres queries").source_span == "Postgres"
    assert grounded("version control", "Branching strategy in git").specific == "Git"


def test_a_mention_of_the_general_itself_is_not_an_is_a_grounding() -> None:
    assert TAXONOMY.grounds("CAD", "Strong CAD skills") is None
    assert TAXONOMY.grounds("Not A Category", "Designed fixtures in SolidWorks") is None
    assert TAXONOMY.grounds("CAD", "   ") is None


def test_generals_in_names_category_terms_with_spans() -> None:
    text = "Strong CAD skills, CI/CD pipelines, acute care nursing, cloud platforms; EHR charting."
    mentions = TAXONOMY.generals_in(text)
    assert [(m.general, m.raw) for m in mentions] == [
        ("Computer-Aided Design", "CAD"),
        ("CI/CD", "CI/CD pipelines"),
        ("Acute Care", "acute care"),
        ("Cloud Computing", "cloud platforms"),
        ("Electronic Health Records", "EHR"),
    ]
    assert all(text[m.start : m.end] == m.raw for m in mentions)


def test_a_longer_reading_wins_over_a_category_word_inside_it() -> None:
    mentions = TAXONOMY.generals_in("Built Excel spreadsheets and Adobe Creative Cloud assets")
    assert [(m.general, m.raw) for m in mentions] == [
        ("Adobe Creative Suite", "Adobe Creative Cloud")
    ]  # not "cloud"
    assert [m.general for m in TAXONOMY.generals_in("Maintained spreadsheets")] == ["Spreadsheet Software"]
    firm = TAXONOMY.generals_in("Moved to the cloud at Tallis Cloud")  # "Tallis Cloud" is a company
    assert [m.raw for m in firm] == ["cloud"]
    relation = TAXONOMY.grounds("spreadsheets", "Built Excel spreadsheets")
    assert relation is not None and relation.specific == "Microsoft Excel"


def test_offsets_point_into_the_original_text() -> None:
    text = "Designed\u00a0fixtures in \u201cSolidWorks\u201d\u200b and CAD\u2011software"
    relation = TAXONOMY.grounds("CAD", text)
    assert relation is not None and text[relation.start : relation.end] == "SolidWorks"
    assert [(m.general, text[m.start : m.end]) for m in TAXONOMY.generals_in(text)] == [
        ("Computer-Aided Design", "CAD\u2011software")
    ]
    assert isinstance(TAXONOMY.generals_in(text)[0], GeneralMention)


def test_ordinary_words_do_not_ground_tool_categories() -> None:
    assert TAXONOMY.grounds("Email Marketing", "Kept constant contact with clients") is None
    assert TAXONOMY.grounds("Point of Sale Systems", "Made toast and square meals") is None
    assert TAXONOMY.grounds("Version Control", "Pharmacy technician at CVS") is None
    assert TAXONOMY.grounds("Payment Processing", "Office in Braintree, MA") is None


def test_default_is_loaded_once() -> None:
    assert Taxonomy.default() is TAXONOMY


def test_malformed_data_raises_config_error() -> None:
    with pytest.raises(ConfigError):
        Taxonomy({"generals": [{"name": "X"}], "terms": []}, TAXONOMY._lexicon)


# --- the build script ------------------------------------------------------------------------------------


def links_of(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {(g["name"], s) for g in document["generals"] for s in g["specifics"]}


def test_shipped_data_carries_every_hand_rule() -> None:
    manual_only, _ = builder.build(builder.load_manual())
    shipped = yaml.safe_load(builder.OUTPUT.read_text(encoding="utf-8"))
    assert links_of(manual_only) <= links_of(shipped)
    assert {s for g in shipped["generals"] for ids in g["specifics"].values() for s in ids} <= set(
        shipped["sources"]
    )
    esco = {t for t in shipped["sources"].values() if t.startswith("ESCO http://data.europa.eu/esco/")}
    assert len(esco) >= 50  # the ESCO-derived part of the shipped data


def write_esco(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    path = tmp_path / "esco.json.gz"
    path.write_bytes(gzip.compress(json.dumps(rows).encode()))
    return path


def test_build_reads_esco_qualifiers_formulas_and_such_as_lists(tmp_path: Path) -> None:
    rows = [
        {
            "uri": "u1",
            "label": "Moodle",
            "description": "The computer program Moodle is a e-learning platform for x.",
        },
        {"uri": "u2", "label": "Canvas (learning management systems)", "description": "A network."},
        {
            "uri": "u3",
            "label": "Taleo",
            "description": "The computer program Taleo is a e-learning platform for x.",
        },
        {
            "uri": "u4",
            "label": "Haskell",
            "description": "... compiling of programming paradigms in Haskell.",
        },
        {
            "uri": "u5",
            "label": "tools for software configuration management",
            "description": "Programs, such as CVS, ClearCase, Subversion, GIT and TortoiseSVN\u00a0perform this.",
        },
    ]
    document, _ = builder.build(builder.load_manual(), read_esco(write_esco(tmp_path, rows)))
    links = links_of(document)
    assert ("Learning Management Systems", "Moodle") in links
    assert ("Learning Management Systems", "Canvas LMS") in links  # renamed onto the skills.yaml name
    assert ("Learning Management Systems", "Taleo") not in links  # excluded, with its reason in manual.yaml
    assert ("Programming Languages", "Haskell") in links
    scm = {s for g, s in links if g == "Software Configuration Management"}
    assert {"Concurrent Versions System", "ClearCase", "Subversion", "Git", "TortoiseSVN"} <= scm
    assert such_as_members("Tools such as Visual Studio or Eclipse.") == ["Visual Studio", "Eclipse"]


def test_build_reads_onet_technology_skills(tmp_path: Path) -> None:
    path = tmp_path / "Technology Skills.txt"
    path.write_text(
        "O*NET-SOC Code\tExample\tCommodity Code\tCommodity Title\tHot Technology\tIn Demand\n"
        "17-2141.00\tDassault Systemes SOLIDWORKS\t43232604\tComputer aided design CAD software\tY\tN\n"
        "17-2141.00\tAutodesk AutoCAD\t43232604\tComputer aided design CAD software\tY\tN\n"
        "17-2141.00\tPTC Creo Parametric\t43232604\tComputer aided design CAD software\tN\tN\n"
        "11-1021.00\tMicrosoft Excel\t43232110\tSpreadsheet software\tY\tY\n",
        encoding="utf-8",
    )
    rows = read_onet(path)
    document, builder_state = builder.build(builder.load_manual(), onet=rows)
    sources = document["sources"]
    cad = next(g for g in document["generals"] if g["name"] == "Computer-Aided Design")
    assert any(sources[i] == "O*NET Computer aided design CAD software" for i in cad["specifics"]["AutoCAD"])
    assert "PTC Creo Parametric" not in builder_state.terms  # unknown O*NET names are not invented as terms


def test_build_refuses_loose_or_inconsistent_rules() -> None:
    base = builder.load_manual()

    def with_(**changes: Any) -> dict[str, Any]:
        return {**base, **changes}

    general = {"name": "Ticketing Systems", "member": "a ticketing system", "aliases": ["help desk"]}
    with pytest.raises(ConfigError, match="Help Desk Support"):
        builder.build(with_(generals=[general], rules=[]))
    cycle = [
        {"general": "Linux", "specifics": ["Operating Systems"], "reason": "wrong"},
        {"general": "Operating Systems", "specifics": ["Linux"], "reason": "right"},
    ]
    with pytest.raises(ConfigError, match="cycle"):
        builder.build(with_(rules=cycle))
    with pytest.raises(ConfigError, match="Microsoft SQL Server"):
        builder.build(with_(rules=[{"general": "Databases", "specifics": ["mssql"], "reason": "alias"}]))
    with pytest.raises(ConfigError, match="reason"):
        builder.build(with_(rules=[{"general": "Databases", "specifics": ["MySQL"]}]))


def test_check_mode_reports_stale_data(tmp_path: Path) -> None:
    stale = tmp_path / "isa.yaml"
    stale.write_text("version: 1\n", encoding="utf-8")
    assert builder.main(["--manual-only", "--check", "--out", str(stale)]) == 1
    assert builder.main(["--manual-only", "--out", str(stale)]) == 0
    assert builder.main(["--manual-only", "--check", "--out", str(stale)]) == 0
