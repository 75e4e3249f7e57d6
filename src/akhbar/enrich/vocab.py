"""Words as tags see them: the tag key of a word and a phrase, slugs, and the general Arabic word prior.

The tag key of a word is its analyzer key form with clitics stripped by `akhbar.text.strip_clitics`
(ال بال لل وال…), and, when the general word prior says the rest is the usual word, a lone leading
و ف ب ل ك too (لروسيا, بروسيا → روسيا). The prior is static (wordfreq's Arabic table, keyed once and shipped as
`data/word_prior.tsv.gz` by `akhbar.enrich.make_prior`), so tag keys and slugs do not drift as the
corpus grows, and loading it costs milliseconds instead of keying 600,000 words at start-up.
"""

from __future__ import annotations

import gzip
import math
import re
import warnings
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from importlib import resources

from akhbar import text as analyzer

PROCLITICS = "وفبلك"
# How much more frequent (in the prior) a word without its first letter must be for that letter to be a clitic.
PROCLITIC_RATIO = 4.0
# Smallest prior frequency that says "this is a known word" (wordfreq's floor is about 1e-8).
KNOWN_WORD = 1e-7
# Words per article, to turn a per-word frequency into a per-document rate.
WORDS_PER_DOCUMENT = 350.0
PRIOR_FILE = "word_prior.tsv.gz"
PRIOR_HEADER = (
    "# Akhbar's general Arabic word prior: wordfreq 'ar' frequencies keyed by clitic-stripped key form"
    " (vocab.compute_prior), in millibels (f = 10^(-value/1000)). Made by python -m akhbar.enrich.make_prior"
)
_UNSAFE_SLUG = re.compile(r"[^\w]", re.UNICODE)


@lru_cache(maxsize=1)
def word_prior() -> dict[str, float]:
    """Per-word frequency of general Arabic, keyed by clitic-stripped key form (the shipped table)."""
    raw = resources.files("akhbar.enrich").joinpath("data", PRIOR_FILE).read_bytes()
    return load_prior(gzip.decompress(raw).decode("utf-8"), wordfreq_arabic)


def load_prior(text: str, frequencies: Callable[[], Mapping[str, float]]) -> dict[str, float]:
    """The table of a prior file, or one computed from `frequencies()` when the analyzer keys its probes otherwise.

    A file made with another analyzer would key words differently from the words it is asked about,
    so it is not used then (a warning says to regenerate it).
    """
    table, probes = parse_prior(text)
    stale = [word for word, key in probes if base_strip(analyzer.fold(word)) != key]
    if not stale:
        return table
    warnings.warn(
        f"{PRIOR_FILE} was made with another analyzer ({len(stale)} probe words keyed differently):"
        " computing the prior, which is slow; regenerate it with python -m akhbar.enrich.make_prior",
        stacklevel=2,
    )
    return compute_prior(frequencies())


def wordfreq_arabic() -> dict[str, float]:
    """wordfreq's Arabic word frequencies (its whole table)."""
    from wordfreq import get_frequency_dict

    return get_frequency_dict("ar")


def compute_prior(frequencies: Mapping[str, float]) -> dict[str, float]:
    """Word frequencies keyed by clitic-stripped key form, summed over spellings, words under KNOWN_WORD left out."""
    table: dict[str, float] = {}
    for word, freq in frequencies.items():
        if freq < KNOWN_WORD:
            continue  # the long tail says only "rare", which an absent word says too
        stripped = base_strip(analyzer.fold(word))
        table[stripped] = table.get(stripped, 0.0) + freq
    return table


def quantize(frequency: float) -> int:
    """A frequency in millibels below 1 (-1000·log10 f): the shipped table's unit, 0.23 % steps."""
    return round(-1000.0 * math.log10(frequency))


def format_prior(table: Mapping[str, float], probes: Iterable[tuple[str, str]]) -> str:
    """The shipped text form: probe lines (word, its key), then one line per millibel value with its keys."""
    groups: dict[int, list[str]] = {}
    for key, freq in table.items():
        groups.setdefault(quantize(freq), []).append(key)
    lines = [PRIOR_HEADER] + [f"#probe\t{word}\t{key}" for word, key in probes]
    lines += [f"{value}\t{' '.join(sorted(keys))}" for value, keys in sorted(groups.items())]
    return "\n".join(lines) + "\n"


def parse_prior(text: str) -> tuple[dict[str, float], list[tuple[str, str]]]:
    """(table, probes) of the shipped text form."""
    table: dict[str, float] = {}
    probes: list[tuple[str, str]] = []
    for line in text.splitlines():
        if line.startswith("#probe\t"):
            _, word, key = line.split("\t")
            probes.append((word, key))
        elif line and not line.startswith("#"):
            value, _, keys = line.partition("\t")
            table.update(dict.fromkeys(keys.split(" "), 10.0 ** (-int(value) / 1000.0)))
    return table, probes


def prior_frequency(word_key: str) -> float:
    """The prior frequency of a clitic-stripped key-form word (0 when unknown)."""
    return word_prior().get(word_key, 0.0)


def base_strip(word_key: str) -> str:
    """The analyzer's clitic stripping, except a lone leading و/ف, which is left to `tag_word` to judge."""
    stripped = analyzer.strip_clitics(word_key)
    if word_key[:1] in ("و", "ف") and stripped == word_key[1:]:
        return word_key  # وزير, ولاية, فيلم: the first letter may be the word's own
    return stripped


@lru_cache(maxsize=1 << 18)
def tag_word(word_key: str) -> str:
    """The tag key of one key-form word: clitics stripped; a lone و ف ب ل ك only when the prior backs it."""
    stripped = base_strip(word_key)
    if len(stripped) >= 4 and stripped[0] in PROCLITICS and not stripped.isascii():
        rest = stripped[1:]
        rest_freq = prior_frequency(base_strip(rest))
        if (
            rest_freq >= KNOWN_WORD
            and rest_freq >= PROCLITIC_RATIO * prior_frequency(stripped)
            and rest not in analyzer.STOPWORDS
        ):
            return tag_word(rest)
    return stripped


def tag_key(phrase: str) -> str:
    """The tag key of a phrase in any spelling: its words' tag keys joined by one space."""
    return " ".join(tag_word(token.key) for token in analyzer.tokens(phrase) if token.kind != "url")


def slug_of(key: str) -> str:
    """A stable, URL-safe slug of a tag key: words joined by '-', other characters spelt as _hex."""
    words = (_UNSAFE_SLUG.sub(lambda m: f"_{ord(m.group()):x}", word) for word in key.split())
    return "-".join(words)


def document_rate(word_frequency: float) -> float:
    """The share of articles expected to contain a word of this per-word frequency."""
    return 1.0 - math.exp(-word_frequency * WORDS_PER_DOCUMENT)
