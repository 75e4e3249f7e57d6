"""Entity types of candidates: the gazetteer, people found after titles (الرئيس X, وزير الخارجية X,
المتحدث باسم …، X) and organisation or place phrases recognised by their head noun (وزارة …، مدينة …)."""

from __future__ import annotations

from akhbar.enrich.candidates import Document
from akhbar.enrich.vocab import prior_frequency

# Titles after which a person's name follows (tag keys: clitics and ال stripped).
PERSON_TITLES = frozenset(
    [
        "رييس",
        "رييسه",
        "ملك",
        "ملكه",
        "امير",
        "اميره",
        "شيخ",
        "وزير",
        "وزيره",
        "متحدث",
        "متحدثه",
        "سفير",
        "سفيره",
        "مستشار",
        "مستشاره",
        "نايب",
        "نايبه",
        "لاعب",
        "لاعبه",
        "مدرب",
        "فنان",
        "فنانه",
        "كاتب",
        "كاتبه",
        "دكتور",
        "دكتوره",
        "مدير",
        "مديره",
        "قايد",
        "زعيم",
        "مرشد",
        "مبعوث",
        "سيد",
        "سيده",
        "نجم",
        "نجمه",
        "مهاجم",
        "حارس",
        "ممثل",
        "ممثله",
        "مطرب",
        "مطربه",
        "شاعر",
        "شاعره",
        "روايي",
        "مخرج",
        "مخرجه",
        "لواء",
        "عقيد",
        "عميد",
        "جنرال",
        "مفتي",
        "قاضي",
        "محامي",
        "مراسل",
        "مراسله",
        "خبير",
        "باحث",
        "رجل",
        "سيناتور",
        "عضو",
        "مساعد",
        "بابا",
        "امين",
        "مندوب",
        "قنصل",
        "مفوض",
        "محافظ",
    ]
)
# Words that may join a name although they carry the article or are frequent (عبد الله، أبو بكر، بن سلمان).
NAME_LINKS = frozenset(["عبد", "ابو", "ابن", "بن", "بنت", "ال"])
# Head nouns of organisation and place phrases (tag keys).
ORGANISATION_HEADS = frozenset(
    [
        "وزاره",
        "هييه",
        "شركه",
        "جامعه",
        "مجلس",
        "حركه",
        "حزب",
        "منظمه",
        "بنك",
        "مصرف",
        "اتحاد",
        "نادي",
        "وكاله",
        "محكمه",
        "جمعيه",
        "موسسه",
        "صندوق",
        "برلمان",
        "جيش",
        "قوات",
        "مركز",
        "معهد",
        "لجنه",
        "مكتب",
        "ديوان",
        "امانه",
        "اداره",
        "مجموعه",
        "تنظيم",
        "جماعه",
        "جبهه",
        "تحالف",
        "منتخب",
        "دوري",
        "مستشفي",
        "بورصه",
        "سلطه",
        "نقابه",
        "غرفه",
        "مفوضيه",
        "شرطه",
        "اكاديميه",
        "مدرسه",
        "كليه",
        "مهرجان",
        "جايزه",
        "بطوله",
        "كاس",
    ]
)
PLACE_HEADS = frozenset(
    [
        "مدينه",
        "محافظه",
        "ولايه",
        "منطقه",
        "اقليم",
        "جزيره",
        "جزر",
        "بحر",
        "نهر",
        "قريه",
        "مخيم",
        "ميناء",
        "مضيق",
        "جبل",
        "بلده",
        "عاصمه",
        "شارع",
        "ساحه",
        "حي",
    ]
)
# A name's last word is rarer than this in general Arabic (trims "الرئيس ترامب يوم …" to ترامب).
COMMON_WORD = 2e-4
# A family name may carry the article (عادل الجبير) when it is this rare (الأمريكي, المصري are not).
RARE_WORD = 1e-4
MAX_NAME_WORDS = 3
MAX_SKIPPED = 8
ARTICLE_PREFIXES = ("ال", "بال", "وال", "فال", "كال", "لل")


def _name_at(doc: Document, start: int) -> tuple[int, int] | None:
    """The (start, length) of a name beginning at word `start`: words without ال, not stop words."""
    w = doc.words
    end = start
    while end < len(w) and end - start < MAX_NAME_WORDS:
        if end > start and w.run_starts[end]:
            break
        folded, tag = w.folded[end], w.tags[end]
        article_ok = end > start and (w.tags[end - 1] in NAME_LINKS or prior_frequency(tag) < RARE_WORD)
        if w.stops[end] or (folded.startswith("ال") and not article_ok) or not folded.isalpha():
            break
        end += 1
    while end > start and prior_frequency(w.tags[end - 1]) >= COMMON_WORD:
        end -= 1
    if end == start or w.tags[end - 1] in NAME_LINKS:
        return None
    return start, end - start


def find_people(doc: Document) -> dict[str, tuple[int, int]]:
    """People named after a title in the article: tag key -> (start word, length) of the first mention."""
    w = doc.words
    people: dict[str, tuple[int, int]] = {}
    for i, tag in enumerate(w.tags):
        if tag not in PERSON_TITLES:
            continue
        j, skipped, crossed = i + 1, 0, False
        while j < len(w) and skipped < MAX_SKIPPED:
            if w.run_starts[j]:
                if crossed or w.segments[j] != w.segments[i]:
                    break
                crossed = True  # one apposition: "المتحدث باسم البيت الأبيض، جون كيربي"
            skippable = (
                w.folded[j].startswith(ARTICLE_PREFIXES)
                or w.tags[j] in ORGANISATION_HEADS
                or w.tags[j] == "باسم"
            )
            if skippable or (w.stops[j] and not w.run_starts[j]):
                j += 1
                skipped += 1
                continue
            found = _name_at(doc, j)
            if found:
                key = " ".join(w.tags[found[0] : found[0] + found[1]])
                people.setdefault(key, found)
            break
    return people


def head_type(key: str) -> str | None:
    """organisation or place for a multi-word phrase led by such a head noun (وزارة الثقافة، مدينة حلب)."""
    head, _, rest = key.partition(" ")
    if not rest:
        return None
    if head in ORGANISATION_HEADS:
        return "organisation"
    if head in PLACE_HEADS:
        return "place"
    return None
