"""A directional is-a taxonomy: a SPECIFIC term in the source grounds its GENERAL category in the output.

"Designed fixtures in SolidWorks" grounds "CAD"; "CAD" grounds no CAD package, and a sibling grounds no
sibling (Docker is not Kubernetes, Jenkins is not GitHub Actions). Links are transitive: PostgreSQL is a
relational database, which is a database. The data is ``taxonomy/isa.yaml``, built from public sources and
hand rules by ``python -m app.grounding.taxonomy.build`` (see docs/taxonomy.md).

Terms that skills.yaml knows are matched by the skills lexicon, so every alias counts ("K8s", "Postgres");
the taxonomy's own forms (general terms such as "CAD software", specifics the lexicon lacks) are matched by
a second lexicon built from isa.yaml. Where a mention of one matcher lies inside a longer mention of the
other, the longer reading wins ("Excel spreadsheets" is Excel, not the category "spreadsheets").
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from app.errors import ConfigError
from app.grounding._skills import SkillLexicon

DATA = Path(__file__).with_name("taxonomy") / "isa.yaml"
_CACHE_SIZE = 16


@dataclass(frozen=True)
class GeneralMention:
    """A general (category) term named in a text, with its offsets into that text."""

    general: str
    raw: str
    start: int
    end: int


@dataclass(frozen=True)
class IsARelation:
    """Why a source grounds a general term: `specific` (found at `source_span`) is a kind of `general`."""

    general: str
    specific: str
    source_span: str
    reason: str
    start: int
    end: int
    path: tuple[str, ...]  # specific, ..., general


@dataclass(frozen=True)
class _Mention:
    node: str
    raw: str
    start: int
    end: int


class Taxonomy:
    """General terms, their specifics (direct links), and matchers for both."""

    def __init__(self, data: dict[str, Any], lexicon: SkillLexicon) -> None:
        self._lexicon = lexicon
        self._member: dict[str, str] = {}
        self._children: dict[str, tuple[str, ...]] = {}
        self._parents: dict[str, list[str]] = {}
        entries: list[dict[str, Any]] = []
        try:
            for general in data["generals"]:
                name = str(general["name"])
                self._member[name] = str(general["member"])
                self._children[name] = tuple(general["specifics"])
                for child in self._children[name]:
                    self._parents.setdefault(child, []).append(name)
                exact = [*general.get("exact_case", [])] + ([name] if general.get("lexicon") else [])
                entries.append(self._entry(name, general.get("aliases", []), exact))
            entries += [
                self._entry(t["name"], t.get("aliases", []), t.get("exact_case", [])) for t in data["terms"]
            ]
            self._own = SkillLexicon(entries)
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"taxonomy data is malformed: {exc}") from exc
        self._nodes = set(self._children) | set(self._parents)
        self._by_lower = {name.lower(): name for name in self._nodes}
        self._descendants: dict[str, frozenset[str]] = {}
        self._mention_cache: OrderedDict[str, tuple[_Mention, ...]] = OrderedDict()

    @staticmethod
    def _entry(name: str, aliases: list[str], exact: list[str]) -> dict[str, Any]:
        return {"name": name, "aliases": list(aliases), "exact_case": list(exact), "category": "taxonomy"}

    @classmethod
    def default(cls) -> Taxonomy:
        """The bundled taxonomy (taxonomy/isa.yaml), loaded once on first use."""
        return _default()

    # --- names -----------------------------------------------------------------------------------------

    def generals(self) -> list[str]:
        return list(self._children)

    def specifics_of(self, general: str) -> list[str]:
        """The direct specifics of a general term (KeyError for a name that is not a general)."""
        return list(self._children[general])

    def member_noun(self, general: str) -> str:
        return self._member[general]

    def resolve(self, term: str) -> str | None:
        """The taxonomy's name for a term: itself, any surface form of it, or None when it is unknown."""
        if term in self._nodes:
            return term
        for lexicon in (self._own, self._lexicon):
            name = lexicon.canonical(term)
            if name in self._nodes:
                return name
        return self._by_lower.get(" ".join(term.split()).lower())

    # --- relations -------------------------------------------------------------------------------------

    def _below(self, general: str) -> frozenset[str]:
        if general not in self._descendants:
            seen: set[str] = set()
            stack = list(self._children.get(general, ()))
            while stack:
                node = stack.pop()
                if node not in seen:
                    seen.add(node)
                    stack.extend(self._children.get(node, ()))
            self._descendants[general] = frozenset(seen)
        return self._descendants[general]

    def is_a(self, specific: str, general: str) -> bool:
        """Whether `specific` is (transitively) a kind of `general`; never true of a term and itself."""
        s, g = self.resolve(specific), self.resolve(general)
        return s is not None and g is not None and s != g and s in self._below(g)

    def path(self, specific: str, general: str) -> tuple[str, ...]:
        """The shortest chain specific -> ... -> general (empty when `specific` is not below `general`)."""
        previous: dict[str, str] = {}
        queue = deque([specific])
        while queue:
            node = queue.popleft()
            if node == general:
                chain = [node]
                while chain[-1] != specific:
                    chain.append(previous[chain[-1]])
                return tuple(reversed(chain))
            for parent in self._parents.get(node, ()):
                if parent not in previous and parent != specific:
                    previous[parent] = node
                    queue.append(parent)
        return ()

    def reason(self, chain: tuple[str, ...]) -> str:
        """ "SolidWorks is a CAD tool"; along a longer chain, one clause per link."""
        clauses: list[str] = []
        for lower, upper in pairwise(chain):
            subject = self._member[lower] if lower in self._member and clauses else lower
            clauses.append(f"{subject} is {self._member[upper]}")
        return "; ".join(clauses)

    # --- text ------------------------------------------------------------------------------------------

    def _mentions(self, text: str) -> tuple[_Mention, ...]:
        cached = self._mention_cache.get(text)
        if cached is not None:
            self._mention_cache.move_to_end(text)
            return cached
        own = [_Mention(m.canonical, m.raw, m.start, m.end) for m in self._own.find(text)]
        every_skill = [_Mention(m.canonical, m.raw, m.start, m.end) for m in self._lexicon.find(text)]
        skills = [m for m in every_skill if m.node in self._nodes]
        kept = [m for m in own if not _inside_longer(m, every_skill)] + [
            m for m in skills if not _inside_longer(m, own)
        ]
        unique = {(m.start, m.end, m.node): m for m in kept}
        result = tuple(sorted(unique.values(), key=lambda m: (m.start, -m.end)))
        self._mention_cache[text] = result
        if len(self._mention_cache) > _CACHE_SIZE:
            self._mention_cache.popitem(last=False)
        return result

    def terms_in(self, text: str) -> list[str]:
        """Every taxonomy term (general or specific) that the text names, in order."""
        return list(dict.fromkeys(m.node for m in self._mentions(text)))

    def generals_in(self, text: str) -> list[GeneralMention]:
        """The general (category) terms a text names, with their spans, in order."""
        return [
            GeneralMention(m.node, m.raw, m.start, m.end)
            for m in self._mentions(text)
            if m.node in self._children
        ]

    def grounds(self, general: str, source_text: str) -> IsARelation | None:
        """The first mention in `source_text` of a term that is a kind of `general`, or None.

        A mention of the general itself is not an is-a grounding (None): the ordinary skill check sees it.
        """
        name = self.resolve(general)
        if name is None or name not in self._children or not source_text.strip():
            return None
        below = self._below(name)
        for mention in self._mentions(source_text):
            if mention.node in below:
                chain = self.path(mention.node, name)
                return IsARelation(
                    general=name,
                    specific=mention.node,
                    source_span=mention.raw,
                    reason=self.reason(chain),
                    start=mention.start,
                    end=mention.end,
                    path=chain,
                )
        return None


def _inside_longer(mention: _Mention, others: list[_Mention]) -> bool:
    """Whether the other matcher read a longer span around this mention (as this term or another)."""
    return any(
        o.start <= mention.start
        and mention.end <= o.end
        and (o.end - o.start) > (mention.end - mention.start)
        for o in others
    )


@lru_cache(maxsize=1)
def _default() -> Taxonomy:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(DATA.read_text(encoding="utf-8"), Loader=loader)
    if not isinstance(data, dict):
        raise ConfigError(f"{DATA}: expected a mapping")
    return Taxonomy(data, SkillLexicon.default())
