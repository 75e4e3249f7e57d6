"""Spelling variants of index terms, learnt from a corpus, for query-time expansion.

Outlets spell the same foreign name differently: هوكينج/هوكينغ, جوجل/غوغل/قوقل, نتنياهو/نتانياهو.
Two index terms are candidate variants when one spelling step turns one into the other: swapping the
letters that transcribe /g/ (ج غ ق), adding, dropping or moving one long vowel (ا و ي), or changing the
final letter among ه ي ا (ة/ى/ا endings). A candidate
pair is kept when the two terms are used in similar contexts: the cosine of their context vectors (the
IDF-weighted terms of the documents each occurs in) is high. `benchmarks/learn_variants.py` learns the
table from ../shared/corpora and writes variants.tsv beside this module; `query_variants` reads it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from importlib import resources

G_LETTERS = str.maketrans({"ج": "G", "غ": "G", "ق": "G"})
LONG_VOWELS = "اوي"
FINALS = "هيا"


def skeleton(term: str) -> str:
    """The term with the letters that can transcribe /g/ merged."""
    return term.translate(G_LETTERS)


def neighbour_keys(term: str) -> set[str]:
    """Keys shared by a term and its candidate variants: its skeleton, without one long vowel, final letter blanked."""
    base = skeleton(term)
    keys = {base}
    for i in range(1, len(base)):  # a first letter is never a vowel to drop
        if base[i] in LONG_VOWELS:
            keys.add(base[:i] + base[i + 1 :])  # اميرك and امريك share امرك; فنزويلا and فنزويل share فنزويل
    if len(base) > 2 and base[-1] in FINALS:
        keys.add(base[:-1] + "$")
    return keys


def _without(word: str, i: int) -> str:
    """The word without its i-th letter."""
    return word[:i] + word[i + 1 :]


def one_step(a: str, b: str) -> bool:
    """True when b is a in one spelling step: ج/غ/ق swaps only, one long vowel added, dropped or moved, or the final ه/ي/ا."""
    if len(a) == len(b):
        if a != b and skeleton(a) == skeleton(b):
            return True  # جوجل / غوغل
        if a[:-1] == b[:-1] and a[-1] in FINALS and b[-1] in FINALS:
            return True  # جنوه / جنوي
        for i in range(1, len(a)):  # one vowel moved: امريك / اميرك
            if a[i] in LONG_VOWELS:
                for j in range(1, len(b)):
                    if b[j] == a[i] and j != i and _without(a, i) == _without(b, j):
                        return True
        return False
    if abs(len(a) - len(b)) != 1:
        return False
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return any(longer[i] in LONG_VOWELS and _without(longer, i) == shorter for i in range(1, len(longer)))


def candidate_pairs(terms: Iterable[str], min_length: int = 4) -> set[tuple[str, str]]:
    """Pairs of distinct terms (a < b) that share a neighbour key: skeleton, one long vowel, final letter."""
    buckets: dict[str, list[str]] = defaultdict(list)
    for term in terms:
        if len(term) >= min_length and term.isalpha() and not term.isascii():
            for k in neighbour_keys(term):
                buckets[k].append(term)
    pairs: set[tuple[str, str]] = set()
    for members in buckets.values():
        if 1 < len(members) <= 20:
            unique = sorted(set(members))
            for n, a in enumerate(unique):
                for b in unique[n + 1 :]:
                    if one_step(a, b):
                        pairs.add((a, b))
    return pairs


def parse_table(text: str) -> dict[str, tuple[str, ...]]:
    """Read a variants table: one group of variant terms a line, tab-separated; # comments."""
    table: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        group = tuple(dict.fromkeys(line.split("\t")))
        for term in group:
            others = tuple(t for t in group if t != term)
            table[term] = tuple(dict.fromkeys((*table.get(term, ()), *others)))
    return table


@cache
def variant_table() -> dict[str, tuple[str, ...]]:
    """The packaged table (empty when variants.tsv is absent)."""
    source = resources.files("akhbar.text").joinpath("variants.tsv")
    if not source.is_file():
        return {}
    return parse_table(source.read_text(encoding="utf-8"))


PROCLITICS = "وفبلك"
MIN_BARE_LENGTH = 3


def proclitic_forms(term: str) -> list[str]:
    """For a term that may carry a one-letter proclitic (و ف ب ل ك), the bare word and its other forms.

    The index keeps لروسيا apart from روسيا (stripping ل or ب from every word would damage
    بريطانيا or فنزويلا), so a query written with the proclitic also looks for the bare word; a
    form that is not a word simply matches nothing.
    """
    if len(term) - 1 < MIN_BARE_LENGTH or term[0] not in PROCLITICS:
        return []
    bare = term[1:]
    return [bare, *(letter + bare for letter in PROCLITICS if letter != term[0])]


def query_variants(term: str) -> list[str]:
    """Other forms of an index term for OR-expansion of queries: corpus spelling variants and proclitic forms."""
    return list(dict.fromkeys([*variant_table().get(term, ()), *proclitic_forms(term)]))
