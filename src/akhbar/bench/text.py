"""`akhbar bench text`: MB/s of the analyzer over the ANT texts on one core, beside pyarabic and camel-tools.

Speed is CPU time of this process (one core), median of several runs, each run starting with cold caches.
pyarabic is measured in process when it is installed; camel-tools only through `--camel-python`, the
interpreter of a throwaway venv where it was installed with `pip install --no-deps camel-tools six emoji`
(it is never a dependency of Akhbar).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from akhbar.corpus import iter_corpus
from akhbar.text import key, normalize, terms
from akhbar.text.stem import term_of
from akhbar.text.terms import _term_of_word

# Cases where the other tools' normalisation differs from ours, and why ours is right.
CASES: list[tuple[str, str]] = [
    (
        "الولایات المتحدة کوریا الشمالیة",
        "Persian-keyboard ی/ک in Arabic text: the seed page's tag variants must fold together",
    ),
    ("تفشی إیبولا فی الکونغو", "a Persian-keyboard query must find Arabic articles"),
    (
        "أحمد إبراهيم آمال",
        "hamza on alef is a spelling variant in news; pyarabic's normalize_hamza turns it into ء",
    ),
    ("مسؤول مسئول", "the two hamza seats are one word (Egyptian vs Levantine spelling)"),
    ("ﻻ ﺍﻟﻌﺮﺑﻴﺔ", "presentation forms (old PDFs, copy-paste) are the ordinary letters"),
    ("مر\u200fحبا\u200b بكم", "bidi and zero-width controls split or hide words"),
    ("١٥٠٠ ۲۰۱۸", "Arabic-Indic and Persian digits are the numbers 1500 and 2018"),
    ("بـــــالكارثة", "tatweel is decoration"),
    ("مصطفى مصطفي", "ى/ي at word end are the same letter in Egyptian spelling"),
]


def corpus_texts(files: Sequence[Path]) -> list[str]:
    """Title and text of every article of the corpus files."""
    return [
        line.article.title + "\n" + line.article.text
        for path in files
        for line in iter_corpus(path)
        if line.article is not None
    ]


def clear_caches() -> None:
    """Empty the analyzer's word caches, so every run starts cold."""
    term_of.cache_clear()
    _term_of_word.cache_clear()


def megabytes_per_second(
    fn: Callable[[str], object], texts: Sequence[str], megabytes: float, runs: int
) -> dict:
    """Median MB/s (UTF-8 bytes over CPU seconds of this process) of fn over the texts."""
    speeds = []
    for _ in range(runs):
        clear_caches()
        started = time.process_time()
        for text in texts:
            fn(text)
        speeds.append(megabytes / max(time.process_time() - started, 1e-9))
    return {"mb_per_s": round(statistics.median(speeds), 2), "runs": [round(s, 2) for s in speeds]}


def pyarabic_key() -> Callable[[str], str] | None:
    """pyarabic's closest chain to our key form (diacritics, tatweel, ligatures, alef and teh), if installed."""
    try:
        from pyarabic import araby
    except ImportError:
        return None

    def run(text: str) -> str:
        text = araby.strip_tashkeel(araby.strip_tatweel(text))
        return araby.normalize_teh(araby.normalize_alef(araby.normalize_ligature(text)))

    return run


CAMEL_SCRIPT = """
import json, sys, time
from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (normalize_alef_ar, normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar, normalize_unicode)
def run(t):
    return normalize_teh_marbuta_ar(normalize_alef_maksura_ar(normalize_alef_ar(dediac_ar(normalize_unicode(t)))))
data = json.load(open(sys.argv[1], encoding="utf-8"))
speeds = []
for _ in range(data["runs"]):
    started = time.process_time()
    for text in data["texts"]:
        run(text)
    speeds.append(data["megabytes"] / max(time.process_time() - started, 1e-9))
speeds.sort()
print(json.dumps({"mb_per_s": round(speeds[len(speeds) // 2], 2), "runs": [round(s, 2) for s in speeds],
                  "cases": [run(c) for c in data["cases"]]}, ensure_ascii=False))
"""


def camel_figures(python: str, texts: Sequence[str], megabytes: float, runs: int) -> dict:
    """Run camel-tools' normalisation in its own interpreter on the same texts."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8", delete=False) as handle:
        json.dump(
            {"texts": list(texts), "megabytes": megabytes, "runs": runs, "cases": [c for c, _ in CASES]},
            handle,
        )
    try:
        done = subprocess.run(
            [python, "-c", CAMEL_SCRIPT, handle.name], capture_output=True, text=True, check=False
        )
    finally:
        Path(handle.name).unlink(missing_ok=True)
    if done.returncode != 0:
        return {"error": f"camel-tools did not run in {python}: {done.stderr.strip().splitlines()[-1:]}"}
    return json.loads(done.stdout)


def differences(ours: Callable[[str], str], theirs: Sequence[str]) -> list[dict]:
    """The cases where another tool's output differs from our key form, with the reason ours is right."""
    return [
        {"input": case, "akhbar": ours(case), "other": other, "why_akhbar": why}
        for (case, why), other in zip(CASES, theirs, strict=True)
        if other != ours(case)
    ]


def run_text_bench(files: Sequence[Path], runs: int = 3, camel_python: str | None = None) -> dict:
    """Every figure of `akhbar bench text`, as a JSON-ready dict."""
    texts = corpus_texts(files)
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    result: dict = {
        "corpus": {
            "files": [p.name for p in files],
            "articles": len(texts),
            "megabytes": round(megabytes, 1),
        },
        "terms": megabytes_per_second(terms, texts, megabytes, runs),
        "key": megabytes_per_second(key, texts, megabytes, runs),
        "normalize": megabytes_per_second(normalize, texts, megabytes, runs),
    }
    ours = result["key"]["mb_per_s"]
    other = pyarabic_key()
    if other is None:
        result["pyarabic"] = {"error": "pyarabic is not installed (pip install pyarabic)"}
    else:
        figures = megabytes_per_second(other, texts, megabytes, runs)
        figures["speed_ratio_akhbar_key_over_it"] = round(ours / figures["mb_per_s"], 2)
        figures["differences"] = differences(key, [other(c) for c, _ in CASES])
        result["pyarabic"] = figures
    if camel_python:
        figures = camel_figures(camel_python, texts, megabytes, runs)
        if "cases" in figures:
            figures["speed_ratio_akhbar_key_over_it"] = round(ours / figures["mb_per_s"], 2)
            figures["differences"] = differences(key, figures.pop("cases"))
        result["camel_tools"] = figures
    else:
        result["camel_tools"] = {
            "error": "not measured: pass --camel-python PATH (a venv with camel-tools --no-deps)"
        }
    return result
