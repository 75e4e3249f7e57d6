"""The gazetteer: countries, territories, cities, organisations and people, with variants and adjectives.

Data: `data/gazetteer.tsv` beside this module (format in its header). Every spelling is indexed by
its tag key (vocab.tag_key), so a lookup is one dict access per candidate phrase.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from akhbar.enrich.vocab import tag_key
from akhbar.errors import AkhbarError

ENTITY_TYPES = ("person", "place", "organisation", "topic")


class GazetteerError(AkhbarError):
    """The gazetteer data file is malformed."""


@dataclass(frozen=True)
class Entity:
    """A known entity: its display name, type and tag key (the key of its name)."""

    name: str
    type: str
    key: str


@dataclass(frozen=True)
class Gazetteer:
    """Spellings (tag keys) to entities; `adjectives` are the spellings that are adjective forms."""

    spellings: dict[str, Entity]
    adjectives: frozenset[str]

    def lookup(self, key: str) -> Entity | None:
        """The entity a tag key spells, if any."""
        return self.spellings.get(key)

    def __len__(self) -> int:
        return len({entity.key for entity in self.spellings.values()})


def adjective_forms(adjective: str) -> list[str]:
    """A listed adjective and, for a nisba adjective in ي, its feminine in ة (روسي → روسية)."""
    forms = [adjective]
    if adjective.endswith("ي"):
        forms.append(adjective + "ة")
    return forms


def parse_gazetteer(text: str) -> Gazetteer:
    """Parse gazetteer TSV text; the first entity to claim a spelling keeps it."""
    spellings: dict[str, Entity] = {}
    adjectives: set[str] = set()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 2 or fields[0] not in ENTITY_TYPES or not fields[1].strip():
            raise GazetteerError(
                f"gazetteer line {number}: expected TYPE<TAB>NAME[<TAB>VARIANTS[<TAB>ADJECTIVES]]"
            )
        kind, name = fields[0], fields[1].strip()
        entity = Entity(name=name, type=kind, key=tag_key(name))
        variants = [v for v in (fields[2].split("|") if len(fields) > 2 else []) if v.strip()]
        for spelling in (name, *variants):
            spellings.setdefault(tag_key(spelling), entity)
        for adjective in fields[3].split("|") if len(fields) > 3 else []:
            for form in adjective_forms(adjective.strip()) if adjective.strip() else []:
                form_key = tag_key(form)
                if form_key not in spellings:
                    spellings[form_key] = entity
                    adjectives.add(form_key)
    spellings.pop("", None)
    return Gazetteer(spellings, frozenset(adjectives))


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The gazetteer shipped with Akhbar."""
    data = resources.files("akhbar.enrich").joinpath("data", "gazetteer.tsv").read_text(encoding="utf-8")
    return parse_gazetteer(data)
