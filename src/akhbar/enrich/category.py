"""Category of an article in Akhbar's fixed Arabic taxonomy.

From the source's own section (feed category, corpus category or URL path) when it names one, else a
multinomial naive Bayes classifier over the article's words (tag keys, stop words out), trained on
ANT's categories by `akhbar.enrich.train` and shipped as `data/category_nb.json.gz`.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit

from akhbar import text as analyzer
from akhbar.enrich.candidates import Words

POLITICS, ECONOMY, SPORT, TECHNOLOGY = "سياسة", "اقتصاد", "رياضة", "تكنولوجيا"
CULTURE, HEALTH, SCIENCE, VARIETY = "ثقافة", "صحة", "علوم", "منوعات"
CATEGORIES = (POLITICS, ECONOMY, SPORT, TECHNOLOGY, CULTURE, HEALTH, SCIENCE, VARIETY)

# Section names (English and Arabic, compared in key form) to categories.
_SECTIONS = {
    POLITICS: "politics political news world international internationalnews middleeast middle-east "
    "region local national africa asia europe americas us uk gulf سياسه سياسيه اخبار دولي دوليه عربي "
    "عالم عالمي محليات محلي الشرق-الاوسط شرق-اوسط",
    ECONOMY: "economy economic business finance financial markets market money energy oil اقتصاد اقتصادي مال "
    "اعمال اسواق بورصه طاقه",
    SPORT: "sport sports football soccer رياضه رياضي كره-القدم كره",
    TECHNOLOGY: "technology tech science-tech scienceandtech sciencetech digital internet تكنولوجيا تقنيه "
    "تقنيات علوم-وتكنولوجيا",
    CULTURE: "culture cultural arts art entertainment books cinema music ثقافه ثقافي فن فنون ادب سينما",
    HEALTH: "health medicine medical wellbeing صحه طب",
    SCIENCE: "science علوم علم بيئه environment",
    VARIETY: "lifestyle life style variety misc miscellaneous travel odd منوعات متفرقات منوعه",
}
SECTION_CATEGORIES: dict[str, str] = {
    analyzer.key(name): category for category, names in _SECTIONS.items() for name in names.split()
}
_SPLIT = re.compile(r"[/\s_,.|:+]+")
MODEL_FILE = "category_nb.json.gz"


def section_category(section: str | None) -> str | None:
    """The category a source's section name or URL path stands for, if any."""
    if not section:
        return None
    folded = analyzer.key(section)
    if folded in SECTION_CATEGORIES:
        return SECTION_CATEGORIES[folded]
    if folded in CATEGORIES or section in CATEGORIES:
        return section if section in CATEGORIES else next(c for c in CATEGORIES if analyzer.key(c) == folded)
    for part in _SPLIT.split(folded):
        if part in SECTION_CATEGORIES:
            return SECTION_CATEGORIES[part]
    return None


def url_category(url: str | None) -> str | None:
    """The category named by a URL's path segments (…/sport/…, …/economy-12345), if any."""
    if not url:
        return None
    for segment in reversed(urlsplit(url).path.lower().split("/")):  # the most specific section first
        name = re.sub(r"[-_]?\d+(\.\w+)?$", "", segment)
        if name and (found := SECTION_CATEGORIES.get(name)):
            return found
    return None


def features(words: Words) -> Counter[str]:
    """The classifier's features: the article's non-stop words by tag key."""
    return Counter(tag for tag, stop in zip(words.tags, words.stops, strict=True) if not stop)


@dataclass(frozen=True)
class NaiveBayes:
    """A multinomial naive Bayes model: log priors and per-class log likelihoods of known words."""

    classes: tuple[str, ...]
    log_priors: tuple[float, ...]
    log_likelihoods: dict[str, tuple[float, ...]]

    def predict(self, counts: Counter[str]) -> str | None:
        """The most probable class of a bag of words (None when no word is known)."""
        scores = list(self.log_priors)
        known = False
        for word, count in counts.items():
            row = self.log_likelihoods.get(word)
            if row is None:
                continue
            known = True
            for i, value in enumerate(row):
                scores[i] += count * value
        if not known:
            return None
        return self.classes[max(range(len(scores)), key=scores.__getitem__)]

    def to_json(self) -> dict:
        """The shipped form."""
        return {
            "classes": list(self.classes),
            "log_priors": [round(p, 4) for p in self.log_priors],
            "log_likelihoods": {w: [round(v, 3) for v in row] for w, row in self.log_likelihoods.items()},
        }

    @classmethod
    def from_json(cls, data: dict) -> NaiveBayes:
        """Read the shipped form."""
        return cls(
            tuple(data["classes"]),
            tuple(data["log_priors"]),
            {w: tuple(row) for w, row in data["log_likelihoods"].items()},
        )


def train_naive_bayes(
    samples: Iterable[tuple[Counter[str], str]], vocabulary: int = 12000, min_df: int = 3, alpha: float = 0.5
) -> NaiveBayes:
    """Fit a multinomial naive Bayes model on (word counts, class) samples, keeping the commonest words."""
    class_docs: Counter[str] = Counter()
    class_words: dict[str, Counter[str]] = {}
    df: Counter[str] = Counter()
    for counts, label in samples:
        class_docs[label] += 1
        class_words.setdefault(label, Counter()).update(counts)
        df.update(counts.keys())
    kept = [w for w, n in df.most_common(vocabulary) if n >= min_df]
    classes = tuple(sorted(class_docs))
    total_docs = sum(class_docs.values())
    log_priors = tuple(math.log(class_docs[c] / total_docs) for c in classes)
    totals = {c: sum(class_words[c][w] for w in kept) for c in classes}
    log_likelihoods = {
        w: tuple(math.log((class_words[c][w] + alpha) / (totals[c] + alpha * len(kept))) for c in classes)
        for w in kept
    }
    return NaiveBayes(classes, log_priors, log_likelihoods)


@lru_cache(maxsize=1)
def default_model() -> NaiveBayes:
    """The classifier shipped with Akhbar."""
    raw = resources.files("akhbar.enrich").joinpath("data", MODEL_FILE).read_bytes()
    return NaiveBayes.from_json(json.loads(gzip.decompress(raw)))


def categorize(
    section: str | None, url: str | None, words: Words, model: NaiveBayes | None = None
) -> str | None:
    """The article's category: its source's section, else its URL, else the classifier's guess."""
    return (
        section_category(section) or url_category(url) or (model or default_model()).predict(features(words))
    )
