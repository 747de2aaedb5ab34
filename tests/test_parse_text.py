"""Deterministic markdown / plain-text resume parsing into JSON Resume (app/resume/_parse_text.py)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from app.grounding import MONTHS, PRESENT_WORDS
from app.resume import iter_strings, parse_resume_text, schema_errors

FIXTURES = sorted(Path(__file__).parent.joinpath("fixtures", "jsonresume").glob("*.resume.json"))
_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff]")


def _strings(doc: dict[str, Any]) -> list[str]:
    return [text for _, text in iter_strings(doc)]


def _tokens(text: str) -> set[str]:
    return {t.lower() for t in re.findall(r"[^\W_]+", text)}


def _lost(source: str, doc: dict[str, Any], allowed: str = "") -> set[str]:
    """Words of the input missing from every output string (dates are rewritten ISO, headings are structure)."""
    skip = (
        _tokens(allowed)
        | set(MONTHS)
        | set(PRESENT_WORDS)
        | {"https", "http", "www", "at", "in", "en", "to", "since"}
    )
    return _tokens(_INVISIBLE.sub("", source)) - _tokens(" ".join(_strings(doc))) - skip


def _bullets(source: str) -> list[str]:
    """Bullets under experience / work history headings: each must survive as (part of) one string."""
    out, current = [], ""
    lines = _INVISIBLE.sub("", source).splitlines()
    for i, line in enumerate(lines):
        underlined = i + 1 < len(lines) and re.fullmatch(r"\s*[-=]{3,}\s*", lines[i + 1])
        if re.match(r"^#{1,3}\s", line) or re.fullmatch(r"[A-Z][A-Z &]{3,}", line.strip()) or underlined:
            current = line.lower()
        m = re.match(r"^\s*(?:[-*]\s+|[•▪➢]\s*|\d{1,2}[.)]\s+)(.+)$", line)
        if m and any(k in current for k in ("experienc", "history", "work")):
            out.append(re.sub(r"\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)", "", m.group(1)).strip())
    return out


def _check(source: str, allowed: str = "") -> dict[str, Any]:
    doc = parse_resume_text(source)
    assert schema_errors(doc) == []
    assert _lost(source, doc, allowed) == set()
    flat = "\n".join(_strings(doc))
    for bullet in _bullets(source):
        assert bullet.replace("\t", " ") in flat.replace("\t", " "), bullet
    return doc


def _roles(doc: dict[str, Any], section: str = "work") -> list[tuple[str, str, str, str]]:
    key = "organization" if section == "volunteer" else "name"
    return [
        (e.get(key, ""), e.get("position", ""), e.get("startDate", ""), e.get("endDate", ""))
        for e in doc.get(section, [])
    ]


MARKDOWN_ENGINEER = """\
# Jane Q. Doe
**Senior Software Engineer**
jane.doe@example.com | +1 (415) 555-0123 | San Francisco, CA | linkedin.com/in/janedoe | https://github.com/jdoe

## Summary
Backend engineer with 9 years of experience building payment systems.
Comfortable across the stack.

## Experience

### Senior Engineer — Acme Corp (Jan 2020 – Present)
- Led migration of **40 services** to Kubernetes, cutting infra cost 30%
- Cut p99 latency < 50 ms for C++/C# clients; saved $2.4M

### Software Engineer at Initech (2016-2019)
Worked on the billing platform.
- Built the invoicing API in Go
* Reduced p99 latency by 45%

## Education
**University of California, Berkeley** — B.S. in Computer Science (2012 – 2016)
- GPA: 3.8/4.0
- Relevant Coursework: Algorithms, Operating Systems, Databases

## Skills
- **Languages:** Python, Go, SQL
- **Tools:** Docker, Kubernetes (EKS, GKE), Terraform

## Certifications
- AWS Certified Solutions Architect – Associate, Amazon Web Services (2021)

## Languages
English (native), Spanish (fluent)

## Patents
- US 10,000,001: Method for idempotent payments
"""


def test_markdown_software_engineer() -> None:
    doc = _check(
        MARKDOWN_ENGINEER,
        allowed="summary experience education skills certifications languages gpa relevant coursework",
    )
    b = doc["basics"]
    assert (b["name"], b["label"]) == ("Jane Q. Doe", "Senior Software Engineer")
    assert (b["email"], b["phone"]) == ("jane.doe@example.com", "+1 (415) 555-0123")
    assert b["location"] == {"city": "San Francisco", "region": "CA"}
    assert b["profiles"] == [
        {"network": "LinkedIn", "username": "janedoe", "url": "https://linkedin.com/in/janedoe"},
        {"network": "GitHub", "username": "jdoe", "url": "https://github.com/jdoe"},
    ]
    assert b["summary"] == (
        "Backend engineer with 9 years of experience building payment systems. Comfortable across the stack."
    )
    assert _roles(doc) == [
        ("Acme Corp", "Senior Engineer", "2020-01", ""),
        ("Initech", "Software Engineer", "2016", "2019"),
    ]
    assert doc["work"][0]["highlights"] == [
        "Led migration of 40 services to Kubernetes, cutting infra cost 30%",
        "Cut p99 latency < 50 ms for C++/C# clients; saved $2.4M",
    ]
    assert doc["work"][1]["summary"] == "Worked on the billing platform."
    assert doc["education"] == [
        {
            "studyType": "B.S.",
            "area": "Computer Science",
            "institution": "University of California, Berkeley",
            "startDate": "2012",
            "endDate": "2016",
            "score": "3.8/4.0",
            "courses": ["Algorithms", "Operating Systems", "Databases"],
        }
    ]
    assert doc["skills"] == [
        {"name": "Languages", "keywords": ["Python", "Go", "SQL"]},
        {"name": "Tools", "keywords": ["Docker", "Kubernetes (EKS, GKE)", "Terraform"]},
    ]
    assert doc["certificates"] == [
        {
            "name": "AWS Certified Solutions Architect – Associate",
            "issuer": "Amazon Web Services",
            "date": "2021",
        }
    ]
    assert doc["languages"] == [
        {"language": "English", "fluency": "native"},
        {"language": "Spanish", "fluency": "fluent"},
    ]
    assert doc["x-sections"] == [
        {"title": "Patents", "highlights": ["US 10,000,001: Method for idempotent payments"]}
    ]


PLAIN_NURSE = """\
MARIA GONZALEZ, RN
Registered Nurse
Phoenix, AZ 85004 • (602) 555-0199 • maria.gonzalez@email.com

PROFESSIONAL SUMMARY
Compassionate registered nurse with 8 years of acute care experience in
high-volume emergency departments.

EXPERIENCE

Banner Health, Phoenix, AZ
Charge Nurse, Emergency Department
March 2018 – Present
• Supervise a team of 12 nurses per shift in a 60-bed ED
• Reduced door-to-provider time by 18% through triage redesign

St. Joseph's Hospital
Staff Nurse
June 2014 – February 2018
• Provided care for 5-6 patients per shift on a med-surg unit
• Precepted 10 new graduate nurses

EDUCATION

Arizona State University
Bachelor of Science in Nursing, May 2014

LICENSES & CERTIFICATIONS
Registered Nurse, Arizona State Board of Nursing
BLS, ACLS, PALS

SKILLS
Triage, Patient Assessment, Epic EHR, IV Therapy, Wound Care
"""


def test_plain_text_nurse_with_all_caps_headings() -> None:
    doc = _check(
        PLAIN_NURSE, allowed="professional summary experience education licenses certifications skills"
    )
    b = doc["basics"]
    assert (b["name"], b["label"], b["phone"]) == ("MARIA GONZALEZ, RN", "Registered Nurse", "(602) 555-0199")
    assert b["location"] == {"city": "Phoenix", "region": "AZ", "postalCode": "85004"}
    assert b["summary"].startswith(
        "Compassionate registered nurse with 8 years of acute care experience in high"
    )
    assert _roles(doc) == [
        ("Banner Health", "Charge Nurse", "2018-03", ""),
        ("St. Joseph's Hospital", "Staff Nurse", "2014-06", "2018-02"),
    ]
    assert doc["work"][0]["location"] == "Phoenix, AZ"
    assert doc["work"][0]["description"] == "Emergency Department"
    assert doc["work"][1]["highlights"][1] == "Precepted 10 new graduate nurses"
    assert doc["education"] == [
        {
            "studyType": "Bachelor of Science",
            "area": "Nursing",
            "institution": "Arizona State University",
            "endDate": "2014-05",
        }
    ]
    assert doc["certificates"] == [
        {"name": "Registered Nurse", "issuer": "Arizona State Board of Nursing"},
        {"name": "BLS"},
        {"name": "ACLS"},
        {"name": "PALS"},
    ]
    assert doc["skills"] == [
        {
            "name": "Skills",
            "keywords": ["Triage", "Patient Assessment", "Epic EHR", "IV Therapy", "Wound Care"],
        }
    ]


SALES_REP = """\
John Smith
Sales Representative
john.smith@mail.com    (312) 555-0142    Chicago, IL

WORK HISTORY

Account Executive | Globex Corporation | 2019 - 2023
- Closed $2.4M in new business in FY2022, 130% of quota
- Managed a book of 85 mid-market accounts

Globex Corporation — Sales Development Representative
2017–2019
- Booked 25+ qualified meetings per month

Initech
Inside Sales Associate
Jun 2015 - Aug 2017
- Top performer 6 of 8 quarters

Retail Sales Associate, Best Buy, Naperville IL
March 2013 – May 2015
- Sold home theater systems and
  extended warranties

EDUCATION
B.A. Communications, University of Illinois at Urbana-Champaign, 2015

SKILLS
Salesforce, HubSpot, Cold Calling, Negotiation
"""


def test_sales_rep_header_shapes() -> None:
    doc = _check(SALES_REP, allowed="work history education skills")
    assert doc["basics"]["location"] == {"city": "Chicago", "region": "IL"}
    assert _roles(doc) == [
        ("Globex Corporation", "Account Executive", "2019", "2023"),
        ("Globex Corporation", "Sales Development Representative", "2017", "2019"),
        ("Initech", "Inside Sales Associate", "2015-06", "2017-08"),
        ("Best Buy", "Retail Sales Associate", "2013-03", "2015-05"),
    ]
    assert doc["work"][3]["location"] == "Naperville IL"
    assert doc["work"][3]["highlights"] == ["Sold home theater systems and extended warranties"]
    assert doc["education"] == [
        {
            "studyType": "B.A.",
            "area": "Communications",
            "institution": "University of Illinois at Urbana-Champaign",
            "endDate": "2015",
        }
    ]


TEACHER = """\
Emily Chen
=========

Middle School Science Teacher

emily.chen@school.org · 555.867.5309 · Portland, OR

Profile
-------
Dedicated educator with 6 years teaching grades 6–8.

Teaching Experience
-------------------

**Lincoln Middle School**, Portland, OR
*Science Teacher*, August 2019 – Present
- Designed a project-based curriculum for 150 students per year
- Raised state science test pass rates from 61% to 78%

**Roosevelt Academy** | Student Teacher | Jan 2019 - May 2019
- Co-taught 7th grade life science

Education
---------
Master of Arts in Teaching, Lewis & Clark College, 2019
Bachelor of Science, Biology — University of Oregon — 2017

Certifications:
- Oregon Teaching License, Oregon TSPC, 2019
"""


def test_teacher_with_underlined_and_colon_headings() -> None:
    doc = _check(TEACHER, allowed="profile teaching experience education certifications")
    b = doc["basics"]
    assert (b["name"], b["label"], b["phone"]) == (
        "Emily Chen",
        "Middle School Science Teacher",
        "555.867.5309",
    )
    assert b["summary"] == "Dedicated educator with 6 years teaching grades 6–8."
    assert _roles(doc) == [
        ("Lincoln Middle School", "Science Teacher", "2019-08", ""),
        ("Roosevelt Academy", "Student Teacher", "2019-01", "2019-05"),
    ]
    assert [(e["institution"], e["studyType"], e["area"], e["endDate"]) for e in doc["education"]] == [
        ("Lewis & Clark College", "Master of Arts", "Teaching", "2019"),
        ("University of Oregon", "Bachelor of Science", "Biology", "2017"),
    ]
    assert doc["certificates"] == [
        {"name": "Oregon Teaching License", "issuer": "Oregon TSPC", "date": "2019"}
    ]


NEW_GRAD = """\
# Priya Patel
priya.patel@u.example.edu | github.com/priyap | (555) 010-2233

## Education
### Georgia Institute of Technology — Atlanta, GA
Bachelor of Science in Computer Science, Expected May 2025
- GPA: 3.92/4.0, Dean's List (all semesters)
- Coursework: Data Structures, Machine Learning, Compilers

## Experience
Software Engineering Intern at Stripe (Summer 2024)
- Shipped a fraud-rule simulator used by 3 teams

Teaching Assistant, Georgia Tech College of Computing
Aug 2023 – Dec 2023
- Held office hours for 200+ students in CS 1332

## Projects
- **PathFinder**: campus navigation app (React Native, Firebase) — https://github.com/priyap/pathfinder
- **TinyDB**: a key-value store in Rust with a write-ahead log

## Awards
- HackGT Winner, Best Use of AI, 2023
- Dean's List (2022)

## Interests
Chess, bouldering, film photography
"""


def test_new_grad_education_first_projects_and_awards() -> None:
    doc = _check(NEW_GRAD, allowed="education experience projects awards interests expected gpa coursework")
    assert doc["basics"]["profiles"] == [
        {"network": "GitHub", "username": "priyap", "url": "https://github.com/priyap"}
    ]
    edu = doc["education"][0]
    assert (edu["institution"], edu["studyType"], edu["area"]) == (
        "Georgia Institute of Technology",
        "Bachelor of Science",
        "Computer Science",
    )
    assert (edu["endDate"], edu["score"]) == ("2025-05", "3.92/4.0")
    assert edu["courses"] == ["Data Structures", "Machine Learning", "Compilers"]
    assert _roles(doc) == [
        ("Stripe", "Software Engineering Intern", "2024", ""),
        ("Georgia Tech College of Computing", "Teaching Assistant", "2023-08", "2023-12"),
    ]
    names = [p["name"] for p in doc["projects"]]
    assert names == ["PathFinder", "TinyDB"]
    assert doc["projects"][0]["url"] == "https://github.com/priyap/pathfinder"
    assert doc["awards"][0] == {"title": "HackGT Winner", "awarder": "Best Use of AI", "date": "2023"}
    assert [i["name"] for i in doc["interests"]] == ["Chess", "bouldering", "film photography"]


MESSY = (
    "Alex\u200b Rivera\r\n\u200balex.rivera@example.com\t|\t+44 20 7946 0958\t|\tLondon, UK\r\n\r\n"
    "EXPERIENCE\r\n\r\nData\u200b Analyst \u2013 Monzo Bank \u2014 Sept 2021 \u2013 Present\r\n"
    "\u2022\tBuilt churn\u200b model in Python (AUC 0.87)\r\n"
    "\u2022\tAutomated **weekly** KPI reporting, saving 6 hours/week\r\n\r\n"
    "Junior Analyst\r\nDeloitte\r\n09/2019 - 08/2021\r\n\u25aa Cleaned data for 12 audit clients\r\n\r\n"
    "EDUCATION\r\nMSc Data Science, University College London, 2019\r\n\r\n"
    "SKILLS\r\nPython \u00b7 SQL \u00b7 Tableau \u00b7 dbt\r\n"
)


def test_messy_crlf_tabs_zero_width() -> None:
    doc = _check(MESSY, allowed="experience education skills")
    assert not any(_INVISIBLE.search(s) or "\r" in s for s in _strings(doc))
    b = doc["basics"]
    assert (b["name"], b["email"], b["phone"]) == (
        "Alex Rivera",
        "alex.rivera@example.com",
        "+44 20 7946 0958",
    )
    assert b["location"] == {"city": "London", "region": "UK"}
    assert _roles(doc) == [
        ("Monzo Bank", "Data Analyst", "2021-09", ""),
        ("Deloitte", "Junior Analyst", "2019-09", "2021-08"),
    ]
    assert doc["work"][0]["highlights"] == [
        "Built churn model in Python (AUC 0.87)",
        "Automated weekly KPI reporting, saving 6 hours/week",
    ]
    assert doc["education"] == [
        {
            "studyType": "MSc",
            "area": "Data Science",
            "institution": "University College London",
            "endDate": "2019",
        }
    ]
    assert doc["skills"] == [{"name": "Skills", "keywords": ["Python", "SQL", "Tableau", "dbt"]}]


def test_no_headings_keeps_everything_as_summary() -> None:
    text = "Sam Lee\nsam@lee.dev\n\nI am a generalist who has worked in many places.\nI like building things.\n\n- Built a compiler\n- Ran a marathon\n"
    doc = _check(text)
    assert doc == {
        "basics": {
            "name": "Sam Lee",
            "email": "sam@lee.dev",
            "summary": "I am a generalist who has worked in many places. I like building things.\n\nBuilt a compiler\nRan a marathon",
        }
    }


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "### Senior Engineer — Acme Corp (Jan 2020 – Present)",
            ("Acme Corp", "Senior Engineer", "2020-01", ""),
        ),
        ("**Acme Corp** | Senior Engineer | 2019 - 2021", ("Acme Corp", "Senior Engineer", "2019", "2021")),
        (
            "Senior Engineer, Acme Corp, Boston MA\nMarch 2018 – June 2021",
            ("Acme Corp", "Senior Engineer", "2018-03", "2021-06"),
        ),
        ("Acme Corp — Senior Engineer\n2019–2021", ("Acme Corp", "Senior Engineer", "2019", "2021")),
        ("Software Engineer at Acme (2018-2020)", ("Acme", "Software Engineer", "2018", "2020")),
        (
            "Acme Corp\nSenior Engineer\n01/2019 - 03/2021",
            ("Acme Corp", "Senior Engineer", "2019-01", "2021-03"),
        ),
        (
            "Acme Corp\t\tJan. 2019 to Sept. 2021\nProduct Designer\t\tRemote",
            ("Acme Corp", "Product Designer", "2019-01", "2021-09"),
        ),
        (
            "Paralegal — Baker & Hostetler LLP — 2015 - current",
            ("Baker & Hostetler LLP", "Paralegal", "2015", ""),
        ),
        (
            "Sous Chef, The Blue Door (2017-03 – 2019-11)",
            ("The Blue Door", "Sous Chef", "2017-03", "2019-11"),
        ),
        (
            "Kaiser Permanente | Medical Assistant | Since 2021",
            ("Kaiser Permanente", "Medical Assistant", "2021", ""),
        ),
        ("2016 – 2018 Staff Accountant, KPMG", ("KPMG", "Staff Accountant", "2016", "2018")),
    ],
)
def test_work_header_shapes(header: str, expected: tuple[str, str, str, str]) -> None:
    text = f"Pat Example\n\n## Experience\n\n{header}\n- Did the work well\n"
    doc = _check(text, allowed="experience")
    assert _roles(doc) == [expected]
    assert doc["work"][0]["highlights"] == ["Did the work well"]


def test_non_english_headings_and_unknown_sections() -> None:
    text = (
        "Lucía Fernández\nlucia@example.es · Madrid, Spain\n\n"
        "EXPERIENCIA PROFESIONAL\nDesarrolladora Backend — Cabify — 2019 - 2023\n- Diseñé la API de pagos\n\n"
        "FORMACIÓN\nUniversidad Politécnica de Madrid — Grado en Ingeniería Informática — 2018\n\n"
        "IDIOMAS\nEspañol (nativo), Inglés (C1)\n\n"
        "## Compétences\n- Python, Go\n\n"
        "VOLUNTEER LEADERSHIP\nMentor at Django Girls, 2020\n"
    )
    doc = _check(text, allowed="experiencia profesional formación idiomas compétences volunteer leadership")
    assert doc["basics"]["location"] == {"city": "Madrid", "region": "Spain"}
    assert _roles(doc) == [("Cabify", "Desarrolladora Backend", "2019", "2023")]
    assert doc["education"][0]["institution"] == "Universidad Politécnica de Madrid"
    assert doc["languages"] == [
        {"language": "Español", "fluency": "nativo"},
        {"language": "Inglés", "fluency": "C1"},
    ]
    assert doc["skills"] == [{"name": "Skills", "keywords": ["Python", "Go"]}]
    assert _roles(doc, "volunteer") == [("Django Girls", "Mentor", "2020", "")]


def test_unknown_section_text_is_kept_in_x_sections() -> None:
    text = (
        "Dana Ortiz\n\n## Experience\nAnalyst, Acme Corp, 2020 - 2022\n- Built dashboards\n\n"
        "## Speaking Engagements\n- PyCon 2022: *Dataframes at scale*\nInvited keynote, PyData NYC\n\n"
        "## References\nAvailable on request.\n"
    )
    doc = _check(text, allowed="experience")
    assert doc["x-sections"] == [
        {
            "title": "Speaking Engagements",
            "highlights": ["PyCon 2022: Dataframes at scale", "Invited keynote, PyData NYC"],
        },
        {"title": "References", "highlights": ["Available on request."]},
    ]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n",
        "Just A Name",
        "## Experience\n",
        "EXPERIENCE\n\nEDUCATION\n\nSKILLS\n",
        "Name\n## Skills\n\n## Work Experience\n- orphan bullet\n",
        "- - - \n***\n#\n|||\n•\n",
        "2019 - 2021\n555 1234 5678",
        "|||\n— · —\n",
        "jane@x.com\n",
        "**\n__\n``\n[]()\n",
        "# \n## Experience\n### \n- \n",
        "\ufeff\u200b\r\n\t\r\n",
        "RESUME\n\nEXPERIENCE\nEngineer",
    ],
)
def test_degenerate_inputs_never_crash(text: str) -> None:
    doc = parse_resume_text(text)
    assert schema_errors(doc) == []
    assert "" not in _strings(doc)
    assert _lost(text, doc, allowed="experience education skills work resume") == set()


def test_shuffled_lines_never_crash() -> None:
    """Lines of every sample resume in random order and indentation: always a valid document."""
    import random

    pool = [ln for text in (MARKDOWN_ENGINEER, PLAIN_NURSE, SALES_REP, TEACHER, NEW_GRAD, MESSY) for ln in
            text.splitlines()]  # fmt: skip
    rng = random.Random(7)
    for _ in range(150):
        lines = [(" " * rng.choice([0, 0, 2, 4])) + rng.choice(pool) for _ in range(rng.randint(1, 40))]
        doc = parse_resume_text("\n".join(lines))
        assert schema_errors(doc) == []
        assert not any(s == "" or _INVISIBLE.search(s) for s in _strings(doc))


def test_large_input_parses_fast() -> None:
    entry = (
        "### Senior Engineer — Acme Corp {n} (Jan 2010 – Present)\n"
        "- Improved throughput of the ingestion pipeline by {n}% using Kafka and Go\n"
        "- Mentored **four** engineers; led design reviews for C++/Rust services\n\n"
    )
    text = "# Big Resume\nbig@example.com\n\n## Experience\n" + "".join(entry.format(n=i) for i in range(600))
    text += "\n## Skills\n" + ", ".join(f"skill{i}" for i in range(2000)) + "\n"
    text += "*" * 20000 + "_" * 10000 + "(" * 5000 + "Jan " * 3000 + "\n"
    assert len(text.encode()) > 100_000
    start = time.perf_counter()
    doc = parse_resume_text(text)
    assert time.perf_counter() - start < 1.0
    assert len(doc["work"]) == 600
    assert doc["work"][599]["name"] == "Acme Corp 599"
    assert schema_errors(doc) == []


# ---------------------------------------------------------------- round trip from the JSON fixtures
def _markdown(r: dict[str, Any]) -> str:
    """JSON Resume -> markdown with ## sections and '### Position — Employer (dates, place)' entries."""
    b = r["basics"]
    lines = [
        f"# {b['name']}",
        b.get("label", ""),
        " | ".join(b[k] for k in ("email", "phone", "url") if b.get(k)),
    ]
    if b.get("summary"):
        lines += ["", "## Summary", b["summary"]]
    for key, title, org in (("work", "Experience", "name"), ("volunteer", "Volunteering", "organization")):
        lines += ["", f"## {title}"] if r.get(key) else []
        for e in r.get(key, []):
            span = f"{e['startDate']} – {e.get('endDate', 'Present')}"
            lines += ["", f"### {e['position']} — {e[org]} ({span})", e.get("summary", "")]
            lines += [f"- {h}" for h in e.get("highlights", [])]
    lines += ["", "## Education"]
    for e in r.get("education", []):
        lines += [
            "",
            f"**{e['institution']}**",
            f"{e['studyType']} in {e['area']}, {e['startDate']} - {e['endDate']}",
        ]
    return "\n".join(lines) + "\n"


def _plain(r: dict[str, Any]) -> str:
    """The same resume as plain text: caps headings, employer / title / 'Mon YYYY – Mon YYYY' lines, bullets."""

    def month(iso: str) -> str:
        names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return f"{names[int(iso[5:7]) - 1]} {iso[:4]}" if len(iso) >= 7 else iso

    lines = [r["basics"]["name"].upper(), r["basics"].get("email", ""), "", "PROFESSIONAL EXPERIENCE", ""]
    for e in r.get("work", []):
        end = month(e["endDate"]) if e.get("endDate") else "Present"
        lines += [e["name"], e["position"], f"{month(e['startDate'])} – {end}"]
        lines += [f"• {h}" for h in e.get("highlights", [])] + [""]
    lines += ["EDUCATION", ""]
    for e in r.get("education", []):
        lines += [f"{e['institution']} — {e['studyType']}, {e['area']} — {e['endDate'][:4]}", ""]
    return "\n".join(lines)


@pytest.mark.parametrize("style", ["markdown", "plain"])
@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_round_trip_fixtures(path: Path, style: str) -> None:
    source = json.loads(path.read_text(encoding="utf-8"))
    text = _markdown(source) if style == "markdown" else _plain(source)
    doc = parse_resume_text(text)
    assert schema_errors(doc) == []
    width = 10 if style == "markdown" else 7
    got = [(e.get("name"), e.get("position"), e.get("startDate")) for e in doc.get("work", [])]
    want = [(e["name"], e["position"], e["startDate"][:width]) for e in source.get("work", [])]
    assert got == want
    assert [e.get("highlights", []) for e in doc["work"]] == [e.get("highlights", []) for e in source["work"]]
    assert [e.get("institution") for e in doc["education"]] == [e["institution"] for e in source["education"]]
    assert [e.get("studyType") for e in doc["education"]] == [e["studyType"] for e in source["education"]]
    if style == "markdown":
        assert [e.get("area") for e in doc["education"]] == [e["area"] for e in source["education"]]
        assert _roles(doc, "volunteer") == [
            (e["organization"], e["position"], e["startDate"], e.get("endDate", ""))
            for e in source.get("volunteer", [])
        ]
        assert doc["basics"].get("summary") == source["basics"].get("summary")


def test_several_roles_under_one_employer() -> None:
    text = (
        "Chris Park\n\nEXPERIENCE\n\n"
        "Acme Logistics, Chicago, IL\nDirector of Operations, 2020 – Present\n- Ran 3 distribution centers\n"
        "Operations Manager, 2017 – 2020\n- Cut pick errors 40%\n\n"
        "Globex | 2012 – 2017\nShift Supervisor | 2014 – 2017\n- Supervised 30 associates\n"
        "Warehouse Associate | 2012 – 2014\n- Loaded trucks\n"
    )
    doc = parse_resume_text(text)
    assert schema_errors(doc) == []
    assert _roles(doc) == [
        ("Acme Logistics", "Director of Operations", "2020", ""),
        ("Acme Logistics", "Operations Manager", "2017", "2020"),
        ("Globex", "Shift Supervisor", "2014", "2017"),
        ("Globex", "Warehouse Associate", "2012", "2014"),
    ]
    assert [w["location"] for w in doc["work"][:2]] == ["Chicago, IL", "Chicago, IL"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("B.S. in Computer Science, University of X, 2016", ("University of X", "B.S.", "Computer Science", "2016")),
        ("University of X — BSc Physics (2012–2016)", ("University of X", "BSc", "Physics", "2016")),
        ("**MIT** | M.S. Computer Science | 2018", ("MIT", "M.S.", "Computer Science", "2018")),
        ("Harvard Law School — J.D., cum laude — 2015", ("Harvard Law School", "J.D.", "", "2015")),
        ("Master of Business Administration (MBA), The Wharton School, University of Pennsylvania, 2015",
         ("The Wharton School, University of Pennsylvania", "Master of Business Administration (MBA)", "", "2015")),
        ("Associate of Applied Science, Business Administration, Austin Community College (2012 – 2014)",
         ("Austin Community College", "Associate of Applied Science", "Business Administration", "2014")),
        ("2014 - 2018  University of Toronto  B.A.Sc. Mechanical Engineering",
         ("University of Toronto", "B.A.Sc.", "Mechanical Engineering", "2018")),
        ("Stanford University, Stanford, CA\nPh.D. in Electrical Engineering, 2020",
         ("Stanford University", "Ph.D.", "Electrical Engineering", "2020")),
    ],
)  # fmt: skip
def test_education_shapes(line: str, expected: tuple[str, str, str, str]) -> None:
    doc = parse_resume_text(f"Pat Example\n\nEDUCATION\n{line}\n")
    assert schema_errors(doc) == []
    e = doc["education"][0]
    assert (e.get("institution"), e.get("studyType"), e.get("area", ""), e.get("endDate")) == expected


def test_contact_variants() -> None:
    text = (
        "# Curriculum Vitae\n## Dr. Ana Silva\n"
        "- Email: ana@silva.pt\n- Phone: +351 912 345 678\n- LinkedIn: anasilva\n"
        "- 📍 Greater Lisbon Area · [Website](https://anasilva.pt) · [GitHub](https://github.com/asilva)\n"
        "- 12 Rua Augusta, Lisbon, Portugal\n\n## Experience\n"
    )
    doc = parse_resume_text(text)
    assert doc["basics"] == {
        "name": "Dr. Ana Silva", "email": "ana@silva.pt", "phone": "+351 912 345 678",
        "profiles": [{"network": "LinkedIn", "username": "anasilva"},
                     {"network": "GitHub", "username": "asilva", "url": "https://github.com/asilva"}],
        "location": {"city": "Greater Lisbon Area", "address": "12 Rua Augusta"},
        "url": "https://anasilva.pt",
    }  # fmt: skip
    assert schema_errors(doc) == []
    assert "x-sections" in doc and doc["x-sections"] == [
        {"title": "Contact", "highlights": ["Lisbon, Portugal"]}
    ]


def test_projects_publications_languages_volunteer() -> None:
    text = """\
# Jane Doe — Product Manager

# Projects
## Tailor (2024)
Open-source resume tailoring tool. https://github.com/jane/tailor
Tech: Python, FastAPI, SQLite
- 1.2k GitHub stars

# Publications
- "Pricing Experiments at Scale," Harvard Business Review, March 2022
- Doe, J. (2020). Onboarding metrics that matter. Mind the Product.

# Volunteer
**Code for Austin** — Project Lead (2018 – 2020)
- Organized monthly civic hack nights

# Languages
English – Native; French – B2
"""
    doc = _check(text, allowed="projects publications volunteer languages tech")
    assert doc["basics"] == {"name": "Jane Doe", "label": "Product Manager"}
    assert doc["projects"] == [{
        "name": "Tailor", "description": "Open-source resume tailoring tool. https://github.com/jane/tailor",
        "url": "https://github.com/jane/tailor", "startDate": "2024", "highlights": ["1.2k GitHub stars"],
        "keywords": ["Python", "FastAPI", "SQLite"],
    }]  # fmt: skip
    assert doc["publications"] == [
        {"name": "Pricing Experiments at Scale", "publisher": "Harvard Business Review", "releaseDate": "2022-03"},
        {"name": "Onboarding metrics that matter", "publisher": "Mind the Product", "releaseDate": "2020",
         "summary": "Doe, J."},
    ]  # fmt: skip
    assert _roles(doc, "volunteer") == [("Code for Austin", "Project Lead", "2018", "2020")]
    assert doc["languages"] == [
        {"language": "English", "fluency": "Native"},
        {"language": "French", "fluency": "B2"},
    ]


# ---------------------------------------------------------------- regressions from the golden datasets
HS_TEACHER = (  # lines ending in two spaces: markdown hard line breaks, as in the dataset
    "# Samuel Ortiz\n\n_High School English Teacher_\n\n"
    "Worcester, MA  \nsamuel.ortiz@example.org  \n(508) 555-0124\n\n"
    "## Experience\n\n"
    "**English Teacher**, Maplewood High School · Worcester, MA  \n*Aug 2019 – Present*\n\n"
    "- Teach 5 sections of English 10 and AP English Literature, about 140 students a year\n\n"
    "**8th Grade ELA Teacher**, Riverside Middle School · Shrewsbury, MA  \n*Aug 2016 – Jun 2019*\n\n"
    "- Coached the debate team to 2 regional finals\n\n"
    "## Certifications\n\n"
    "- Massachusetts Initial Teaching License, English (8-12), Massachusetts DESE\n"
)


def test_bold_title_comma_employer_dot_city() -> None:
    """smoke-hs-teacher: '**Title**, Company · City' with the dates on the next line."""
    doc = _check(HS_TEACHER, allowed="experience certifications")
    assert _roles(doc) == [
        ("Maplewood High School", "English Teacher", "2019-08", ""),
        ("Riverside Middle School", "8th Grade ELA Teacher", "2016-08", "2019-06"),
    ]
    assert [w["location"] for w in doc["work"]] == ["Worcester, MA", "Shrewsbury, MA"]
    assert doc["certificates"] == [
        {"name": "Massachusetts Initial Teaching License, English (8-12)", "issuer": "Massachusetts DESE"}
    ]


ICU_CERTIFICATIONS = """\
Joseph Kamau — Critical Care Registered Nurse, CCRN
Cleveland, OH • joseph.kamau@example.com • (216) 555-0145

EDUCATION
---------
Bachelor of Science in Nursing — Lakeland State University, 05/2015

CERTIFICATIONS
--------------
CCRN (AACN)
ACLS (American Heart Association)
BLS (American Heart Association)
Ohio RN License (Ohio Board of Nursing)

SKILLS
------
critical care, ventilator management, Epic
"""


def test_all_caps_content_line_is_not_a_heading() -> None:
    """core-icu-nurse: 'CCRN (AACN)' right under an underlined CERTIFICATIONS heading is a certificate."""
    doc = _check(ICU_CERTIFICATIONS, allowed="education certifications skills")
    assert doc["certificates"] == [
        {"name": "CCRN", "issuer": "AACN"},
        {"name": "ACLS", "issuer": "American Heart Association"},
        {"name": "BLS", "issuer": "American Heart Association"},
        {"name": "Ohio RN License", "issuer": "Ohio Board of Nursing"},
    ]
    assert "x-sections" not in doc
    assert doc["skills"][0]["keywords"] == ["critical care", "ventilator management", "Epic"]


@pytest.mark.parametrize(
    ("text", "sections"),
    [
        # a list of short caps lines, even spaced out, is content
        ("Jo Doe\n\nCERTIFICATIONS\n\nCCRN\n\nACLS\n\nBLS\n", {"certificates": 3}),
        # an unknown caps heading that stands apart after some content still starts a section
        ("Jo Doe\n\nSKILLS\nPython, Go\n\nPROFESSIONAL DEVELOPMENT\nCourse A, 2020\n", {"skills": 1, "x-sections": 1}),
        ("Jo Doe\n\nSKILLS\nPython, Go\n\nSELECTED ACHIEVEMENTS\n- Won X\n", {"skills": 1, "x-sections": 1}),
        # "Paralegal Certificate (ABA-approved)" (core-b-paralegal) is an education entry, not a heading
        ("Jo Doe\n\nEducation\n\nParalegal Certificate (ABA-approved)\nSonoran Community College, 2020\n\n"
         "Bachelor of Arts in Political Science\nArizona Plateau University, 2019\n", {"education": 2}),
    ],
)  # fmt: skip
def test_caps_and_fallback_heading_rules(text: str, sections: dict[str, int]) -> None:
    doc = _check(text, allowed="certifications skills education")
    assert {k: len(v) for k, v in doc.items() if k != "basics"} == sections


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Certified Public Accountant (CPA), California, California Board of Accountancy",  # core-staff-accountant
         {"name": "Certified Public Accountant (CPA), California", "issuer": "California Board of Accountancy"}),
        ("Oregon Preliminary Teaching License, Multiple Subjects (K-8) (Oregon TSPC, 2023)",  # core-elementary-teacher
         {"name": "Oregon Preliminary Teaching License, Multiple Subjects (K-8)", "issuer": "Oregon TSPC",
          "date": "2023"}),
        ("Six Sigma Green Belt (ASQ)", {"name": "Six Sigma Green Belt", "issuer": "ASQ"}),
        ("Project Management Professional (PMP)", {"name": "Project Management Professional (PMP)"}),
        ("PMP, Project Management Institute, 2019",
         {"name": "PMP", "issuer": "Project Management Institute", "date": "2019"}),
    ],
)  # fmt: skip
def test_certificate_name_and_issuer(line: str, expected: dict[str, str]) -> None:
    doc = parse_resume_text(f"Pat Example\n\n## Certifications\n- {line}\n")
    assert schema_errors(doc) == []
    assert doc["certificates"] == [expected]


def test_flat_certificate_lists_stay_flat() -> None:
    doc = parse_resume_text(
        "Pat\n\n## Certifications\n- CompTIA Security+, CompTIA Network+, AWS Cloud Practitioner\n- CPR, BLS, ACLS\n"
    )
    assert [c for c in doc["certificates"]] == [
        {"name": n} for n in ("CompTIA Security+", "CompTIA Network+", "AWS Cloud Practitioner", "CPR", "BLS", "ACLS")
    ]  # fmt: skip


VERY_SHORT = """\
LUIS FERREIRA
luis.ferreira@example.com | (305) 555-0124 | Miami, FL | linkedin.com/in/luisferreira-cook
Line Cook — Coral Tide Bistro — 2021 - Present (grill and sauté stations, up to 180 covers a night)
Skills: grill, sauté, knife skills, food safety, Food Handler card
"""


def test_job_and_skills_lines_without_any_heading() -> None:
    """adv-very-short: no headings at all; the dated job line is a work entry, 'Skills:' a skills list."""
    doc = _check(VERY_SHORT, allowed="skills")
    assert _roles(doc) == [("Coral Tide Bistro", "Line Cook", "2021", "")]
    assert doc["work"][0]["description"] == "(grill and sauté stations, up to 180 covers a night)"
    assert doc["skills"] == [
        {"name": "Skills", "keywords": ["grill", "sauté", "knife skills", "food safety", "Food Handler card"]}
    ]
    assert (doc["basics"]["name"], doc["basics"]["phone"]) == ("LUIS FERREIRA", "(305) 555-0124")
    assert "label" not in doc["basics"]


@pytest.mark.parametrize(
    "text",
    [
        "Jo Doe\njo@x.com\nSenior engineer with 10 years at Google since 2015.\n",  # a sentence
        "Jo Doe\nSenior Engineer | 2015 - Present\njo@x.com\n",  # a headline: no employer
        "Jo Doe\n\n## Experience\nEngineer — Acme — 2019 - 2021\n\n## Notes\nLine Cook — Bistro — 2018 - 2019\n",
    ],
)
def test_header_job_lines_only_without_a_work_section(text: str) -> None:
    doc = parse_resume_text(text)
    assert len(doc.get("work", [])) == (1 if "## Experience" in text else 0)


FRENCH = """\
CAMILLE ROUSSEAU
Responsable marketing digital
Lyon, France · camille.rousseau@example.org · +33 6 55 55 01 42 · linkedin.com/in/camille-rousseau-marketing

EXPÉRIENCE PROFESSIONNELLE

Responsable marketing digital — Maison Verlaine, Lyon
janvier 2020 – aujourd'hui
- Gestion d'un budget média annuel de 450 000 €

Chargée de communication — Atelier Brunel, Grenoble
septembre 2017 – décembre 2019
- Organisation de 6 salons professionnels par an

Assistante marketing (alternance) — Coopérative Beaulieu, Valence
2015 - 2017
- Rédaction de la newsletter mensuelle envoyée à 9 000 adhérents
"""


def test_french_titles_dates_on_their_own_line_and_phone_prefix() -> None:
    """adv-non-english: French titles, 'janvier 2020 – aujourd'hui' below the header, '+33' phone."""
    doc = _check(FRENCH, allowed="expérience professionnelle janvier aujourd hui septembre décembre")
    assert _roles(doc) == [
        ("Maison Verlaine", "Responsable marketing digital", "2020-01", ""),
        ("Atelier Brunel", "Chargée de communication", "2017-09", "2019-12"),
        ("Coopérative Beaulieu", "Assistante marketing (alternance)", "2015", "2017"),
    ]
    assert [w["location"] for w in doc["work"]] == ["Lyon", "Grenoble", "Valence"]
    assert doc["basics"]["phone"] == "+33 6 55 55 01 42"
    assert "x-sections" not in doc


@pytest.mark.parametrize(
    ("header", "expected"),
    [  # title above employer, neither in an English word list: the keyword decides
        ("Jefa de proyecto\nGrupo Andino\n2018 - 2022", ("Grupo Andino", "Jefa de proyecto", "2018", "2022")),
        ("Lehrerin\nGymnasium Nord\n2019 - 2023", ("Gymnasium Nord", "Lehrerin", "2019", "2023")),
        ("Infirmière\nClinique du Parc\n2016 - 2017", ("Clinique du Parc", "Infirmière", "2016", "2017")),
    ],
)  # fmt: skip
def test_spanish_german_french_titles(header: str, expected: tuple[str, str, str, str]) -> None:
    doc = parse_resume_text(f"Pat Example\n\nEXPERIENCE\n\n{header}\n- Did the work\n")
    assert _roles(doc) == [expected]


UNICODE_HEADINGS = (
    "MARCUS O’NEILL\r\nProduct Designer\t|\tPortland, OR\t|\tmarcus.oneill@example.com\t|\t(503) 555-0181\r\n\r\n"
    "➢ PROFILE\r\nProduct designer who turns “it’s confusing” into shipped fixes — 8 years across healthcare.\r\n\r\n"
    "➢ EXPERIENCE\r\nSenior Product Designer — Fernleaf Health\tMay 2021 – Present\r\n"
    "  • Led the redesign of the patient check-in flow, lifting completion from 61% to 84%\r\n\r\n"
    "Junior Designer — Rivermouth Studio\tJun 2016 — Dec 2017\r\n"
    "  ▪ Produced wireframes and prototypes for 12 client projects\r\n\r\n"
    "➢ EDUCATION\r\nB.F.A. Interaction Design — Cascadia College of Art, 2016\r\n\r\n"
    "➢ SKILLS\r\nFigma • prototyping • usability testing\r\n"
)


def test_decorative_glyph_before_a_heading() -> None:
    """adv-unicode-format: '➢ EXPERIENCE' is a heading, not a bullet of the summary."""
    doc = _check(UNICODE_HEADINGS, allowed="profile experience education skills")
    assert _roles(doc) == [
        ("Fernleaf Health", "Senior Product Designer", "2021-05", ""),
        ("Rivermouth Studio", "Junior Designer", "2016-06", "2017-12"),
    ]
    assert doc["basics"]["summary"].startswith("Product designer who turns")
    assert doc["education"][0]["institution"] == "Cascadia College of Art"
    assert doc["skills"][0]["keywords"] == ["Figma", "prototyping", "usability testing"]


def test_glyph_bullets_in_a_list_stay_bullets() -> None:
    doc = parse_resume_text(
        "Jo Doe\n\nSKILLS\n• Leadership\n• Training\n• Python\n\n► Education\nBSc Physics, MIT, 2018\n"
    )
    assert doc["skills"] == [{"name": "Skills", "keywords": ["Leadership", "Training", "Python"]}]
    assert doc["education"][0]["institution"] == "MIT"


# ---------------------------------------------------------------- every text resume in the golden datasets
_GOLDEN = Path(__file__).resolve().parent.parent / "golden"
_TEXT_CASES = [
    case
    for split in ("smoke", "core", "adversarial")
    for line in (_GOLDEN / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip() and isinstance((case := json.loads(line))["resume"], str)
]
_AMBIGUOUS: dict[str, str] = {}  # case id -> why the text itself does not settle employer / title


def _norm(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, marks=pytest.mark.xfail(reason=_AMBIGUOUS[c["id"]], strict=True))
        if c["id"] in _AMBIGUOUS
        else c
        for c in _TEXT_CASES
    ],
    ids=[c["id"] for c in _TEXT_CASES],
)
def test_golden_text_resumes_keep_employers_and_titles(case: dict[str, Any]) -> None:
    """Every employer written in the resume is some work entry's name; every title is a position, or
    is written out by position and description together ('Registered Nurse, Medical ICU')."""
    doc = parse_resume_text(case["resume"])
    assert schema_errors(doc) == []
    work = doc.get("work", [])
    names = {_norm(w.get("name", "")) for w in work}
    positions = {_norm(w.get("position", "")) for w in work}
    spelled = [_norm(f"{w.get('position', '')}, {w.get('description', '')}") for w in work]
    for employer in case["facts"].get("employers", []):
        assert _norm(employer) in names, (employer, sorted(names))
    for title in case["facts"].get("titles", []):
        assert _norm(title) in positions or any(_norm(title) in s for s in spelled), (title, spelled)


def test_golden_has_text_cases() -> None:
    assert len(_TEXT_CASES) >= 20
