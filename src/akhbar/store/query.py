"""Search helpers shared by every backend: query terms, FTS expressions and highlighted snippets."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from akhbar import text as analyzer
from akhbar.models import Article, SearchHit

SNIPPET_TOKENS = 32
MAX_QUERY_TERMS = 32


def query_term_groups(query: str) -> list[list[str]]:
    """The query's index terms, each as a group of alternatives (the analyzer's variants where it has them)."""
    expand = getattr(analyzer, "query_variants", None)
    groups: list[list[str]] = []
    seen: set[str] = set()
    for term in analyzer.terms(query)[:MAX_QUERY_TERMS]:
        if term in seen:
            continue
        seen.add(term)
        variants = [term, *(expand(term) if expand else ())]
        groups.append(list(dict.fromkeys(variants)))
    return groups


def fts_quote(term: str) -> str:
    """One term as an FTS5 string literal."""
    return '"' + term.replace('"', '""') + '"'


def join_groups(
    groups: Sequence[Sequence[str]], quote: Callable[[str], str], either: str, operator: str
) -> str:
    """A boolean query: a group's alternatives joined by `either` (in parentheses), groups by `operator`."""
    parts = []
    for group in groups:
        alternatives = f" {either} ".join(quote(term) for term in group)
        parts.append(f"({alternatives})" if len(group) > 1 else alternatives)
    return f" {operator} ".join(parts)


def fts_match(groups: Sequence[Sequence[str]], operator: str = "AND") -> str:
    """An FTS5 MATCH expression: alternatives ORed inside a group, groups joined by `operator`."""
    return join_groups(groups, fts_quote, "OR", operator)


COORDINATION_POOL = 200


def coordination_rank(
    candidates: Sequence[tuple[int, float]], groups: Sequence[Sequence[str]], terms_by_id: dict[int, str]
) -> list[tuple[int, float]]:
    """Candidates re-ranked by how many query term groups each article holds, then by its score.

    Used when too few articles hold every query word: an article with two of three words beats one
    that repeats a single word many times (coordination-level matching).
    """
    sets = [set(group) for group in groups]

    def matched(article_id: int) -> int:
        present = set(terms_by_id.get(article_id, "").split())
        return sum(1 for group in sets if group & present)

    return sorted(candidates, key=lambda item: (-matched(item[0]), -item[1]))


def search_hits(
    articles: Sequence[Article], ranked: Sequence[tuple[int, float]], groups: Sequence[Sequence[str]]
) -> list[SearchHit]:
    """Search results in ranked order, each with its highlighted snippet (both backends)."""
    by_id = {article.id: article for article in articles}
    wanted = {term for group in groups for term in group}
    return [
        SearchHit(
            id=article_id,
            title=a.title,
            source=a.source,
            published=a.published,
            snippet=make_snippet(a.text, wanted),
            score=round(score, 4),
            url=a.url,
        )
        for article_id, score in ranked
        if (a := by_id.get(article_id)) is not None
    ]


def best_passage(text: str, wanted_terms: set[str], max_chars: int = 1500, max_scan: int = 20_000) -> str:
    """The paragraph (cut to max_chars) holding the most query terms, found with the fast `terms()`."""
    best, best_hits, scanned = "", -1, 0
    for paragraph in (p for p in text.split("\n") if p.strip()):
        part = paragraph[:max_chars]
        hits = len(wanted_terms.intersection(analyzer.terms(part)))
        if hits > best_hits:
            best, best_hits = part, hits
        scanned += len(part)
        if hits >= min(2, len(wanted_terms)) or scanned > max_scan:
            break
    return best


def make_snippet(text: str, wanted_terms: set[str], width: int = SNIPPET_TOKENS) -> str:
    """The passage of `text` with the most query terms, HTML-escaped, matches wrapped in <mark>."""
    display = analyzer.normalize(best_passage(text, wanted_terms))
    tokens = analyzer.tokens(display)
    if not tokens:
        return html.escape(display[:200])
    hits = [i for i, token in enumerate(tokens) if analyzer.term_of(token.key) in wanted_terms]
    start = 0
    if hits:
        best, best_count = hits[0], 0
        for i in hits:
            count = sum(1 for j in hits if i <= j < i + width)
            if count > best_count:
                best, best_count = i, count
        start = max(0, best - width // 4)
    window = tokens[start : start + width]
    hit_set = set(hits)
    begin = 0 if start == 0 else window[0].start
    end = len(display) if start + width >= len(tokens) else window[-1].end
    out, cursor = [], begin
    for offset, token in enumerate(window, start=start):
        if offset in hit_set:
            out.append(html.escape(display[cursor : token.start]))
            out.append(f"<mark>{html.escape(display[token.start : token.end])}</mark>")
            cursor = token.end
    out.append(html.escape(display[cursor:end]))
    prefix = "… " if begin > 0 else ""
    suffix = " …" if end < len(display) else ""
    return prefix + "".join(out) + suffix
