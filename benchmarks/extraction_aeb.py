"""Article-body extraction on real pages: Akhbar beside trafilatura, scored like the AEB benchmark.

The scorer is the article-extraction-benchmark's (scrapinghub, `evaluate.py`), from `akhbar.eval.pages`
(which `akhbar eval extract --pages` uses): tokens are `\\w+` matches, a text becomes word 4-gram
shingles with counts, each page's tp/fp/fn are the shingle count overlaps, precision is averaged over
the pages where something was extracted and recall over all pages, and F1 is taken from the two
averages. Pages are split into two halves by the parity of a hash of their id (`dev`: even, `held`: odd) so a change tuned on one half is checked on the other.

    python benchmarks/extraction_aeb.py [--half dev|held|all] [--only akhbar] [--worst 10]

Also scored: the LBC page (shared/eval/extraction/arabic) and the CNN Arabic fixture. Speed is pages
per CPU-second (process time of the extraction calls only, decoding excluded).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_common import shared_root  # noqa: E402

from akhbar.errors import ExtractError  # noqa: E402
from akhbar.eval.pages import Scores, aggregate, load_truth, shingle_match  # noqa: E402
from akhbar.extract.article import extract_page  # noqa: E402
from akhbar.fetch.charset import decode_body  # noqa: E402


@dataclass
class Page:
    """One page to extract: its id, URL, decoded HTML, true body text and the raw bytes (trafilatura's input)."""

    id: str
    url: str
    html: str
    truth: str
    raw: bytes = b""


@dataclass
class Tally:
    """Per-page shingle scores of one extractor, each page's F1, and its CPU time."""

    scores: list[Scores] = field(default_factory=list)
    cpu: float = 0.0
    errors: int = 0
    pages: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict[str, float]:
        """Averaged P and R, F1 of the averages (`akhbar.eval.pages.aggregate`), pages per CPU-second."""
        averaged = aggregate(self.scores)
        speed = len(self.pages) / self.cpu if self.cpu else 0.0
        return {
            "P": averaged["precision"],
            "R": averaged["recall"],
            "F1": averaged["f1"],
            "pages": len(self.pages),
            "pages_per_cpu_s": round(speed, 1),
            "errors": self.errors,
        }


def page_f1(tp: float, fp: float, fn: float) -> float:
    """One page's F1 of its precision and recall, 2tp / (2tp + fp + fn) (1 when nothing is wrong)."""
    return 2 * tp / (2 * tp + fp + fn) if fp or fn else 1.0


def half_of(page_id: str) -> str:
    """`dev` or `held`, fixed by the id's hash."""
    return "dev" if hashlib.sha1(page_id.encode()).digest()[0] % 2 == 0 else "held"


def aeb_pages(half: str) -> list[Page]:
    """The AEB pages of one half (or all), decoded as the fetcher would."""
    root = shared_root() / "eval/extraction/aeb"
    truth = load_truth(root / "ground-truth.json")
    pages = []
    for page_id, item in sorted(truth.items()):
        if half != "all" and half_of(page_id) != half:
            continue
        raw = gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append(Page(page_id, item["url"], decode_body(raw)[0], item["articleBody"], raw))
    return pages


def arabic_pages() -> list[Page]:
    """The LBC page and the CNN Arabic fixture with their expected texts."""
    shared = shared_root()
    lbc = json.loads((shared / "eval/extraction/arabic/LBCGroup.json").read_text(encoding="utf-8"))["V1"][
        "body"
    ]
    lbc_text = "\n".join(p for section in lbc["sections"] for p in section["paragraphs"])
    lbc_raw = gzip.decompress((shared / "eval/extraction/arabic/LBCGroup_2026_01_08.html.gz").read_bytes())
    cnn = shared / "fixtures/html"
    cnn_raw = (cnn / "cnn-arabic-2013.html").read_bytes()
    return [
        Page(
            "lbc", "https://www.lbcgroup.tv/news/world/898682/ar", decode_body(lbc_raw)[0], lbc_text, lbc_raw
        ),
        Page(
            "cnn",
            "http://arabic.cnn.com/2013/middle_east/8/3/syria.clashes/index.html",
            decode_body(cnn_raw)[0],
            (cnn / "cnn-arabic-2013.expected.txt").read_text(encoding="utf-8"),
            cnn_raw,
        ),
    ]


def akhbar(page: Page) -> str:
    """Akhbar's main text from the page decoded as the fetcher decodes it (any failure is an ExtractError)."""
    return extract_page(page.html, page.url).text


def trafilatura_defaults(page: Page) -> str:
    """trafilatura 2 `extract` with its defaults, given the raw bytes (it decodes them itself)."""
    return trafilatura.extract(page.raw or page.html, url=page.url) or ""


def trafilatura_precision(page: Page) -> str:
    """trafilatura 2 `extract(favor_precision=True)`, given the raw bytes."""
    return trafilatura.extract(page.raw or page.html, url=page.url, favor_precision=True) or ""


EXTRACTORS: dict[str, Callable[[Page], str]] = {
    "akhbar": akhbar,
    "trafilatura": trafilatura_defaults,
    "trafilatura_precision": trafilatura_precision,
}


def score(pages: list[Page], extractor: Callable[[Page], str]) -> Tally:
    """Run one extractor over the pages and tally the benchmark's scores."""
    tally = Tally()
    for page in pages:
        start = time.process_time()
        try:
            text = extractor(page)
        except ExtractError:
            text = ""
            tally.errors += 1
        tally.cpu += time.process_time() - start
        scores = shingle_match(page.truth, text)
        tally.scores.append(scores)
        tally.pages[page.id] = page_f1(*scores)
    return tally


def main() -> None:
    """Print P, R, F1 and speed per extractor for the chosen AEB half and the Arabic pages."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--half", choices=("dev", "held", "all", "both"), default="both")
    parser.add_argument("--only", choices=tuple(EXTRACTORS), action="append")
    parser.add_argument("--worst", type=int, default=0, help="list the N pages where Akhbar trails most")
    args = parser.parse_args()
    names = args.only or list(EXTRACTORS)
    halves = ("dev", "held", "all") if args.half == "both" else (args.half,)
    sets = {f"aeb-{h}": aeb_pages(h) for h in halves}
    sets["arabic"] = arabic_pages()
    results: dict[str, dict[str, dict[str, float]]] = {}
    tallies: dict[str, dict[str, Tally]] = {}
    for set_name, pages in sets.items():
        results[set_name], tallies[set_name] = {}, {}
        for name in names:
            tally = score(pages, EXTRACTORS[name])
            tallies[set_name][name] = tally
            results[set_name][name] = tally.summary()
            if set_name == "arabic":
                results[set_name][name].update({f"F1_{k}": round(v, 4) for k, v in tally.pages.items()})
            print(set_name, name, json.dumps(results[set_name][name]), flush=True)
    if args.worst and "akhbar" in names:
        first = next(iter(tallies))
        ours = tallies[first]["akhbar"].pages
        other = tallies[first].get("trafilatura_precision", tallies[first]["akhbar"]).pages
        gap = ours if other is ours else {k: ours[k] - other[k] for k in ours}
        for page_id in sorted(ours, key=gap.__getitem__)[: args.worst]:
            print(f"{page_id[:12]} akhbar {ours[page_id]:.3f} trafilatura_precision {other[page_id]:.3f}")


if __name__ == "__main__":
    main()
