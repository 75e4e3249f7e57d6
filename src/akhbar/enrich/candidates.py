"""Candidate phrases of an article: n-grams of 1–4 words that neither begin nor end with a stop word.

One pass over the analyzer's tokens of the title and each paragraph; punctuation, numbers and URLs
break phrases. Each candidate is identified by its tag key (vocab.tag_word of each word), so clitic
variants (روسيا، لروسيا، وروسيا، بروسيا) are one candidate. Built for speed: parallel lists of word
attributes and one dict of occurrence lists; Candidate objects are made only for what is scored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from akhbar import text as analyzer
from akhbar.enrich.vocab import tag_word
from akhbar.text.tokenize import token_pattern

MAX_WORDS = 4
_WORD_GROUPS = frozenset(("word", "latin"))


@lru_cache(maxsize=1 << 18)
def word_info(word_key: str) -> tuple[str, bool]:
    """Tag key of a key-form word and whether it cannot begin or end a tag (stop word, one letter)."""
    tag = tag_word(word_key)
    return tag, len(tag) < 2 or analyzer.term_of(word_key) is None


@dataclass
class Words:
    """The words of an article as parallel lists: tag key, folded form, stop flag, place, run start."""

    tags: list[str] = field(default_factory=list)
    folded: list[str] = field(default_factory=list)
    stops: list[bool] = field(default_factory=list)
    segments: list[int] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    run_starts: list[bool] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.tags)


@dataclass
class Document:
    """An article as tags see it: display segments (title first), its words and n-gram occurrences."""

    segments: list[str]
    words: Words
    occurrences: dict[str, list[int]]  # candidate key -> start word indices
    title_words: int

    def span_text(self, start: int, length: int) -> str:
        """The display text of `length` words from word `start`."""
        w = self.words
        return self.segments[w.segments[start]][w.starts[start] : w.ends[start + length - 1]]


@lru_cache(maxsize=1 << 18)
def token_info(token: str) -> tuple[str, str, bool]:
    """Folded form, tag key and stop flag of a display-form word token."""
    folded = analyzer.fold(token)
    return (folded, *word_info(folded))


def document_words(segments: list[str]) -> Words:
    """The words of display segments, each marked when punctuation, a number or a new segment precedes it."""
    words = Words()
    finditer, info = token_pattern().finditer, token_info
    add_tag, add_folded, add_stop = words.tags.append, words.folded.append, words.stops.append
    add_segment, add_start, add_end, add_run = (
        words.segments.append,
        words.starts.append,
        words.ends.append,
        words.run_starts.append,
    )
    for index, segment in enumerate(segments):
        broken, previous_end = True, 0
        for match in finditer(segment):
            if match.lastgroup not in _WORD_GROUPS:
                broken = True
                continue
            start, end = match.span()
            gap = start - previous_end  # one space (the usual case) keeps the run going
            if (
                gap > 0
                and (gap > 1 or segment[previous_end] != " ")
                and not segment[previous_end:start].isspace()
            ):
                broken = True
            folded, tag, stop = info(match.group())
            add_tag(tag)
            add_folded(folded)
            add_stop(stop)
            add_segment(index)
            add_start(start)
            add_end(end)
            add_run(broken)
            broken, previous_end = False, end
    return words


def ngram_occurrences(words: Words) -> dict[str, list[int]]:
    """Start indices of every n-gram (1–4 words, no stop word at either end, within one run) by key."""
    occurrences: dict[str, list[int]] = {}
    get = occurrences.get
    tags, stops, run_starts = words.tags, words.stops, words.run_starts
    count = len(tags)
    for i in range(count):
        if stops[i]:
            continue
        key = tags[i]
        found = get(key)
        if found is None:
            occurrences[key] = [i]
        else:
            found.append(i)
        for j in range(i + 1, min(i + MAX_WORDS, count)):
            if run_starts[j]:
                break
            key = key + " " + tags[j]
            if not stops[j]:
                found = get(key)
                if found is None:
                    occurrences[key] = [i]
                else:
                    found.append(i)
    return occurrences


def document_of(title: str, text: str) -> Document:
    """Split an article (display form) into segments and words and collect its n-grams."""
    segments = [title or ""] + [p for p in (text or "").split("\n") if p.strip()]
    words = document_words(segments)
    title_words = words.segments.count(0)
    return Document(segments, words, ngram_occurrences(words), title_words)
