"""Display and key forms of a text: the two spellings every other part of Akhbar compares."""

from __future__ import annotations

import re
import unicodedata

# Bidi controls, zero-width characters, soft hyphen, BOM, Mongolian vowel separator.
_INVISIBLE = "\u00ad\u061c\u180e\u200b\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
_ZWNJ = "\u200c"

# Persian/Urdu letters that look like (and in Arabic text stand for) Arabic letters.
_PERSIAN_LOOKALIKES = {
    "\u06cc": "\u064a",  # ی FARSI YEH -> ي
    "\u06d0": "\u064a",  # ې
    "\u06cd": "\u064a",  # ۍ
    "\u06ce": "\u064a",  # ێ
    "\u06d2": "\u064a",  # ے YEH BARREE
    "\u06a9": "\u0643",  # ک KEHEH -> ك
    "\u06aa": "\u0643",  # ڪ
    "\u06c1": "\u0647",  # ہ HEH GOAL -> ه
    "\u06be": "\u0647",  # ھ HEH DOACHASHMEE -> ه
    "\u06d5": "\u0647",  # ە AE -> ه
    "\u06c0": "\u0629",  # ۀ HEH WITH YEH ABOVE -> ة
    "\u06c2": "\u0629",  # ۂ
    "\u06c3": "\u0629",  # ۃ TEH MARBUTA GOAL -> ة
}
_FOLD_PERSIAN = {ord(k): v for k, v in _PERSIAN_LOOKALIKES.items() if len(k) == 1}
_FOLD_PERSIAN_CHARS = [chr(c) for c in _FOLD_PERSIAN]
_HAS_LOOKALIKE = re.compile("[" + "".join(_FOLD_PERSIAN_CHARS) + "]")

# Evidence that a text is Persian or Urdu rather than Arabic typed on a Persian keyboard.
_PERSIAN_ONLY_LETTERS = re.compile("[\u067e\u0686\u0698\u06af\u0679\u0688\u0691\u06ba\u06d2\u06d3]")
PERSIAN_WORDS = frozenset(
    [
        "است",
        "را",
        "که",
        "می",
        "این",
        "آن",
        "از",
        "های",
        "برای",
        "یک",
        "شد",
        "شده",
        "بود",
        "اند",
        "ایم",
        "هم",
        "نیز",
        "باید",
    ]
)
URDU_WORDS = frozenset(
    [
        "ہے",
        "ہیں",
        "کے",
        "کی",
        "کا",
        "میں",
        "اور",
        "سے",
        "نے",
        "کو",
        "پر",
        "یہ",
        "وہ",
        "تھا",
        "تھے",
        "گیا",
    ]
)
_PERSIAN_OR_URDU_WORDS = PERSIAN_WORDS | URDU_WORDS | {"ما", "شما", "آنها", "ها"}
_ARABIC_WORDS = frozenset(
    [
        "في",
        "فی",
        "من",
        "على",
        "علی",
        "إلى",
        "الى",
        "إلی",
        "الی",
        "عن",
        "التي",
        "الذي",
        "الذی",
        "التی",
        "أن",
        "ان",
        "إن",
        "هذا",
        "هذه",
        "مع",
        "كان",
        "کان",
        "قد",
        "لا",
        "ما",
    ]
)
_ARABIC_ONLY = re.compile("[\u0629\u0649\u0623\u0625]|(?:^|\\s)ال")
_WORDS = re.compile(r"\S+")

INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")
_INVISIBLE_OR_ZWNJ_RE = re.compile(f"[{_INVISIBLE}{_ZWNJ}]")

# Key form: what is removed or folded after the display form (str.replace and regexes: much faster than translate).
_DELETE_RE = re.compile(
    "[\u064b-\u065f\u0670\u0610-\u061a\u06d6-\u06ed\u0640\u200c]+"
)  # marks, tatweel, ZWNJ
# A hamza seat before و is written ؤ, ئ or ء by different outlets (مسؤول, مسئول; رؤوس, رءوس): all become و.
_HAMZA_BEFORE_WAW = re.compile("[\u0621\u0626]+\u0648")
_LETTER_FOLDS = (
    ("\u0624", "\u0648"),  # ؤ -> و
    ("\u0623", "\u0627"),  # أ -> ا
    ("\u0625", "\u0627"),  # إ -> ا
    ("\u0622", "\u0627"),  # آ -> ا
    ("\u0671", "\u0627"),  # ٱ -> ا
    ("\u0672", "\u0627"),  # ٲ -> ا
    ("\u0673", "\u0627"),  # ٳ -> ا
    ("\u0649", "\u064a"),  # ى -> ي
    ("\u0629", "\u0647"),  # ة -> ه
    ("\u0626", "\u064a"),  # ئ -> ي
)
_DIGIT_RE = re.compile("[\u0660-\u066c\u06f0-\u06f9]")
_DIGIT_TABLE = {0x0660 + i: str(i) for i in range(10)} | {0x06F0 + i: str(i) for i in range(10)}
_DIGIT_TABLE.update({0x066B: ".", 0x066C: ","})  # Arabic decimal and thousands separators
_RARE_RE = re.compile(
    _DELETE_RE.pattern[:-2] + "\u0660-\u066c\u06f0-\u06f9" + "".join(_FOLD_PERSIAN_CHARS) + "]"
)
_SPECIAL_RE = re.compile(f"[{_INVISIBLE}{_ZWNJ}" + "".join(_FOLD_PERSIAN_CHARS) + "]")
_KEY_LOOKALIKES = {c: {"\u0629": "\u0647"}.get(v, v) for c, v in _FOLD_PERSIAN.items()}


def is_persian_or_urdu(text: str) -> bool:
    """True when the text reads as Persian or Urdu (its own letters are then kept), not Arabic."""
    persian = len(_PERSIAN_ONLY_LETTERS.findall(text))
    arabic = len(_ARABIC_ONLY.findall(text))
    for word in _WORDS.findall(text):
        if word in _PERSIAN_OR_URDU_WORDS:
            persian += 2
        elif word in _ARABIC_WORDS:
            arabic += 2
    return persian > arabic


def _collapse_space(text: str) -> str:
    """Collapse runs of blanks to one space and runs of line breaks (and blank lines) to one line break."""
    if "\n" not in text and "\r" not in text:
        return " ".join(text.split())
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _needs_collapse(text: str) -> bool:
    """True when the text has blanks that _collapse_space would change."""
    return (
        "  " in text
        or "\n\n" in text
        or " \n" in text
        or "\n " in text
        or text[:1].isspace()
        or text[-1:].isspace()
        or any(c in text for c in "\t\r\x0b\x0c\xa0")
    )


def normalize(text: str) -> str:
    """Display form: NFKC, invisible controls removed, whitespace collapsed, Persian look-alikes folded in Arabic."""
    if not text:
        return ""
    if not text.isascii() and not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if _SPECIAL_RE.search(text):  # one pass finds the rare cases: look-alike letters or invisible controls
        persian = False
        if _HAS_LOOKALIKE.search(text):
            persian = is_persian_or_urdu(text)
            if not persian:
                text = text.translate(_FOLD_PERSIAN)
        text = (INVISIBLE_RE if persian else _INVISIBLE_OR_ZWNJ_RE).sub("", text)
    return _collapse_space(text)


def fold(display: str) -> str:
    """Key-fold an already normalised string (no re-normalisation): marks out, letter variants and digits folded."""
    if display.isascii():
        return display.lower()
    if _RARE_RE.search(display):
        if _DELETE_RE.search(display):
            display = _DELETE_RE.sub("", display)
        if _DIGIT_RE.search(display):
            display = display.translate(_DIGIT_TABLE)
        if _HAS_LOOKALIKE.search(display):
            display = display.translate(_KEY_LOOKALIKES)
    if "\u0624" in display:
        display = display.replace("\u0624", "\u0648")
    if ("\u0626" in display or "\u0621" in display) and _HAMZA_BEFORE_WAW.search(display):
        display = _HAMZA_BEFORE_WAW.sub(lambda m: "\u0648" * len(m.group()), display)
    for variant, letter in _LETTER_FOLDS:
        if variant in display:
            display = display.replace(variant, letter)
    return display.lower()


def _settled(text: str) -> bool:
    """True when normalize() would leave a folded string as it is (cheap checks only)."""
    return (text.isascii() or unicodedata.is_normalized("NFKC", text)) and not _needs_collapse(text)


def key(text: str) -> str:
    """Key form: the display form with diacritics and tatweel removed, letter variants and digits folded."""
    result = fold(normalize(text))
    for _ in range(4):  # removing marks can leave double spaces or, rarely, an un-normalised string
        if _settled(result):
            return result
        again = normalize(result)
        if again == result:
            return result
        result = fold(again)
    return result
