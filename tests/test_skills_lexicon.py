"""The skills lexicon: synonyms map to one canonical skill, and the matcher finds whole-word mentions only."""

from __future__ import annotations

import itertools
import subprocess
import sys
from typing import Any

import pytest

from app.grounding import SkillLexicon, SkillMention


@pytest.fixture(scope="module")
def lex() -> SkillLexicon:
    return SkillLexicon.default()


def found(lex: SkillLexicon, text: str) -> list[tuple[str, str]]:
    return [(m.canonical, m.raw) for m in lex.find(text)]


def canonicals(lex: SkillLexicon, text: str) -> list[str]:
    return [m.canonical for m in lex.find(text)]


def entry(name: str, *aliases: str, exact: tuple[str, ...] = (), category: str = "test") -> dict[str, Any]:
    return {"name": name, "aliases": list(aliases), "exact_case": list(exact), "category": category}


# --- synonyms and abbreviations ------------------------------------------------------------------------


def test_ml_and_machine_learning_are_one_skill(lex: SkillLexicon) -> None:
    assert canonicals(lex, "Built ML models; machine learning; Machine-Learning") == ["Machine Learning"] * 3
    assert lex.canonical("ML") == lex.canonical("machine learning") == "Machine Learning"
    assert lex.canonical("ml") is None  # "500 ml saline" is a volume, not ML


@pytest.mark.parametrize(
    ("term", "skill"),
    [
        ("k8s", "Kubernetes"),
        ("K8S", "Kubernetes"),
        ("AI", "Artificial Intelligence"),
        ("NLP", "Natural Language Processing"),
        ("JS", "JavaScript"),
        ("TS", "TypeScript"),
        ("Postgres", "PostgreSQL"),
        ("GCP", "Google Cloud"),
        ("Amazon Web Services", "AWS"),
        ("continuous integration", "CI/CD"),
        ("search engine optimization", "Search Engine Optimization"),
        ("SEO", "Search Engine Optimization"),
        ("customer relationship management", "CRM"),
        ("EMR", "Electronic Health Records"),
        ("EHR", "Electronic Health Records"),
        ("generally accepted accounting principles", "GAAP"),
        ("profit and loss", "P&L Management"),
        ("split testing", "A/B Testing"),
        ("golang", "Go"),
        ("MS Excel", "Microsoft Excel"),
        ("lesson plans", "Lesson Planning"),
        ("financial modelling", "Financial Modeling"),
    ],
)
def test_synonyms_share_a_canonical(lex: SkillLexicon, term: str, skill: str) -> None:
    assert lex.canonical(term) == skill
    assert canonicals(lex, f"Experience: {term}, daily.") == [skill]


def test_k8s_is_kubernetes_in_text(lex: SkillLexicon) -> None:
    assert found(lex, "Ran k8s clusters (Kubernetes 1.29)") == [
        ("Kubernetes", "k8s"),
        ("Kubernetes", "Kubernetes"),
    ]


# --- ambiguous words only count in their exact case and in plausible use -------------------------------


def test_go_the_language_but_not_the_verb(lex: SkillLexicon) -> None:
    assert canonicals(lex, "Wrote services in Go and Python.") == ["Go", "Python"]
    assert "Go" not in canonicals(lex, "Ready to go to market fast; we go further.")
    assert canonicals(lex, "Owned the go-to-market plan") == ["Go-to-Market Strategy"]
    assert "Go" not in canonicals(lex, "Go to the next level with GO.")
    assert lex.canonical("go") is None and lex.canonical("Go") == "Go"


def test_r_the_language_but_not_r_and_d(lex: SkillLexicon) -> None:
    assert canonicals(lex, "Python, R and SQL") == ["Python", "R", "SQL"]
    assert canonicals(lex, "Led R&D for sensors; R & D budget") == ["Research and Development"] * 2
    for text in ("R-squared of 0.9", "E-R diagrams", "John R. Smith", "Type R engine"):
        assert "R" not in canonicals(lex, text), text


def test_c_the_language_but_not_grades_or_temperatures(lex: SkillLexicon) -> None:
    assert canonicals(lex, "C/C++ and C#") == ["C", "C++", "C#"]
    for text in (
        "briefed the C-suite",
        "Vitamin C",
        "stored at 4 °C",
        "reduced C. diff infections",
        "C level",
    ):
        assert "C" not in canonicals(lex, text), text


def test_excel_the_tool_but_not_the_verb(lex: SkillLexicon) -> None:
    assert canonicals(lex, "I excel at building relationships") == ["Relationship Building"]
    assert "Microsoft Excel" not in canonicals(lex, "Excel at fast-paced work. Excel in every role.")
    assert canonicals(lex, "Advanced Excel, Word and PowerPoint") == [
        "Microsoft Excel",
        "Microsoft Word",
        "Microsoft PowerPoint",
    ]
    assert canonicals(lex, "Built models in Excel to forecast demand") == ["Microsoft Excel"]
    assert lex.canonical("excel") is None and lex.canonical("Excel") == "Microsoft Excel"


def test_exact_case_words_inside_proper_names_do_not_count(lex: SkillLexicon) -> None:
    assert canonicals(lex, "Julia Chen, Hiring Manager. (Go Sooners!) Rust Belt") == []
    assert canonicals(lex, "Languages: Julia, Go\nRust") == ["Julia", "Go", "Rust"]


def test_links_and_file_names_are_not_mentions(lex: SkillLexicon) -> None:
    text = "See https://github.com/me/python-tools and www.kotlin.dev, mail me@sql.io; saved as schema.json"
    assert canonicals(lex, text) == []
    assert canonicals(lex, "Wrote JSON schemas") == ["JSON"]


def test_java_is_not_found_inside_javascript(lex: SkillLexicon) -> None:
    assert found(lex, "javascript, JavaScript and Java") == [
        ("JavaScript", "javascript"),
        ("JavaScript", "JavaScript"),
        ("Java", "Java"),
    ]
    assert "Java" not in canonicals(lex, "JavaScript developer")


def test_symbols_in_skill_names(lex: SkillLexicon) -> None:
    text = "C++17, c#, .NET 8, node.js, ASP.NET, CI/CD, ci / cd, A/B testing, a/b tests"
    assert canonicals(lex, text) == [
        "C++",
        "C#",
        ".NET",
        "Node.js",
        "ASP.NET",
        "CI/CD",
        "CI/CD",
        "A/B Testing",
        "A/B Testing",
    ]


def test_plurals_and_separators(lex: SkillLexicon) -> None:
    assert found(lex, "Designed APIs and microservices") == [
        ("API", "APIs"),
        ("Microservices", "microservices"),
    ]
    assert lex.canonical("APIs") == "API"
    assert canonicals(lex, "front-end, frontend and front end work") == ["Front-End Development"] * 3


def test_longest_match_wins_and_mentions_do_not_overlap(lex: SkillLexicon) -> None:
    assert found(lex, "Apache Spark and Spark SQL") == [
        ("Apache Spark", "Apache Spark"),
        ("Apache Spark", "Spark SQL"),
    ]
    assert found(lex, "REST APIs") == [("REST APIs", "REST APIs")]
    assert found(lex, "Machine Learning Engineer") == [("Machine Learning", "Machine Learning")]


# --- offsets into the original text -----------------------------------------------------------------------


def test_zero_width_character_inside_a_word(lex: SkillLexicon) -> None:
    text = "Skills: Py\u200bthon, SQL"
    (python, sql) = lex.find(text)
    assert python == SkillMention("Python", "Py\u200bthon", 8, 15)
    assert text[sql.start : sql.end] == "SQL" == sql.raw


def test_odd_unicode_maps_back_to_the_original(lex: SkillLexicon) -> None:
    text = "\ufeff• Ｐｙｔｈｏｎ — front\u2013end — Kuber\u00adnetes\u00a0and\u00a0machine\u00a0learning"
    mentions = lex.find(text)
    assert [m.canonical for m in mentions] == [
        "Python",
        "Front-End Development",
        "Kubernetes",
        "Machine Learning",
    ]
    assert [m.raw for m in mentions] == [
        "Ｐｙｔｈｏｎ",
        "front\u2013end",
        "Kuber\u00adnetes",
        "machine\u00a0learning",
    ]


def test_offsets_slice_back_to_raw_and_are_sorted(lex: SkillLexicon) -> None:
    text = (
        "Senior Data Engineer — 8 yrs\n"
        "• Built ETL pipelines in Python/SQL on AWS (S3, Lambda) with Terraform.\n"
        "• Led A/B tests, wrote PRDs; ran k8s. Ｒeact\u200b and Node.js; P & L owner; EHR/EMR rollouts.\n"
    )
    mentions = lex.find(text)
    assert len(mentions) >= 12
    for m in mentions:
        assert text[m.start : m.end] == m.raw
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    assert all(a.end <= b.start for a, b in itertools.pairwise(mentions))


# --- loading and validation ---------------------------------------------------------------------------------


def test_duplicate_alias_across_entries_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"(?i)k8s"):
        SkillLexicon([entry("Kubernetes", "k8s"), entry("Kube Tools", "K8s")])
    with pytest.raises(ValueError, match="Kubernetes"):
        SkillLexicon([entry("Kubernetes"), entry("Container Orchestration", "kubernetes")])
    with pytest.raises(ValueError, match="Excel"):  # an exact form clashes with a case-insensitive alias
        SkillLexicon([entry("Microsoft Excel", exact=("Excel",)), entry("Spreadsheets", "excel")])
    with pytest.raises(ValueError, match="duplicate skill name"):
        SkillLexicon([entry("Go"), entry("Go")])


def test_exact_case_forms_of_different_case_may_differ() -> None:
    lex = SkillLexicon([entry("dbt", exact=("dbt",)), entry("Dialectical Behavior Therapy", exact=("DBT",))])
    assert [m.canonical for m in lex.find("dbt models; DBT skills groups")] == [
        "dbt",
        "Dialectical Behavior Therapy",
    ]


@pytest.mark.parametrize(
    "bad",
    [
        {"name": "X", "aliases": ["x1"]},  # no category
        {"name": "", "category": "c"},
        {"name": "X", "alias": ["x1"], "category": "c"},  # unknown key
        {"name": "X", "aliases": "x1", "category": "c"},  # not a list
        {"name": "X", "aliases": [""], "category": "c"},
        "X",
    ],
)
def test_malformed_entries_are_rejected(bad: Any) -> None:
    with pytest.raises(ValueError):
        SkillLexicon([bad])


def test_small_lexicon_api() -> None:
    lex = SkillLexicon([entry("Go", "golang", exact=("Go",)), entry("Python", "python3")])
    assert len(lex) == 2 and "Go" in lex and "go" not in lex
    assert lex.names() == ["Go", "Python"]
    assert lex.aliases("Go") == ["Go", "golang"] and lex.aliases("Python") == ["Python", "python3"]
    assert [m.canonical for m in lex.find("golang, Go, go, GO, python3")] == ["Go", "Go", "Python"]
    with pytest.raises(KeyError):
        lex.aliases("Rust")


def test_default_lexicon_is_cached_and_broad(lex: SkillLexicon) -> None:
    assert SkillLexicon.default() is lex
    assert len(lex) >= 500
    for skill in ("Patient Care", "Lesson Planning", "Inventory Management", "Financial Modeling", "Figma"):
        assert skill in lex


def test_every_surface_form_finds_its_own_skill(lex: SkillLexicon) -> None:
    for name in lex.names():
        for form in lex.aliases(name):
            assert lex.canonical(form) == name, form
            assert [(m.canonical, m.start, m.end) for m in lex.find(form)] == [(name, 0, len(form))], form


def test_no_vague_words_as_case_insensitive_forms(lex: SkillLexicon) -> None:
    vague = "work team data management design sales lead go r c excel word access spark chef make swift rust"
    for word in vague.split():
        assert lex.canonical(word) is None, word


def test_import_is_cheap_and_loads_nothing() -> None:
    code = (
        "import sys; before = 'yaml' in sys.modules\n"
        "from app.grounding import _skills\n"
        "assert ('yaml' in sys.modules) == before, 'yaml imported at module import'\n"
        "assert _skills._default.cache_info().currsize == 0\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
