"""dedup: exact and near duplicates dropped, paraphrases kept, the better copy kept."""

from __future__ import annotations

import random
import re
import zlib

import pytest
from raw_articles import article, seed_articles

from briefing.models import DedupResult
from briefing.stories import dedup as dedup_module
from briefing.stories.dedup import dedup
from briefing.text import shingles

_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_ADDED = "وأضاف البيان أن الاجتماع المقبل للمجموعة سيعقد في العاصمة الأردنية عمّان قبل نهاية العام."


def _prose(seed: int, sentences: int) -> str:
    """Deterministic nonsense prose: sentences of made-up words, one per line."""
    rng = random.Random(seed)
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    vocabulary = ["".join(rng.choices(syllables, k=3)) for _ in range(3000)]
    return "\n".join(" ".join(rng.choices(vocabulary, k=14)) + "." for _ in range(sentences))


def _ids(result: DedupResult) -> list[str]:
    return [a.id for a in result.articles]


# --- exact duplicates ----------------------------------------------------------------


def _add_diacritics(text: str) -> str:
    return text.replace("ال", "الْ").replace("ن ", "نَ ")


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda t: t.translate(_ARABIC_INDIC), id="arabic-indic digits"),
        pytest.param(_add_diacritics, id="diacritics"),
        pytest.param(lambda t: t.replace("ا", "أ"), id="alef forms"),
        pytest.param(lambda t: re.sub(r"\s+", "  ", t) + "\n\n", id="whitespace"),
        pytest.param(lambda t: t.replace("،", ","), id="punctuation"),
    ],
)
def test_exact_duplicate_under_normalisation(seeds_dir, variant):
    original = seed_articles(seeds_dir)[2]
    copy = article("recrawl", original.title, variant(original.text))
    assert copy.text != original.text

    result = dedup([original, copy])

    assert len(result.articles) == 1
    (duplicate,) = result.duplicates
    assert duplicate.kind == "exact"
    assert duplicate.similarity == 1.0
    assert {duplicate.dropped.id, duplicate.kept_id} == {"recrawl", original.id}


def test_different_title_is_not_an_exact_duplicate(seeds_dir):
    original = seed_articles(seeds_dir)[2]
    retitled = article("retitled", "عنوان آخر تماما للخبر نفسه", original.text)

    (duplicate,) = dedup([original, retitled]).duplicates

    assert duplicate.kind == "near"
    assert duplicate.similarity == 1.0


# --- near duplicates -----------------------------------------------------------------


def _drop_line(text: str, index: int) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return "\n".join(lines[:index] + lines[index + 1 :])


def _rewrite_some(text: str) -> str:
    """Three paragraphs cut, three sentences added: neither copy contains the other."""
    lines = [line for line in text.splitlines() if line.strip()]
    kept = [line for i, line in enumerate(lines) if i not in (3, 7, 10)]
    return "\n".join([*kept, _prose(11, 2), _ADDED])


def _swap_boilerplate(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert "لا يتحمل موقعنا" in lines[1]
    boilerplate = [
        "نشرت هذه المادة أولا على موقع شريك لنا، ونعيد نشرها بإذن منه.",
        "جميع الحقوق محفوظة للناشر الأصلي، ولا تعبر المادة بالضرورة عن رأي الموقع.",
    ]
    return "\n".join(boilerplate + lines[2:])


@pytest.mark.parametrize(
    ("fixture", "edit"),
    [
        pytest.param(2, lambda t: t + "\n" + _ADDED, id="sentence added"),
        pytest.param(2, lambda t: _drop_line(t, 4), id="sentence removed"),
        pytest.param(1, _swap_boilerplate, id="boilerplate changed"),
        pytest.param(3, lambda t: t.replace("الاثنين", "الإثنين 9 شباط"), id="words edited"),
        pytest.param(2, _rewrite_some, id="edited both ways (Jaccard 0.64)"),
        pytest.param(3, lambda t: t + "\n" + _prose(1, 20), id="update (containment 1.0)"),
    ],
)
def test_near_duplicate_is_dropped(seeds_dir, fixture, edit):
    original = seed_articles(seeds_dir)[fixture]
    edited = article("edited", "عنوان مختلف للنسخة المعدلة", edit(original.text))

    result = dedup([original, edited])

    assert len(result.articles) == 1
    (duplicate,) = result.duplicates
    assert duplicate.kind == "near"
    shorter = min(original, edited, key=lambda a: len(a.text))
    assert (duplicate.dropped.id, duplicate.kept_id) == (
        shorter.id,
        ({original.id, edited.id} - {shorter.id}).pop(),
    )
    assert 0.6 <= duplicate.similarity <= 1.0


def test_paraphrases_by_different_outlets_are_kept(seeds_dir):
    articles = seed_articles(seeds_dir)

    result = dedup(articles)

    assert result.articles == tuple(articles)
    assert result.duplicates == ()


def test_short_article_embedded_in_a_longer_one_is_kept():
    """A page that quotes a short article as a teaser does not swallow it."""
    short = article("short", "Short", _prose(2, 3))
    page = article("page", "Page", _prose(3, 25) + "\n" + short.text)

    assert _ids(dedup([short, page])) == ["short", "page"]


@pytest.mark.parametrize(("days_apart", "dropped"), [(1, True), (3, True), (10, False)])
def test_near_duplicates_far_apart_in_time_are_kept(days_apart, dropped):
    """Template articles (a daily market report) repeat most words on other days."""
    text = _prose(4, 12)
    monday = article("monday", "Report", text, published="2018-03-05T08:00:00+03:00")
    later = article(
        "later",
        "Report",
        text.replace(".", " today.", 1),
        published=f"2018-03-{5 + days_apart:02d}T08:00:00+03:00",
    )

    result = dedup([monday, later])

    assert (len(result.articles) == 1) is dropped


def test_short_texts_are_only_exact_duplicates():
    one = article("one", "Match postponed", "The match was postponed.")
    two = article("two", "Match postponed", "The match was postponed again.")

    assert _ids(dedup([one, two])) == ["one", "two"]


def test_every_near_copy_is_found_among_many():
    """The sampled index must not miss candidates: 300 articles, 100 edited copies."""
    originals = [article(f"a{i}", f"Title {i}", _prose(100 + i, 10)) for i in range(300)]
    copies = [
        article(f"copy{i}", f"Other title {i}", _drop_line(originals[i].text, 5))
        for i in range(0, 300, 3)
    ]

    result = dedup(originals + copies)

    assert _ids(result) == [a.id for a in originals]
    assert sorted(d.dropped.id for d in result.duplicates) == sorted(a.id for a in copies)
    assert all(d.kept_id == "a" + d.dropped.id[4:] for d in result.duplicates)


# --- which copy is kept ----------------------------------------------------------------

_BASE = _prose(5, 8)
_LONGER = _BASE + "\n" + _prose(6, 1)


@pytest.mark.parametrize(
    ("first", "second", "kept"),
    [
        pytest.param({"text": _BASE}, {"text": _LONGER}, "second", id="longer text wins"),
        pytest.param({"text": _LONGER}, {"text": _BASE}, "first", id="longer text first"),
        pytest.param(
            {"text": _BASE},
            {"text": _BASE, "source": "Agence", "url": "https://example.org/a"},
            "second",
            id="more metadata wins",
        ),
        pytest.param(
            {"text": _BASE, "source": "Agence", "url": "https://example.org/a"},
            {"text": _BASE, "published": "2018-03-17"},
            "first",
            id="metadata counted, not compared",
        ),
        pytest.param({"text": _BASE}, {"text": _BASE}, "first", id="tie: first in input"),
    ],
)
def test_the_better_copy_is_kept(first, second, kept):
    articles = [
        article("first", "Same story", **first),
        article("second", "Same story", **second),
    ]

    result = dedup(articles)

    assert _ids(result) == [kept]
    (duplicate,) = result.duplicates
    assert duplicate.kept_id == kept
    assert duplicate.dropped.id != kept


def test_input_order_is_kept():
    a_short = article("a-short", "A", _prose(7, 8))
    b = article("b", "B", _prose(8, 8))
    c = article("c", "C", _prose(9, 8))
    b_copy = article("b-copy", "B", b.text)
    a_long = article("a-long", "A", a_short.text + "\n" + _prose(10, 1))

    result = dedup([a_short, b, c, b_copy, a_long])

    assert _ids(result) == ["b", "c", "a-long"]
    assert [(d.dropped.id, d.kept_id) for d in result.duplicates] == [
        ("a-short", "a-long"),
        ("b-copy", "b"),
    ]


def test_empty_input():
    assert dedup([]) == DedupResult(articles=(), duplicates=())


@pytest.mark.parametrize("size", [0, 1, 4, 5, 6, 24, 25, 40])
def test_fingerprint_hashes_every_word_5_gram(size: int) -> None:
    """The windows hashed straight from ``zip`` are the 5-grams ``shingles`` makes, the
    whole text being one gram when shorter; a short text is shingled with its title."""
    rnd = random.Random(size)
    for _ in range(50):
        title = [rnd.choice(["a", "b", "ال", "1"]) for _ in range(3)]
        body = [rnd.choice(["a", "b", "c", "ال", "1", "في"]) for _ in range(size)]
        tokens = body if size >= 25 else title + body
        codes = [zlib.crc32(word.encode()) for word in tokens]
        expected = sorted({hash(gram) & 0xFFFFFFFF for gram in shingles(codes, 5)})
        assert list(dedup_module._fingerprint(title, body)) == expected


# --- the compiled candidate count ----------------------------------------------------


def _pile(seed: int) -> list:
    """Originals, edited copies, and one text copied 80 times (a crowded posting)."""
    rng = random.Random(seed)
    originals = [article(f"a{i}", f"Title {i}", _prose(seed * 1000 + i, 6)) for i in range(120)]
    copies = [
        article(f"c{i}", f"Copy {i}", _drop_line(originals[i].text, rng.randrange(6)))
        for i in range(0, 120, 4)
    ]
    mass = _prose(seed * 1000 + 999, 8)
    crowd = [
        article(f"m{i}", f"Mass {i}", _drop_line(mass, i % 8) + f"\nline {i} " * (i % 3))
        for i in range(80)
    ]
    pile = originals + copies + crowd
    rng.shuffle(pile)
    return pile


@pytest.mark.parametrize(
    ("seed", "batch"), [(1, 1 << 18), (2, 1 << 18), (3, 1 << 18), (1, 7), (2, 64)]
)
def test_numpy_and_python_find_the_same_candidates(seed, batch, monkeypatch):
    """Also with the pairs made and counted a few entries at a time (the counts of one
    pair then come from several batches and are added up)."""
    from briefing.stories import dedup as module

    monkeypatch.setattr(module, "_PAIR_BATCH", batch)
    pile = _pile(seed)
    prints = [module.fingerprint(a) for a in pile]
    order = sorted(range(len(pile)), key=lambda i: module._rank(pile[i], i))
    indexed = [i for i in order if len(prints[i].shingles) >= module.MIN_SHINGLES]
    sampled = {i: prints[i].sampled for i in indexed}

    python = module._candidates(indexed, sampled)
    compiled = module._candidates_compiled(indexed, sampled)

    assert {i: sorted(js) for i, js in python.items()} == {
        i: sorted(js) for i, js in compiled.items()
    }
    assert sum(map(len, python.values())) > 80  # copies and the crowd were paired


def test_dedup_is_the_same_below_and_above_the_compiled_size(monkeypatch):
    from briefing.stories import dedup as module

    pile = _pile(4)
    monkeypatch.setattr(module, "_COMPILED_FROM", 10**9)
    python = dedup(pile)
    monkeypatch.setattr(module, "_COMPILED_FROM", 0)
    compiled = dedup(pile)

    assert compiled == python
    assert len(python.duplicates) > 50
