"""Spelling-variant candidates and the variant table."""

from __future__ import annotations

from akhbar.text.variants import candidate_pairs, parse_table, query_variants, skeleton


def test_candidates_cover_the_spellings_outlets_use() -> None:
    pairs = candidate_pairs(["هوكينج", "هوكينغ", "جوجل", "غوغل", "نتنياهو", "نتانياهو", "برشلونه", "مدريد"])
    assert ("هوكينج", "هوكينغ") in pairs
    assert ("جوجل", "غوغل") in pairs
    assert ("نتانياهو", "نتنياهو") in pairs
    assert not any("مدريد" in pair for pair in pairs)


def test_candidates_skip_short_latin_and_numbers() -> None:
    assert candidate_pairs(["جيل", "غيل", "google", "gogle", "2018", "2019"]) == set()


def test_skeleton_merges_g_letters() -> None:
    assert skeleton("جوجل") == skeleton("غوغل") == skeleton("قوقل")


def test_parse_table_is_symmetric_and_merges_lines() -> None:
    table = parse_table("# comment\nهوكينج\tهوكينغ\nجوجل\tغوغل\nغوغل\tقوقل\n\n")
    assert table["هوكينغ"] == ("هوكينج",)
    assert set(table["غوغل"]) == {"جوجل", "قوقل"}


def test_query_variants_of_unknown_term_is_empty() -> None:
    assert query_variants("xyz-not-a-term") == []


def test_one_step_rejects_two_changes() -> None:
    from akhbar.text.variants import one_step

    assert one_step("هوكينج", "هوكينغ") and one_step("امريك", "اميرك") and one_step("فنزويل", "فنزويلا")
    assert not one_step("اعجوب", "اعقاب")  # a /g/ letter and a vowel: two steps
    assert not one_step("مهاجر", "مهجور")  # ا replaced by و elsewhere
    assert not one_step("كتاب", "كتاب")
