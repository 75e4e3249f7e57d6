"""`akhbar eval stories`: B-cubed and pairwise scores of the online story clustering against labels.

The gold's articles are found in the corpora and go through the normal pipeline, in publication order,
into a fresh temporary store. With `prefill`, every article of the gold's corpus files goes in (in
publication order, the gold's among them), so stories are formed in a large, busy store.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from itertools import combinations
from pathlib import Path

from akhbar.corpus import iter_corpus
from akhbar.errors import AkhbarError
from akhbar.ingest import import_corpora
from akhbar.models import Article
from akhbar.pipeline import Pipeline
from akhbar.store import Store, open_store


class GoldError(AkhbarError):
    """A gold file that cannot be used."""


def load_gold(path: str | Path) -> dict[str, str]:
    """Article id → story label, from JSON lines {"id", "story"}."""
    gold: dict[str, str] = {}
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                gold[str(record["id"])] = str(record["story"])
            except (ValueError, KeyError, TypeError) as exc:
                raise GoldError(f"{path}:{number}: not a {{'id', 'story'}} line ({exc})") from None
    if not gold:
        raise GoldError(f"{path}: no labelled articles")
    return gold


def corpus_files(corpus: Path) -> list[Path]:
    """The JSONL(.gz) files under a corpus folder (or the file itself)."""
    if corpus.is_file():
        return [corpus]
    return sorted(p for p in corpus.rglob("*") if p.name.endswith((".jsonl", ".jsonl.gz")))


def find_articles(ids: Iterable[str], files: Iterable[Path]) -> tuple[list[Article], list[Path]]:
    """The corpus articles with these ids (in publication order) and the files they were found in."""
    wanted, used = set(ids), []
    found: dict[str, Article] = {}
    for path in files:
        hit = False
        for line in iter_corpus(path):
            if line.article is not None and line.article.external_id in wanted:
                found.setdefault(line.article.external_id, line.article)
                hit = True
        if hit:
            used.append(path)
    articles = sorted(found.values(), key=lambda a: (a.published is None, a.published, a.external_id))
    return articles, used


def bcubed(predicted: Mapping[str, object], gold: Mapping[str, str]) -> tuple[float, float]:
    """B-cubed precision and recall over the items of the gold."""
    pred_members: dict[object, set[str]] = defaultdict(set)
    gold_members: dict[str, set[str]] = defaultdict(set)
    for item in gold:
        pred_members[predicted[item]].add(item)
        gold_members[gold[item]].add(item)
    precision = recall = 0.0
    for item in gold:
        mine, truth = pred_members[predicted[item]], gold_members[gold[item]]
        common = len(mine & truth)
        precision += common / len(mine)
        recall += common / len(truth)
    return precision / len(gold), recall / len(gold)


def pairwise(predicted: Mapping[str, object], gold: Mapping[str, str]) -> tuple[float, float]:
    """Precision and recall of the same-story pairs."""
    items = sorted(gold)
    tp = fp = fn = 0
    for a, b in combinations(items, 2):
        same_pred, same_gold = predicted[a] == predicted[b], gold[a] == gold[b]
        tp += same_pred and same_gold
        fp += same_pred and not same_gold
        fn += same_gold and not same_pred
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0)


def f1(precision: float, recall: float) -> float:
    """Harmonic mean."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def scores(predicted: Mapping[str, object], gold: Mapping[str, str]) -> dict:
    """The JSON fields of `akhbar eval stories`."""
    bp, br = bcubed(predicted, gold)
    pp, pr = pairwise(predicted, gold)
    return {
        "bcubed_p": round(bp, 4),
        "bcubed_r": round(br, 4),
        "bcubed_f1": round(f1(bp, br), 4),
        "pairwise_p": round(pp, 4),
        "pairwise_r": round(pr, 4),
        "pairwise_f1": round(f1(pp, pr), 4),
        "n_articles": len(gold),
        "n_stories_pred": len(set(predicted[i] for i in gold)),
        "n_stories_gold": len(set(gold.values())),
    }


def evaluate_stories(
    gold_path: str | Path, corpus: str | Path, prefill: bool = False, batch_size: int = 100
) -> dict:
    """Run the gold's articles through the pipeline in a fresh store and score the stories."""
    gold = load_gold(gold_path)
    articles, used = find_articles(gold, corpus_files(Path(corpus)))
    missing = set(gold) - {a.external_id for a in articles}
    if missing:
        raise GoldError(f"{len(missing)} gold articles not found in {corpus}, e.g. {sorted(missing)[:3]}")
    with tempfile.TemporaryDirectory(prefix="akhbar-eval-") as folder:
        store = open_store(f"sqlite:///{folder}/eval.db")
        try:
            pipeline = Pipeline.default(store)
            if prefill:
                import_corpora(used, pipeline, batch_size=500)
            else:
                for start in range(0, len(articles), batch_size):
                    pipeline.ingest(articles[start : start + batch_size])
            predicted = story_labels(store, gold)
        finally:
            store.close()
    result = scores(predicted, gold)
    result["prefill"] = prefill
    return result


def story_labels(store: Store, gold: Mapping[str, str]) -> dict[str, object]:
    """Each gold article's story in the store (its own singleton label when it has none)."""
    ids = store.article_ids_for_external(list(gold))
    by_store_id = {a.id: a for a in store.get_articles(list(ids.values()))}
    labels: dict[str, object] = {}
    for external, article_id in ids.items():
        story = by_store_id[article_id].story_id
        labels[external] = story if story is not None else f"alone:{external}"
    return labels


def story_sizes(labels: Mapping[str, object]) -> Counter:
    """How many articles each predicted story has (for reports)."""
    return Counter(labels.values())
