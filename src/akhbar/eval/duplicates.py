"""`akhbar eval duplicates`: precision and recall of duplicate detection on labelled pairs.

A gold file has one pair a line: {"a": <article in corpus format>, "b": <article>, "label": "duplicate" |
"same_story" | "different"}. Each pair is judged by `relate.duplicates.are_duplicates` on the terms the
store indexes, the rule the import groups duplicates by. Without a gold file, a labelled set is built
from real articles (`labelled_pairs`): positives perturb an article the way republishing does, negatives
are same-story articles by different outlets (from the stories gold) and unrelated articles.
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from collections.abc import Iterator
from difflib import SequenceMatcher
from itertools import combinations
from pathlib import Path

from akhbar import text as analyzer
from akhbar.corpus import article_from_record, iter_corpus, record_from_article
from akhbar.errors import AkhbarError
from akhbar.models import Article
from akhbar.pipeline import clean_article
from akhbar.relate.duplicates import are_duplicates

LABELS = ("duplicate", "same_story", "different")
DATELINES = (
    "الرياض - واس:",
    "دبي - سكاي نيوز عربية",
    "القاهرة (رويترز) -",
    "لندن - بي بي سي:",
    "باريس - أ ف ب:",
    "عمان - بترا:",
)
BOILERPLATE = (
    "تابعوا آخر الأخبار العاجلة عبر تطبيقنا على الهاتف.",
    "جميع الحقوق محفوظة للناشر، ويمنع إعادة النشر دون إذن.",
    "اقرأ أيضا: أهم عناوين الصحف اليوم",
    "لمزيد من الأخبار تابعونا على تويتر وفيسبوك",
)
AGENCY_COPY = 0.8  # a same-story pair whose words align over this share of the shorter text is one text
_SENTENCE = re.compile(r"(?<=[.!؟?])\s+|\n+")


class DuplicateGoldError(AkhbarError):
    """A duplicates gold file that cannot be used."""


def judge(a: Article, b: Article) -> bool:
    """The import's duplicate rule on two articles (display-cleaned, then the analyzer's terms)."""
    a, b = clean_article(a), clean_article(b)
    return are_duplicates(
        analyzer.terms(a.title), analyzer.terms(a.text), analyzer.terms(b.title), analyzer.terms(b.text)
    )


# perturbations: how republishing changes a text ------------------------------------------------------


def sentences(text: str) -> list[str]:
    """The sentences (and paragraphs) of a text."""
    return [s for s in _SENTENCE.split(text) if s.strip()]


def new_headline(article: Article, rng: random.Random, other: Article) -> Article:
    """The same body under another outlet's headline."""
    return _copy(article, title=other.title)


def add_boilerplate(article: Article, rng: random.Random, other: Article) -> Article:
    """A dateline before the text and an outlet's boilerplate after it."""
    return _copy(article, text=f"{rng.choice(DATELINES)} {article.text}\n{rng.choice(BOILERPLATE)}")


def drop_boilerplate(article: Article, rng: random.Random, other: Article) -> Article:
    """The first and last sentences (dateline, sign-off) removed."""
    parts = sentences(article.text)
    return _copy(article, text=" ".join(parts[1:-1]) if len(parts) > 4 else article.text)


def reorder(article: Article, rng: random.Random, other: Article) -> Article:
    """Sentences in another order (a few swapped)."""
    parts = sentences(article.text)
    for _ in range(max(1, len(parts) // 4)):
        i, j = rng.randrange(len(parts)), rng.randrange(len(parts))
        parts[i], parts[j] = parts[j], parts[i]
    return _copy(article, text=" ".join(parts))


def change_words(article: Article, rng: random.Random, other: Article, share: float = 0.10) -> Article:
    """Up to `share` of the words replaced, dropped or with words inserted (an edit)."""
    words = article.text.split()
    pool = other.text.split() or ["خبر"]
    for _ in range(int(len(words) * share * rng.uniform(0.5, 1.0))):
        i = rng.randrange(len(words))
        action = rng.random()
        if action < 0.5:
            words[i] = rng.choice(pool)
        elif action < 0.8 and len(words) > 1:
            del words[i]
        else:
            words.insert(i, rng.choice(pool))
    return _copy(article, text=" ".join(words))


def truncate(article: Article, rng: random.Random, other: Article) -> Article:
    """A cut copy: the first 40 to 80 per cent of the text (a feed summary, a shortened re-post)."""
    words = article.text.split()
    return _copy(article, text=" ".join(words[: max(1, int(len(words) * rng.uniform(0.4, 0.8)))]))


def republish(article: Article, rng: random.Random, other: Article) -> Article:
    """Several at once: new headline, dateline and boilerplate, a few words edited."""
    copy = new_headline(article, rng, other)
    copy = add_boilerplate(copy, rng, other)
    return change_words(copy, rng, other, share=0.05)


PERTURBATIONS = (new_headline, add_boilerplate, drop_boilerplate, reorder, change_words, truncate, republish)


def _copy(article: Article, **changes: str) -> Article:
    """A copy of an article under another URL with some fields changed."""
    record = record_from_article(article)
    record.update(changes)
    record["id"] = f"{record['id']}~copy"
    record["url"] = f"{record['url']}#copy"
    return article_from_record(record, "<generated>", 0)


# the labelled set ---------------------------------------------------------------------------------------


def _articles(files: list[Path], wanted: set[str] | None, limit: int, min_words: int) -> list[Article]:
    """Articles from corpus files: those with the wanted ids, or the first `limit` long enough ones."""
    found: list[Article] = []
    for path in files:
        for line in iter_corpus(path):
            article = line.article
            if article is None or len(article.text.split()) < min_words:
                continue
            if wanted is not None:
                if article.external_id in wanted:
                    found.append(article)
            elif len(found) < limit:
                found.append(article)
        if wanted is None and len(found) >= limit:
            break
    return found


def labelled_pairs(
    corpora: Path, stories_gold: Path, per_perturbation: int = 60, seed: int = 7
) -> list[dict]:
    """Pairs built from real articles: perturbed copies (duplicate), same-story articles by different
    outlets (same_story) and unrelated articles (different)."""
    rng = random.Random(seed)
    files = sorted(p for p in corpora.rglob("*") if p.name.endswith((".jsonl", ".jsonl.gz")))
    gold = {}
    with stories_gold.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                gold[record["id"]] = record["story"]
    labelled = _articles(files, set(gold), 0, 0)
    base = [a for a in labelled if len(a.text.split()) >= 60]
    pairs = []
    for perturb in PERTURBATIONS:
        for article in rng.sample(base, min(per_perturbation, len(base))):
            other = rng.choice(base)
            pairs.append(_pair(article, perturb(article, rng, other), "duplicate", perturb.__name__))
    by_story: dict[str, list[Article]] = defaultdict(list)
    for article in labelled:
        by_story[gold[article.external_id]].append(article)
    for members in by_story.values():
        for a, b in combinations(sorted(members, key=lambda x: x.external_id or ""), 2):
            if a.source == b.source:
                continue
            if aligned_share(a.text, b.text) >= AGENCY_COPY:
                pairs.append(_pair(a, b, "duplicate", "agency copy in two outlets"))
            else:
                pairs.append(_pair(a, b, "same_story", "different outlets, same story"))
    for _ in range(per_perturbation):
        a, b = rng.sample(labelled, 2)
        if gold[a.external_id] != gold[b.external_id]:
            pairs.append(_pair(a, b, "different", "different stories"))
    return pairs


def aligned_share(a: str, b: str) -> float:
    """Share of the shorter text's words that align, in order, with the other's (independent of MinHash)."""
    wa, wb = a.split(), b.split()
    if not wa or not wb:
        return 0.0
    blocks = SequenceMatcher(None, wa, wb, autojunk=False).get_matching_blocks()
    return sum(block.size for block in blocks) / min(len(wa), len(wb))


def _pair(a: Article, b: Article, label: str, how: str) -> dict:
    """One labelled pair in the gold format."""
    return {"a": record_from_article(a), "b": record_from_article(b), "label": label, "how": how}


def load_pairs(path: str | Path) -> Iterator[dict]:
    """The pairs of a gold file, checked."""
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if record["label"] not in LABELS:
                    raise ValueError(f"label must be one of {LABELS}")
                a = article_from_record(record["a"], str(path), number)
                b = article_from_record(record["b"], str(path), number)
            except (ValueError, KeyError, TypeError, AkhbarError) as exc:
                raise DuplicateGoldError(f"{path}:{number}: not a duplicates gold line ({exc})") from None
            yield {"a": a, "b": b, "label": record["label"], "how": record.get("how", "")}


def evaluate_duplicates(pairs: list[dict]) -> dict:
    """Precision and recall of `judge` on labelled pairs (articles or corpus records)."""
    tp = fp = fn = n_pos = n_neg = 0
    misses: dict[str, int] = defaultdict(int)
    for pair in pairs:
        a, b = (
            x if isinstance(x, Article) else article_from_record(x, "<pair>", 0)
            for x in (pair["a"], pair["b"])
        )
        said = judge(a, b)
        positive = pair["label"] == "duplicate"
        n_pos += positive
        n_neg += not positive
        tp += said and positive
        fp += said and not positive
        fn += positive and not said
        if said != positive:
            misses[pair.get("how") or pair["label"]] += 1
    return {
        "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
        "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
        "n_pos": n_pos,
        "n_neg": n_neg,
        "errors_by_kind": dict(sorted(misses.items())),
    }
