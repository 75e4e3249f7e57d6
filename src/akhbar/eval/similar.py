"""`akhbar eval similar`: correlation of Akhbar's article similarity with human judgements.

SemEval-2022 Task 8 pairs: `overall` runs from 1 (same story) to 4 (unrelated), so the target is
-overall. Akhbar's similarity is the one the similar-articles list ranks by (relate.similar.similarity
over the relate stage's term vectors, with document frequencies taken from the pairs' texts); the
reference is a plain sublinear TF-IDF cosine over lightly normalised words, computed in the same run.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from akhbar import text as analyzer
from akhbar.errors import AkhbarError
from akhbar.relate.similar import Profile, similarity
from akhbar.relate.vectors import TermStats, cosine, term_counts, tfidf, unit

_WORD = re.compile(r"\w+")


class SimilarGoldError(AkhbarError):
    """A similarity gold file that cannot be used."""


def load_pairs(path: str | Path) -> list[dict]:
    """The pairs of a SemEval-style JSON lines file (text1, text2, overall)."""
    pairs = []
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                pairs.append(
                    {
                        "text1": str(record["text1"]),
                        "text2": str(record["text2"]),
                        "overall": float(record["overall"]),
                    }
                )
            except (ValueError, KeyError, TypeError) as exc:
                raise SimilarGoldError(
                    f"{path}:{number}: not a {{text1, text2, overall}} line ({exc})"
                ) from None
    if len(pairs) < 3:
        raise SimilarGoldError(f"{path}: fewer than 3 pairs")
    return pairs


def ranks(values: Sequence[float]) -> list[float]:
    """Ranks with ties averaged (1-based)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    """Pearson correlation."""
    mx, my = sum(x) / len(x), sum(y) / len(y)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sx = math.sqrt(sum((a - mx) ** 2 for a in x))
    sy = math.sqrt(sum((b - my) ** 2 for b in y))
    return sxy / (sx * sy) if sx and sy else 0.0


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman correlation (Pearson of the ranks)."""
    return pearson(ranks(x), ranks(y))


def akhbar_scores(pairs: list[dict]) -> list[float]:
    """Akhbar's similarity of each pair."""
    texts = [p[k] for p in pairs for k in ("text1", "text2")]
    terms = {t: analyzer.terms(t) for t in set(texts)}
    stats = TermStats()
    for found in terms.values():
        stats.add(found)
    profiles = {t: Profile(tfidf(term_counts([], found), stats)) for t, found in terms.items()}
    return [similarity(profiles[p["text1"]], profiles[p["text2"]]) for p in pairs]


def tfidf_scores(pairs: list[dict]) -> list[float]:
    """Plain sublinear TF-IDF cosine over lightly normalised words (the reference)."""
    words = {t: _WORD.findall(analyzer.normalize(t).lower()) for p in pairs for t in (p["text1"], p["text2"])}
    df: Counter[str] = Counter()
    for found in words.values():
        df.update(set(found))
    n = len(words)

    def vector(found: list[str]) -> dict[str, float]:
        counts = Counter(found)
        return unit({w: (1 + math.log(c)) * (math.log((1 + n) / (1 + df[w])) + 1) for w, c in counts.items()})

    vectors = {t: vector(found) for t, found in words.items()}
    return [cosine(vectors[p["text1"]], vectors[p["text2"]]) for p in pairs]


def evaluate_similar(gold: str | Path) -> dict:
    """Spearman and Pearson of Akhbar's similarity and of TF-IDF against -overall."""
    pairs = load_pairs(gold)
    target = [-p["overall"] for p in pairs]
    out: dict[str, object] = {}
    for name, found in (("akhbar", akhbar_scores(pairs)), ("tfidf", tfidf_scores(pairs))):
        out[name] = {
            "spearman": round(spearman(found, target), 4),
            "pearson": round(pearson(found, target), 4),
        }
    out["n_pairs"] = len(pairs)
    return out
