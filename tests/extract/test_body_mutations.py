"""Mutated real pages never make body extraction raise anything but ExtractError."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from akhbar.errors import ExtractError
from akhbar.extract.article import parse_html
from akhbar.extract.body import body_text

INSERTS = (
    "<!-- c -->",
    "<?php echo 1; ?>",
    "<?xml-stylesheet href='x'?>",
    "\x00",
    "\x01\x0b\x1f",
    "<br>\x0c",
    "</div></p></body>",
    "<![CDATA[ x ]]>",
    "<p",
    "&#0;",
    "&#xD800;",
    "<script>",
    "\ufeff",
)


@pytest.fixture(scope="module")
def real_pages(shared: Path) -> list[str]:
    """The CNN fixture, the LBC page and five AEB pages."""
    pages = [
        (shared / "fixtures/html/cnn-arabic-2013.html").read_text(encoding="utf-8"),
        gzip.decompress((shared / "eval/extraction/arabic/LBCGroup_2026_01_08.html.gz").read_bytes()).decode(
            "utf-8", "replace"
        ),
    ]
    for path in sorted((shared / "eval/extraction/aeb/html").glob("*.html.gz"))[:5]:
        pages.append(gzip.decompress(path.read_bytes()).decode("utf-8", "replace"))
    return pages


def extract_or_typed_error(html: str) -> None:
    """Run body extraction: a text or an ExtractError, nothing else."""
    try:
        root = parse_html(html)
        found = body_text(root, html, "https://example.org/a", "")
    except ExtractError:
        return
    assert isinstance(found.text, str)
    assert not any(ord(c) < 32 and c != "\n" for c in found.text)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_cut_and_spliced_real_pages(real_pages: list[str], data: st.DataObject) -> None:
    html = data.draw(st.sampled_from(real_pages))
    cut = data.draw(st.integers(0, len(html)))
    html = html[:cut] if data.draw(st.booleans()) else html[cut:]
    for _ in range(data.draw(st.integers(0, 6))):
        at = data.draw(st.integers(0, len(html)))
        html = html[:at] + data.draw(st.sampled_from(INSERTS)) + html[at:]
    extract_or_typed_error(html)


@pytest.mark.parametrize("depth", [50, 300, 3000])
def test_deep_nesting(real_pages: list[str], depth: int) -> None:
    html = real_pages[0]
    at = html.index("<body") + html[html.index("<body") :].index(">") + 1
    extract_or_typed_error(html[:at] + "<div>" * depth + html[at:] + "</div>" * depth)
