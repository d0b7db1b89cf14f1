"""The text helpers the stages share: the Arabic light stemmer and the term cache. (A
light stemmer over-strips some words: «ولبنان» becomes «بنان», as Light10 does.)"""

from __future__ import annotations

import random

import pytest

from briefing import text


def _light10(word: str) -> str:
    """The stemmer as first written: each prefix tried in turn, then each suffix."""
    if len(word) > 3 and word.startswith("و"):
        word = word[1:]
    for prefix in ("وال", "بال", "كال", "فال", "لل", "ال"):
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            word = word[len(prefix) :]
            break
    else:
        if len(word) >= 5 and word[0] in "بلكف":
            word = word[1:]
    for suffix in ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي"):
        if len(word) - len(suffix) >= 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
    return word


@pytest.mark.parametrize(
    ("word", "stem"),
    [("والمدرسة", "مدرسة"), ("بالمدارس", "مدارس"), ("للسلام", "سلام"), ("الوزراء", "وزراء"),
     ("ولبنان", "بنان"), ("فلسطينيون", "لسطين"), ("كتابها", "تاب"), ("وال", "وال"), ("", "")],
)  # fmt: skip
def test_arabic_stems(word: str, stem: str) -> None:
    assert text._stem_ar(word) == stem == _light10(word)


def test_the_quick_stemmer_is_light10() -> None:
    """One prefix per first letter and the suffixes tried only after a suffix's last
    letter: the same stems as trying each in turn, on random words of the letters the
    prefixes and suffixes are made of."""
    letters = "وبالكفهانتيمرس"
    rnd = random.Random(5)
    for _ in range(50_000):
        word = "".join(rnd.choice(letters) for _ in range(rnd.randint(0, 9)))
        assert text._stem_ar(word) == _light10(word), word


def test_terms_are_the_same_when_the_cache_starts_over(monkeypatch: pytest.MonkeyPatch) -> None:
    sample = "قال وزير الخارجية إن الاجتماع في الرياض ناقش 12 ملفا. The ministers met on Monday."
    expected = text.terms(sample)
    monkeypatch.setattr(text, "_CACHE_LIMIT", 3)
    text._word_terms.clear()
    assert text.terms(sample) == expected
    assert len(text._word_terms) <= 3
    assert expected[:2] == ["زير", "خارج"] and "12" in expected and "minister" in expected
