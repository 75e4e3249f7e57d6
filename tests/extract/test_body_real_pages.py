"""Real pages: the AEB benchmark and the two Arabic pages, scored with benchmarks/extraction_aeb.py's scorer."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "extraction_aeb.py"


@pytest.fixture(scope="module")
def aeb(shared: Path) -> ModuleType:
    """The benchmark script as a module (its scorer and page loaders)."""
    sys.path.insert(0, str(BENCHMARK.parent))
    spec = importlib.util.spec_from_file_location("extraction_aeb", BENCHMARK)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def scored(aeb: ModuleType, truth: str, *predicted: str) -> dict[str, float]:
    """The script's summary of one extractor that returns `predicted` texts, one page each, for `truth`."""
    pages = [aeb.Page(str(n), f"https://e.org/{n}", "", truth) for n in range(len(predicted))]
    texts = dict(zip((page.id for page in pages), predicted, strict=True))
    return aeb.score(pages, lambda page: texts[page.id]).summary()


def test_scorer_matches_the_benchmark_definition(aeb: ModuleType) -> None:
    truth = "one two three four five six"
    assert (scored(aeb, truth, truth)["P"], scored(aeb, truth, truth)["R"]) == (1.0, 1.0)
    # nothing predicted: recall 0, and the page stays out of the precision average
    assert (scored(aeb, truth, "")["R"], scored(aeb, truth, truth, "")["P"]) == (0.0, 1.0)
    extra = scored(aeb, truth, "one two three four five six seven")
    assert extra["P"] == pytest.approx(3 / 4) and extra["R"] == 1.0


def test_aeb_f1_and_precision(aeb: ModuleType) -> None:
    pages = aeb.aeb_pages("all")
    halves = {page.id: aeb.half_of(page.id) for page in pages}
    assert 60 < list(halves.values()).count("dev") < 120 and set(halves.values()) == {"dev", "held"}
    summary = aeb.score(pages, aeb.akhbar).summary()
    assert summary["pages"] == 181 and summary["errors"] == 0
    assert summary["F1"] >= 0.965 and summary["P"] >= 0.96, summary


def test_arabic_pages(aeb: ModuleType) -> None:
    tally = aeb.score(aeb.arabic_pages(), aeb.akhbar)
    assert tally.pages["lbc"] >= 0.98 and tally.pages["cnn"] >= 0.98, tally.pages
