"""`akhbar eval tags`: precision@5 and recall@10 of tags against a keyphrase gold, Akhbar beside YAKE.

Gold: JSON Lines with `id`, `split`, `text`, `keyphrases_by_frequency`; the first 10 keyphrases are the
gold set. Tags and keyphrases match on the analyzer's key form. YAKE (Arabic, n ≤ 3) gets the same
clean-up of its input (the analyzer's display form) so the comparison is fair.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from akhbar import text as analyzer
from akhbar.enrich.tags import Tagger, split_title
from akhbar.errors import AkhbarError

GOLD_SIZE = 10


class GoldError(AkhbarError):
    """A keyphrase gold file cannot be read."""


@dataclass
class GoldDoc:
    """One gold document."""

    id: str
    split: str | None
    text: str
    keyphrases: list[str]


def read_gold(path: str | Path, split: str | None = None) -> list[GoldDoc]:
    """The gold documents of a file (only those of `split` when given)."""
    docs = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise GoldError(f"cannot read gold file {path}: {exc}") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            doc = GoldDoc(
                str(data["id"]), data.get("split"), data["text"], list(data["keyphrases_by_frequency"])
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise GoldError(f"{path}:{number}: not a gold document ({exc})") from exc
        if split is None or doc.split == split:
            docs.append(doc)
    return docs


def precision_recall(predicted: list[str], gold: list[str]) -> tuple[float, float]:
    """Precision@5 and recall@10 on key form (gold = its first 10 phrases, each counted once)."""
    gold_keys = {k for k in (analyzer.key(g) for g in gold[:GOLD_SIZE]) if k}
    keys = list(dict.fromkeys(k for k in (analyzer.key(p) for p in predicted) if k))
    if not gold_keys:
        return 0.0, 0.0
    p5 = sum(k in gold_keys for k in keys[:5]) / 5
    r10 = sum(k in gold_keys for k in keys[:10]) / len(gold_keys)
    return p5, r10


def yake_extractor() -> Callable[[str], list[str]]:
    """YAKE for Arabic, n ≤ 3, top 10, over the analyzer's display form."""
    import yake

    extractor = yake.KeywordExtractor(lan="ar", n=3, top=GOLD_SIZE)
    return lambda text: [phrase for phrase, _ in extractor.extract_keywords(analyzer.normalize(text))]


def akhbar_extractor(tagger: Tagger) -> Callable[[str], list[str]]:
    """Akhbar's tags (display names) of a gold text."""
    return lambda text: [tag.name for tag in tagger.tag(*split_title(text))]


def mean_scores(extract: Callable[[str], list[str]], docs: Iterable[GoldDoc]) -> dict[str, float]:
    """Mean precision@5 and recall@10 of an extractor over documents."""
    pairs = [precision_recall(extract(doc.text), doc.keyphrases) for doc in docs]
    count = max(len(pairs), 1)
    return {
        "p_at_5": round(sum(p for p, _ in pairs) / count, 4),
        "r_at_10": round(sum(r for _, r in pairs) / count, 4),
    }


def evaluate_tags(docs: list[GoldDoc], tagger: Tagger, with_yake: bool = True) -> dict:
    """The `akhbar eval tags` report."""
    report: dict = {"akhbar": mean_scores(akhbar_extractor(tagger), docs)}
    if with_yake:
        report["yake"] = mean_scores(yake_extractor(), docs)
    report["n_docs"] = len(docs)
    return report
