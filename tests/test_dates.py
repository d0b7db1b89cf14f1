"""Tests for briefing.sources.dates: which phrases are dates, which are not, and their spans."""

from __future__ import annotations

import datetime
import random
import re
import sys
from pathlib import Path

import pytest

from briefing.sources import dates
from briefing.sources.dates import FoundDate, find_dates, parse_date

REF = datetime.date(2026, 11, 23)  # a Monday, months after the seed articles


def isos(text: str, reference: datetime.date | None = None) -> list[str]:
    return [found.iso for found in find_dates(text, reference)]


# --- full dates: day, month and year stated -------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        # verbatim from the seeds
        ("● سياسة ١٠ فبراير ٢٠٢٦", "2026-02-10"),
        ("بتاريخ ١٠ شباط ٢٠٢٦", "2026-02-10"),
        ("بتاريخ ٩ شباط ٢٠٢٦", "2026-02-09"),
        # digits
        ("10 فبراير 2026", "2026-02-10"),
        ("۱۰ فبراير ۲۰۲۶", "2026-02-10"),
        ("١٠ February ٢٠٢٦", "2026-02-10"),
        # combined month names
        ("9 تشرين الثاني/نوفمبر 2025", "2025-11-09"),
        ("9 نوفمبر/تشرين الثاني 2025", "2025-11-09"),
        ("9 شباط (فبراير) 2026", "2026-02-09"),
        ("في 9 تشرين   الثاني 2025", "2025-11-09"),
        # weekdays, يوم, commas, الموافق, attached prefixes, من, عام, م
        ("يوم الإثنين 9 شباط 2026", "2026-02-09"),
        ("الاثنين، 9 شباط 2026", "2026-02-09"),
        ("الاثنين الموافق 9 شباط 2026", "2026-02-09"),
        ("ويوم الأربعاء 11 شباط 2026", "2026-02-11"),
        ("وفي 9 شباط 2026", "2026-02-09"),
        ("و9 شباط 2026", "2026-02-09"),
        ("بـ9 شباط 2026", "2026-02-09"),
        ("9 وشباط 2026", "2026-02-09"),
        ("10 من فبراير 2026", "2026-02-10"),
        ("10 فبراير من عام 2026", "2026-02-10"),
        ("27 فبراير 2026م", "2026-02-27"),
        # diacritics, tatweel and direction marks inside the date
        ("٩ شُبَاطَ ٢٠٢٦", "2026-02-09"),
        ("9 شبـاط 2026", "2026-02-09"),
        ("9\u200f شباط\u200f 2026", "2026-02-09"),
        # English
        ("10 February 2026", "2026-02-10"),
        ("February 10, 2026", "2026-02-10"),
        ("Feb. 10 2026", "2026-02-10"),
        ("Feb 10, 2026", "2026-02-10"),
        ("the 10th of February 2026", "2026-02-10"),
        ("February 10th, 2026", "2026-02-10"),
        ("Tue, 10 Feb 2026 08:30:00 +0300", "2026-02-10"),
        ("May 10, 2026", "2026-05-10"),
        ("SEPT 3 2025", "2025-09-03"),
        # numeric
        ("2026-02-10", "2026-02-10"),
        ("2026-02-10T08:30:00+03:00", "2026-02-10"),
        ("2026/02/10", "2026-02-10"),
        ("10/02/2026", "2026-02-10"),
        ("10-02-2026", "2026-02-10"),
        ("10.02.2026", "2026-02-10"),
        ("9/2/2026", "2026-02-09"),
        ("بتاريخ ١٠/٠٢/٢٠٢٦", "2026-02-10"),
        ("29 شباط 2024", "2024-02-29"),
        # a time of day after the date is ignored
        ("10 فبراير 2026، الساعة 08:30", "2026-02-10"),
        ("2026-02-10 08:30", "2026-02-10"),
    ],
)
def test_full_date(text: str, iso: str) -> None:
    found = find_dates(text)
    assert [f.iso for f in found] == [iso]
    assert found[0].year_stated is True


@pytest.mark.parametrize(
    ("name", "month"),
    [
        ("يناير", 1), ("فبراير", 2), ("مارس", 3), ("أبريل", 4), ("ابريل", 4), ("إبريل", 4),
        ("مايو", 5), ("يونيو", 6), ("يونيه", 6), ("يوليو", 7), ("يوليه", 7), ("أغسطس", 8),
        ("اغسطس", 8), ("سبتمبر", 9), ("أكتوبر", 10), ("اكتوبر", 10), ("نوفمبر", 11),
        ("ديسمبر", 12),
        ("كانون الثاني", 1), ("شباط", 2), ("آذار", 3), ("اذار", 3), ("نيسان", 4),
        ("أيار", 5), ("ايار", 5), ("حزيران", 6), ("تموز", 7), ("آب", 8), ("أيلول", 9),
        ("ايلول", 9), ("تشرين الأول", 10), ("تشرين الاول", 10), ("تشرين الثاني", 11),
        ("كانون الأول", 12), ("كانون الاول", 12),
        ("جانفي", 1), ("فيفري", 2), ("أفريل", 4), ("ماي", 5), ("جوان", 6), ("جويلية", 7),
        ("أوت", 8),
        ("January", 1), ("Jan", 1), ("March", 3), ("Sept.", 9), ("december", 12),
    ],
)  # fmt: skip
def test_every_month_name(name: str, month: int) -> None:
    assert isos(f"وقع ذلك في 15 {name} 2025 صباحا") == [f"2025-{month:02d}-15"]


def test_stated_weekday_that_contradicts_the_date_keeps_the_stated_date() -> None:
    # 10 February 2026 was a Tuesday.
    (found,) = find_dates("الأحد 10 شباط 2026", REF)
    assert (found.iso, found.year_stated) == ("2026-02-10", True)


# --- day and month only: the year comes from the weekday and the reference -------------


@pytest.mark.parametrize(
    ("text", "reference", "iso"),
    [
        ("يوم الإثنين 9 شباط،", REF, "2026-02-09"),  # seed; 2025-02-09 was a Sunday
        ("الاثنين 9 شباط", REF, "2026-02-09"),  # seed
        ("الثلاثاء 10 شباط", REF, "2026-02-10"),  # seed
        ("Monday, February 9", REF, "2026-02-09"),
        ("Monday 9 Feb", REF, "2026-02-09"),
        ("Mon, 9 Feb", REF, "2026-02-09"),
        ("الاثنين الموافق 9 شباط", REF, "2026-02-09"),
        ("الاثنين 29 كانون الأول", datetime.date(2026, 1, 5), "2025-12-29"),  # year before
        ("الاثنين 1 كانون الأول", REF, "2025-12-01"),  # 2026-12-01 is a Tuesday
        ("الثلاثاء 1 كانون الأول", datetime.date(2026, 11, 24), "2026-12-01"),  # ref + 7
        ("الثلاثاء 10 شباط", datetime.date(2026, 2, 3), "2026-02-10"),  # ref + 7
        ("الاثنين 9 شباط 1500 مقاتل", REF, "2026-02-09"),  # 1500 is a count, not a year
    ],
)
def test_year_from_weekday(text: str, reference: datetime.date, iso: str) -> None:
    (found,) = find_dates(text, reference)
    assert (found.iso, found.year_stated) == (iso, False)


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("الاثنين 9 شباط", None),  # seed phrase, no reference
        ("9 شباط", REF),  # no weekday
        ("9 Feb", REF),
        ("في 9 شباط الجاري", REF),
        ("الجمعة 9 شباط", REF),  # neither 2025-02-09 nor 2026-02-09 was a Friday
        ("الثلاثاء 1 كانون الأول", REF),  # 2026-12-01 is 8 days after the reference
        ("الثلاثاء 10 شباط", datetime.date(2026, 2, 2)),  # 8 days after
        ("Sunday 29 February", REF),  # no 29 February in 2025 or 2026
        ("الاثنين 31 شباط", REF),
        ("الاثنين 9 شباط 1447 هـ", REF),  # a Hijri year is not "no year"
        ("الاثنين 9\nشباط", REF),  # a date does not run across lines
        ("الأحد 9 باب", REF),  # باب is "door", not ب + آب (9 Aug 2026 is a Sunday)
    ],
)
def test_no_year_and_no_fitting_weekday_gives_nothing(
    text: str, reference: datetime.date | None
) -> None:
    assert find_dates(text, reference) == []


# --- things that are not full dates -------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # verbatim from the seeds
        "في تشرين الثاني/نوفمبر 2025",
        "انضمت سوريا إلى التحالف الدولي ضد تنظيم “الدولة” في تشرين الثاني 2025",
        "في كانون الأول الماضي",
        "تأسيس التحالف عام 2014",
        "مساء الاثنين",
        "وشهد اللقاء ترحيبًا واسعًا بانضمام سوريا كعضو رقم 90 في التحالف الدولي",
        "سوريا تنضم كعضو 90 وتتولى قيادة مكافحة التنظيم",
        "اليوم الثلاثاء",
        # months, weekdays, years and numbers alone
        "فبراير 2026",
        "in February 2026",
        "يوم الأحد",
        "رقم 90",
        "90 في التحالف",
        "30 في المئة",
        "2.5",
        "٢٫٥ مليون",
        "هاتف 0933-12-2026",
        "+963 11 22 2026",
        "10.02.2026.5",
        "9 فبراير 2026.5",
        "ملف 7/10/02/2026",
        "1.10.02.2026",
        "+10-02-2026",
        "المادة 119 فبراير 2026",
        "A10 February 2026",
        "2.10 February 2026",
        "12/25/2026",  # month/day/year is not read
        "1447/09/10",  # a Hijri year is not a Gregorian one
        "they may 10 2026 be late",
        "troops march 10 2026",
        # invalid dates
        "31 شباط 2026",
        "30 February 2026",
        "29 شباط 2025",
        "31/04/2026",
        "2026-02-30",
        "0 فبراير 2026",
        # month names that disagree
        "9 شباط/مارس 2026",
        # Hijri
        "10 رمضان 1447 هـ",
        "15 شعبان 1447",
        "1 محرم 1448",
        "10 ذو الحجة 1446 هـ",
        "12 ربيع الأول 1447",
        "9 شباط 1447 هـ",
        "1447/09/10 هـ",
    ],
)
def test_not_a_date(text: str) -> None:
    assert find_dates(text, REF) == []


def test_hijri_date_with_its_gregorian_equivalent_gives_only_the_gregorian_one() -> None:
    text = "الجمعة 10 رمضان 1447 هـ الموافق 27 فبراير 2026م"
    (found,) = find_dates(text, REF)
    assert (found.iso, found.text) == ("2026-02-27", "27 فبراير 2026م")


# --- spans and order ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("● سياسة ١٠ فبراير ٢٠٢٦", "١٠ فبراير ٢٠٢٦"),
        ("بتاريخ ١٠ شباط ٢٠٢٦.", "١٠ شباط ٢٠٢٦"),
        ("استضافت السعودية، يوم الإثنين 9 شباط، اجتماعاً", "يوم الإثنين 9 شباط"),
        ("وفي 9 تشرين الثاني/نوفمبر 2025، أعلن", "9 تشرين الثاني/نوفمبر 2025"),
        ("٩ شُبَاطُ ٢٠٢٦ صباحا", "٩ شُبَاطُ ٢٠٢٦"),
        ("الإثنين 9 شباطُ، اجتماع", "الإثنين 9 شباطُ"),  # a trailing vowel mark is kept
        ("On Monday, February 9, the", "Monday, February 9"),
        ("published 2026-02-10T08:30:00+03:00", "2026-02-10"),
        ("ﻻ شيء: 9 شباط 2026", "9 شباط 2026"),  # a presentation form before the date
    ],
)
def test_span_is_the_matched_text(text: str, matched: str) -> None:
    (found,) = find_dates(text, REF)
    assert found.text == matched
    assert text[found.start : found.end] == matched


def test_several_dates_in_order() -> None:
    text = (
        "اجتمعوا يوم الإثنين 9 شباط، وصدر البيان الثلاثاء 10 شباط. وكانت سوريا قد انضمت "
        "في 9 تشرين الثاني/نوفمبر 2025 (عام 2014 تأسس التحالف)، ونُشر الخبر بتاريخ "
        "١٠/٠٢/٢٠٢٦ ثم في Feb. 11, 2026."
    )
    found = find_dates(text, REF)
    assert [f.iso for f in found] == [
        "2026-02-09",
        "2026-02-10",
        "2025-11-09",
        "2026-02-10",
        "2026-02-11",
    ]
    assert [f.year_stated for f in found] == [False, False, True, True, True]
    assert all(text[f.start : f.end] == f.text for f in found)
    assert [f.start for f in found] == sorted(f.start for f in found)


def test_found_date_is_frozen() -> None:
    found = FoundDate("2026-02-10", 0, 10, "2026-02-10", True)
    with pytest.raises(AttributeError):
        found.iso = "2026-02-11"  # type: ignore[misc]


SEED_DATES = {
    "000_6347bcd86dbd3ca7.txt": [("2026-02-10", True)],
    "001_c906e32e1feae5cb.txt": [("2026-02-10", True), ("2026-02-09", False)],
    "002_1a6195f92fcee924.txt": [("2026-02-09", False), ("2026-02-10", False)],
    "003_78b0ee22b5934dd2.txt": [],
    "004_0933b39a8c761337.txt": [("2026-02-09", True)],
}


@pytest.mark.parametrize(("name", "expected"), sorted(SEED_DATES.items()))
def test_seed_articles(seeds_dir: Path, name: str, expected: list[tuple[str, bool]]) -> None:
    text = (seeds_dir / name).read_text(encoding="utf-8")
    found = find_dates(text, datetime.date(2026, 2, 10))
    assert [(f.iso, f.year_stated) for f in found] == expected
    assert all(text[f.start : f.end] == f.text for f in found)


# --- parse_date ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reference", "iso"),
    [
        ("2026-02-10", None, "2026-02-10"),
        ("2026-02-10T08:30:00+03:00", None, "2026-02-10"),
        ("2026-02-10T23:30:00-05:00", None, "2026-02-10"),  # the date as written
        ("  2026-02-10 ", None, "2026-02-10"),
        ("10 فبراير 2026", None, "2026-02-10"),
        ("Feb 10, 2026", None, "2026-02-10"),
        ("١٠ شباط ٢٠٢٦", None, "2026-02-10"),
        ("Tue, 10 Feb 2026 08:30:00 +0300", None, "2026-02-10"),
        ("الثلاثاء 10 شباط", REF, "2026-02-10"),
        ("الثلاثاء 10 شباط", None, None),
        ("10 فبراير 2026 / 2026-02-10", None, "2026-02-10"),  # the same date twice
        ("9 شباط 2026 - 10 شباط 2026", None, None),  # two different dates
        ("فبراير 2026", None, None),
        ("2026", None, None),
        ("", None, None),
        ("not a date", None, None),
    ],
)
def test_parse_date(text: str, reference: datetime.date | None, iso: str | None) -> None:
    assert parse_date(text, reference) == iso


# --- the lines that are read ----------------------------------------------------------------


def test_the_digit_class_holds_every_character_that_folds_to_a_digit() -> None:
    """Only lines holding a character of ``_DIGIT_SOURCE`` are folded and matched: the
    class must hold every character whose fold holds a digit, in the Unicode database of
    the running Python, and no character may fold to or from a line break."""
    digit = re.compile("[0-9]")
    wrong = [
        hex(cp)
        for cp in range(sys.maxunicode + 1)
        if not 0xD800 <= cp <= 0xDFFF
        and bool(digit.search(dates._fold_char(chr(cp))))
        != bool(dates._DIGIT_SOURCE.fullmatch(chr(cp)))
    ]
    assert wrong == []
    assert [hex(cp) for cp in range(0x3000) if "\n" in dates._fold_char(chr(cp))] == ["0xa"]


@pytest.mark.parametrize(
    ("text", "isos"),
    [
        ("١٢ مايو ٢٠١٨", ["2018-05-12"]),  # Indic digits
        ("مايو\n١٢ مايو ٢٠١٨ و13 مايو 2018", ["2018-05-12", "2018-05-13"]),  # second line
        ("١٢ مايو\n٢٠١٨", []),  # a date does not run across a line break
        ("１２ May ２０１８", ["2018-05-12"]),  # full-width digits fold to a date
        ("said on\n12 May 2018\nand on 3/4/2019", ["2018-05-12", "2019-04-03"]),
        ("no digit here, May", []),
        ("14 مايو 1439 ه\n15 مايو 2018", ["2018-05-15"]),  # Hijri marker at a line's end
    ],
)
def test_dates_on_later_lines_keep_their_offsets_in_the_whole_text(
    text: str, isos: list[str]
) -> None:
    found = find_dates(text, REF)
    assert [f.iso for f in found] == isos
    assert all(text[f.start : f.end] == f.text for f in found)


def test_the_quick_checks_never_rule_out_a_date() -> None:
    """A written-date pattern runs only on a line its quick check finds something in:
    wherever the pattern matches, the check must match too (random strings of the
    patterns' pieces, as folded text)."""
    pieces = ["12", "3", "2018", " ", "  ", "\u00a0", "of ", "من ", "و", "ب", "st", "th",
              "may", "march", "mar.", "sept", "مايو", "ايار", "كانون الثاني", "يوم ",
              "الاثنين", "monday", "mon.", ", ", "الموافق ", "عام ", "م", "x", "\n"]  # fmt: skip
    rnd = random.Random(11)
    for _ in range(30_000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 9)))
        if dates._DAY_FIRST.search(text):
            assert dates._DAY_THEN_MONTH.search(text), text
        if dates._MONTH_FIRST.search(text):
            assert dates._MONTH_THEN_DAY.search(text), text
