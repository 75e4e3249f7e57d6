"""Teaser rails and related-article lists: repeated cards of a linked headline and a short excerpt.

A paragraph is a teaser excerpt when it, or one of its close ancestors, is a small card that opens with
a linked headline, and that card is one of several siblings built the same way (same tag and class). Such excerpts are prose without links, so density scoring alone takes a rail of
them for an article; they score nothing and are never kept.
"""

from __future__ import annotations

from collections import Counter

from lxml import html as lxml_html

CARD_DEPTH = 3
"""How far above a paragraph a card may start (card > text wrapper > paragraph on real rails)."""
CARD_MAX_CHARS = 700
"""A card is a headline and an excerpt; article sections and list items with prose are longer."""
HEADLINE_MIN_CHARS = 15
"""A link this long reads as a headline, not a 'more' or a tag link."""
MIN_REPEATS = 2
"""A card has at least this many siblings of the same shape (a rail shows three or more cards)."""


def signature(element: lxml_html.HtmlElement) -> tuple[str, str]:
    """An element's shape: tag and class."""
    return element.tag, element.get("class", "")


def clean_length(element: lxml_html.HtmlElement) -> int:
    """The length of an element's text with spaces collapsed."""
    return len(" ".join(element.text_content().split()))


def length_above(element: lxml_html.HtmlElement, limit: int) -> bool:
    """True when an element's text is longer than `limit` (reads no further than needed)."""
    total = 0
    for piece in element.itertext():
        total += len(" ".join(piece.split()))
        if total > limit:
            return True
    return False


def leads_with_headline(card: lxml_html.HtmlElement) -> bool:
    """True when a card opens with a headline-length link that stands apart from the text after it.

    Image links and short labels (a section name, a date) may come first. A link that runs on into the
    same sentence (`<a>Study</a> found that ...`) is a reference in prose, not a headline.
    """
    for node in card.iter():
        if not isinstance(node.tag, str):
            continue
        if node.tag == "a":
            length = clean_length(node)
            if not length:
                continue
            if length < HEADLINE_MIN_CHARS:
                return False
            return not (node.tail or "").strip() and length_above(card, length + HEADLINE_MIN_CHARS)
        if len((node.text or "").strip()) >= HEADLINE_MIN_CHARS:
            return False
    return False


class Rails:
    """Teaser detection over one page, with the sibling shapes of each parent counted once."""

    def __init__(self) -> None:
        self.shapes: dict[lxml_html.HtmlElement, Counter[tuple[str, str]]] = {}

    def repeated(self, card: lxml_html.HtmlElement) -> bool:
        """True when the card has enough siblings of its own shape."""
        parent = card.getparent()
        if parent is None:
            return False
        if parent not in self.shapes:
            self.shapes[parent] = Counter(signature(child) for child in parent if isinstance(child.tag, str))
        return self.shapes[parent][signature(card)] - 1 >= MIN_REPEATS

    def is_teaser(self, paragraph: lxml_html.HtmlElement) -> bool:
        """True when the paragraph is the excerpt of a card in a rail or a related-articles list.

        The card is the paragraph itself (a list item or div holding headline and excerpt; never a <p>,
        whose leading link is part of its prose) or one of its close ancestors.
        """
        if paragraph.tag != "p" and self.repeated(paragraph) and leads_with_headline(paragraph):
            return True
        card = paragraph
        for _ in range(CARD_DEPTH):
            card = card.getparent()
            if card is None or card.tag in ("body", "html") or length_above(card, CARD_MAX_CHARS):
                return False
            if self.repeated(card) and leads_with_headline(card):
                return True
        return False
