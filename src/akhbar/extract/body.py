"""The main text of a parsed page: the article's prose blocks, without rails, menus and boilerplate.

1. Prune: comments and non-content tags go; an element whose class or id reads as boilerplate
   (share bars, related links, ads, cookie banners) goes too unless it holds most of the page's text
   (a class name is evidence, weighed with the text, never a veto on the article's own container).
2. Score: each paragraph scores its container (and half its container's parent) by length, commas
   and low link density; excerpts of teaser cards (extract.rails) score nothing.
3. Choose: the best container, plus its siblings (and its parent's siblings) that hold prose of their
   own or are built like it, so an article split over sibling blocks is kept whole; wrappers before
   or after the container's own paragraphs with far less prose (comment notices, promos) are left out.
4. Keep every paragraph of the chosen blocks that is not a link list, a teaser or a boilerplate line.
When fewer than MIN_WORDS words are found, trafilatura's text is taken if it is longer. lxml errors
on a hostile tree become ExtractError; control characters never reach the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import lxml.etree
import trafilatura
from lxml import html as lxml_html

from akhbar.errors import ExtractError
from akhbar.extract.rails import Rails, clean_length
from akhbar.text import normalize

DROP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "iframe",
        "form",
        "button",
        "input",
        "select",
        "textarea",
        "svg",
        "canvas",
        "template",
        "object",
        "embed",
        "nav",
        "footer",
        "aside",
        "figure",
        "figcaption",
        "video",
        "audio",
        "picture",
        "img",
        "header",
        "menu",
        "dialog",
        "link",
        "meta",
    }
)
NEGATIVE = re.compile(
    r"comment|share|sharing|social|related|sidebar|side-bar|col-side|advert|\bads?\b|\bad[-_]|[-_]ads?\b|promo|"
    r"cookie|consent|breadcrumb|newsletter|subscri|banner|popup|modal|widget|\btools\b|-tools\b|\btags?\b|"
    r"footer|masthead|\bmenu|\bnav|read-?also|see-?also|read-?more|more-?stories|recommend|outbrain|taboola|"
    r"caption|\bimage|\bphoto|gallery|credit|byline|\bmeta\b|-meta\b|author|\bprint|rating|pagination|teaser|"
    r"most-?read|trending|hidden",
    re.I,
)
POSITIVE = re.compile(r"article|body|content|entry|main|story|text|post|news-?details|detail", re.I)
LEAF_TAGS = frozenset({"p", "pre", "h2", "h3", "h4", "h5"})
CONTAINER_PARAGRAPH_TAGS = frozenset({"li", "dd", "blockquote", "tr"})
INNER_BLOCK_TAGS = frozenset({"div", "p", "section", "article", "ul", "ol", "table", "blockquote", "li"})
HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5"})
TEXT_BLOCK_TAGS = frozenset({"div", "section", "td", "article", "span", "font", "center"})
BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "ul",
        "ol",
        "li",
        "table",
        "tr",
        "blockquote",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "dl",
        "dt",
        "dd",
        "form",
        "header",
        "footer",
        "aside",
        "nav",
        "figure",
    }
)
WRAPPER_TAGS = frozenset({"div", "section"})
"""Generic wrappers: the only nested blocks weighed as possible notices (quotes, lists, tables are content)."""
CELL_TAGS = frozenset({"td", "th"})
BOILERPLATE_PREFIXES = tuple(
    normalize(p)
    for p in (
        "اقرأ أيضا",
        "اقرأ أيضاً",
        "إقرأ أيضا",
        "إقرأ أيضاً",
        "اقرأ ايضا",
        "اقرأ المزيد",
        "شاهد أيضا",
        "شاهد أيضاً",
        "طالع أيضا",
        "طالع أيضاً",
        "تابعونا على",
        "تابعوا آخر",
        "للمزيد من الأخبار",
        "شارك هذا",
        "شارك الخبر",
        "Read also",
        "Read more",
        "See also",
        "Advertisement",
        "إعلان",
    )
)
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
"""Control characters (newline aside) that real pages carry in text; lxml rejects them when set on a tree."""
MIN_PARAGRAPH = 25
"""Characters for a paragraph to vote for its container (shorter lines are labels and buttons)."""
OWN_TEXT_BLOCK = 60
"""Characters of its own text for a div to count as one paragraph (text written straight into divs)."""
MAX_LINK_DENSITY = 0.5
"""Above this share of linked text a paragraph is a link list, not prose."""
HEAVY_SHARE = 0.5
"""A boilerplate-classed element holding this share of the page's text is the article's container."""
SIBLING_SHARE = 0.15
"""A sibling block with this share of the best block's prose is a further part of the same article."""
SUB_BLOCK_RATIO = 0.3
"""A nested block with less than this share of its block's direct prose is a notice or promo, not article."""
DIRECT_SHARE = 0.5
"""The share of a block's prose in its direct paragraphs above which nested blocks are weighed against it."""
HINT_WEIGHT = 1.25
"""A content class or tag raises a block's votes by a quarter; a boilerplate class lowers them as much."""
EXPAND_LEVELS = 2
"""Sibling blocks are looked for beside the best block and beside its parent (sections in columns)."""
MIN_WORDS = 25
"""Below this many words the page is taken as unread and trafilatura is asked."""


@dataclass
class BodyText:
    """A page's main text and how it was found."""

    text: str
    method: str


@dataclass
class Paragraph:
    """One paragraph node, its text, link density, prose points and whether it is a teaser's excerpt."""

    node: lxml_html.HtmlElement
    text: str
    density: float
    points: float
    teaser: bool = False


def _marker(element: lxml_html.HtmlElement) -> str:
    """An element's class, id and role, for boilerplate matching."""
    return f"{element.get('class', '')} {element.get('id', '')} {element.get('role', '')}"


def is_hidden(element: lxml_html.HtmlElement) -> bool:
    """True for elements hidden by attribute or inline style."""
    return element.get("hidden") is not None or "display:none" in (element.get("style") or "").replace(
        " ", ""
    )


def strip_boilerplate(root: lxml_html.HtmlElement) -> None:
    """Remove comments, non-content tags, hidden elements and light elements classed as boilerplate."""
    for node in root.xpath("//comment()|//processing-instruction()"):
        if node.getparent() is not None:
            node.drop_tree()
    body = root.find("body")
    if body is None:
        body = root
    total = clean_length(body)
    doomed = []
    walker = lxml.etree.iterwalk(body, events=("start",))
    for _, element in walker:
        if not isinstance(element.tag, str):
            continue
        if element.tag in DROP_TAGS or is_hidden(element) or is_boilerplate_block(element, total):
            doomed.append(element)
            walker.skip_subtree()
    for element in doomed:
        element.drop_tree()


def is_boilerplate_block(element: lxml_html.HtmlElement, total: int) -> bool:
    """Classed as boilerplate, not also as content, and not holding most of the page's text."""
    if element.tag in ("body", "html"):
        return False
    marker = _marker(element)
    if not marker.strip() or not NEGATIVE.search(marker):
        return False
    length = clean_length(element)
    if POSITIVE.search(marker) and link_density(element, length) <= MAX_LINK_DENSITY:
        return False
    return length < HEAVY_SHARE * total


def text_lines(element: lxml_html.HtmlElement) -> str:
    """An element's text: a line per block and <br>, table cells spaced, spaces collapsed within lines."""
    parts: list[str] = []
    for event, node in lxml.etree.iterwalk(element, events=("start", "end")):
        tag = node.tag if isinstance(node.tag, str) else ""
        if event == "start":
            if tag == "br" or tag in BLOCK_TAGS:
                parts.append("\n")
            elif tag in CELL_TAGS:
                parts.append(" ")
            if tag and node.text:
                parts.append(node.text)
        else:
            if tag in BLOCK_TAGS:
                parts.append("\n")
            elif tag in CELL_TAGS:
                parts.append(" ")
            if node is not element and node.tail:
                parts.append(node.tail)
    lines = (" ".join(line.split()) for line in CONTROL.sub(" ", "".join(parts)).split("\n"))
    return "\n".join(line for line in lines if line)


def link_density(element: lxml_html.HtmlElement, length: int) -> float:
    """The share of an element's text that sits inside links."""
    if not length:
        return 0.0
    linked = sum(clean_length(a) for a in element.iter("a"))
    return min(1.0, linked / length)


def own_text_length(element: lxml_html.HtmlElement) -> int:
    """Length of the text directly in an element (not in block children)."""
    total = len((element.text or "").strip())
    for child in element:
        if isinstance(child.tag, str) and child.tag not in BLOCK_TAGS:
            total += clean_length(child)
        total += len((child.tail or "").strip())
    return total


def paragraph_nodes(body: lxml_html.HtmlElement) -> Iterator[lxml_html.HtmlElement]:
    """Elements holding one paragraph: <p>-like tags and rows, and blocks whose text is their own."""
    walker = lxml.etree.iterwalk(body, events=("start",))
    for _, element in walker:
        if not isinstance(element.tag, str):
            continue
        if (
            element.tag in LEAF_TAGS
            or (element.tag in CONTAINER_PARAGRAPH_TAGS and not has_blocks(element))
            or (element.tag in TEXT_BLOCK_TAGS and own_text_length(element) >= OWN_TEXT_BLOCK)
        ):
            yield element
            walker.skip_subtree()


def has_blocks(element: lxml_html.HtmlElement) -> bool:
    """True when an element holds block elements (a list item or row that wraps a layout, not one paragraph)."""
    return any(
        isinstance(node.tag, str) and node.tag in INNER_BLOCK_TAGS for node in element.iterdescendants()
    )


def score_paragraph(text: str, density: float) -> float:
    """How much a paragraph looks like running prose."""
    commas = text.count("،") + text.count(",")
    return (1.0 + commas + min(len(text) / 100.0, 3.0)) * (1.0 - density)


def container_of(node: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    """The block a paragraph votes for: itself when it is a text block, else its parent."""
    return node if node.tag in TEXT_BLOCK_TAGS else node.getparent()


def read_paragraphs(body: lxml_html.HtmlElement) -> list[Paragraph]:
    """Every paragraph node with its text, link density and prose points (0 for teasers and link lists)."""
    rails = Rails()
    found = []
    for node in paragraph_nodes(body):
        text = text_lines(node)
        if not text:
            continue
        length = len(" ".join(text.split()))
        density = link_density(node, length)
        teaser = density <= MAX_LINK_DENSITY and rails.is_teaser(node)
        points = 0.0
        if length >= MIN_PARAGRAPH and density <= MAX_LINK_DENSITY and node.tag != "tr" and not teaser:
            points = score_paragraph(text, density)
        found.append(Paragraph(node, text, density, points, teaser))
    return found


def block_scores(paragraphs: list[Paragraph]) -> tuple[dict, dict]:
    """Container votes (parent full, grandparent half) and prose points summed over every ancestor."""
    votes: dict[lxml_html.HtmlElement, float] = {}
    totals: dict[lxml_html.HtmlElement, float] = {}
    for para in paragraphs:
        if not para.points:
            continue
        parent = container_of(para.node)
        if parent is None:
            continue
        votes[parent] = votes.get(parent, 0.0) + para.points
        grand = parent.getparent()
        if grand is not None:
            votes[grand] = votes.get(grand, 0.0) + para.points / 2
        totals[para.node] = totals.get(para.node, 0.0) + para.points
        for ancestor in para.node.iterancestors():
            totals[ancestor] = totals.get(ancestor, 0.0) + para.points
    return votes, totals


def chosen_blocks(top: lxml_html.HtmlElement, paragraphs: list[Paragraph], totals: dict) -> list:
    """The best block and the sibling blocks (beside it or beside its parent) that carry prose of their own.

    A sibling of the best block or of its parent joins when it is built like it (same tag and class: an
    article cut into sections). A sibling of the best block also joins when it holds SIBLING_SHARE of its
    prose or is itself a prose paragraph (a lede written outside the body wrapper).
    """
    prose = {p.node for p in paragraphs if p.points}
    blocks = [top]
    anchor = top
    for level in range(EXPAND_LEVELS):
        parent = anchor.getparent()
        if parent is None or anchor.tag == "body":
            break
        floor = SIBLING_SHARE * totals.get(top, 0.0)
        shape = (anchor.tag, anchor.get("class", ""))
        for sibling in parent:
            if sibling is anchor or not isinstance(sibling.tag, str) or not totals.get(sibling, 0.0):
                continue
            same_shape = bool(shape[1]) and (sibling.tag, sibling.get("class", "")) == shape
            if same_shape or (level == 0 and (totals[sibling] >= floor or sibling in prose)):
                blocks.append(sibling)
        anchor = parent
    return blocks


def minor_sub_blocks(block: lxml_html.HtmlElement, paragraphs: list[Paragraph], totals: dict) -> list:
    """Wrappers before or after a block's own paragraphs with far less prose than those (notices, promos).

    Only applies when most of the block's prose is in paragraphs placed directly in it, so an article
    written one div per paragraph, or in nested sections, keeps every part; wrappers between the
    block's paragraphs (embedded quotes and posts) stay.
    """
    direct = [p for p in paragraphs if p.points and p.node.getparent() is block]
    points = sum(p.points for p in direct)
    if not direct or points < DIRECT_SHARE * totals.get(block, 0.0):
        return []
    children = list(block)
    first, last = children.index(direct[0].node), children.index(direct[-1].node)
    nodes = {p.node for p in paragraphs}
    return [
        child
        for at, child in enumerate(children)
        if (at < first or at > last)
        and child.tag in WRAPPER_TAGS
        and child not in nodes
        and 0 < totals.get(child, 0.0) < SUB_BLOCK_RATIO * points
    ]


def hint_weight(block: lxml_html.HtmlElement) -> float:
    """How much a block's class, id and tag add to its prose: evidence, weighed with the votes."""
    marker = _marker(block)
    if block.tag in ("article", "main") or POSITIVE.search(marker):
        return HINT_WEIGHT
    if NEGATIVE.search(marker):
        return 1 / HINT_WEIGHT
    return 1.0


def main_paragraphs(body: lxml_html.HtmlElement, title: str) -> list[str]:
    """The lines of the article's paragraphs, in page order."""
    paragraphs = read_paragraphs(body)
    votes, totals = block_scores(paragraphs)
    if not votes:
        return []
    top = max(votes, key=lambda block: votes[block] * hint_weight(block))
    inside: set[lxml_html.HtmlElement] = set()
    for block in chosen_blocks(top, paragraphs, totals):
        inside.update(block.iter())
        for aside in minor_sub_blocks(block, paragraphs, totals):
            inside.difference_update(aside.iter())
    title_key = normalize(title)
    kept: list[str] = []
    for para in paragraphs:
        if para.node not in inside or para.density > MAX_LINK_DENSITY or para.teaser:
            continue
        kept.extend(line for line in para.text.split("\n") if not is_boilerplate_line(line, title_key))
    return kept


def is_boilerplate_line(line: str, title_key: str) -> bool:
    """A line that is not article text: the headline again, or a 'read also'/'follow us' teaser."""
    folded = normalize(line)
    if not folded or folded == title_key:
        return True
    return len(folded) < 200 and folded.startswith(BOILERPLATE_PREFIXES)


def trafilatura_text(html: str, url: str | None = None) -> str:
    """The main text according to trafilatura alone (the fallback; empty when trafilatura fails on the page)."""
    try:
        return (
            trafilatura.extract(
                html,
                url=url,
                include_comments=False,
                include_tables=False,
                favor_precision=True,
                deduplicate=False,
                fast=True,
            )
            or ""
        )
    except (ValueError, TypeError, RecursionError, lxml.etree.LxmlError):
        return ""


def body_text(root: lxml_html.HtmlElement, html: str, url: str, title: str) -> BodyText:
    """The main text of a parsed page (the tree is pruned in place); ExtractError on a tree lxml rejects."""
    body = root.find("body")
    if body is None:
        body = root
    try:
        strip_boilerplate(root)
        text, method = "\n".join(main_paragraphs(body, title)), "density"
    except (ValueError, TypeError, lxml.etree.LxmlError) as exc:
        raise ExtractError(f"{url}: body extraction failed: {exc}") from exc
    if len(text.split()) < MIN_WORDS:
        fallback = trafilatura_text(html, url)
        if len(fallback.split()) > len(text.split()):
            title_key = normalize(title)
            lines = [line for line in fallback.split("\n") if not is_boilerplate_line(line, title_key)]
            text, method = "\n".join(lines), "trafilatura"
    return BodyText(text, method)
