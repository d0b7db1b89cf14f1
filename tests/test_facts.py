"""facts: numbers, dates and names, read the same way in Arabic and English."""

from __future__ import annotations

import pytest

from briefing.digest.facts import dates, missing_names, months, numbers


def values(text: str) -> list[set[float]]:
    return [set(n.values) for n in numbers(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2,958 people", [{2958}]),
        ("٢٬٩٥٨ شخصاً", [{2958}]),
        ("2958 شخصا", [{2958}]),
        ("أكثر من 170 ألف لاجئ", [{170, 170_000}]),
        ("more than 170,000 refugees", [{170_000}]),
        ("3 ملايين دولار", [{3, 3_000_000}]),
        ("1.5 billion dollars", [{1.5, 1.5e9}]),
        ("٢٫٥ مليار", [{2.5, 2.5e9}]),
        ("العضو التسعين في التحالف", [{90}]),
        ("its ninetieth member", [{90}]),
        ("twenty-five people", [{25}]),
        ("خمسة وعشرين شخصاً", [{25}]),
        ("الحادي عشر من الشهر", [{11}]),
        ("2.958 شخصاً", [{2.958, 2958}]),
        ("في كانون الثاني", []),  # a month, not "second"
        ("تشرين الأول", []),
        ("the 90th member", [{90}]),
    ],
)
def test_numbers_in_any_script_and_in_words(text: str, expected: list[set[float]]) -> None:
    assert values(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("انضمت في تشرين الثاني 2025", [(11, None, 2025)]),
        ("اجتماع 9 شباط 2026", [(2, 9, 2026)]),
        ("يوم التاسع من شباط", [(2, 9, None)]),
        ("On February 9, 2026", [(2, 9, 2026)]),
        ("9 فبراير", [(2, 9, None)]),
        ("le 9 فيفري", [(2, 9, None)]),
        ("في 12 أيلول", [(9, 12, None)]),
        ("in May", [(5, None, None)]),
        ("they may go", []),
        ("he will march on", []),
        ("2026-02-10", [(2, 10, 2026)]),
        ("10/02/2026", [(2, 10, 2026)]),
        ("الأب والابن", []),  # «اب» is August only beside a day or a year
    ],
)
def test_dates_with_every_month_name(text: str, expected: list[tuple]) -> None:
    assert [(d.month, d.day, d.year) for d in dates(text)] == expected


def test_months_set_for_the_packer() -> None:
    assert months("انضمت سوريا في تشرين الثاني") == {11}
    assert months("رحب الاجتماع بها في كانون الأول") == {12}


SOURCE_AR = (
    "أكد المبعوث الأمريكي الخاص إلى سوريا، توماس باراك، أن مشاركة سوريا في اجتماع التحالف "
    "الدولي في الرياض. وبمشاركة وزير الخارجية السوري، أسعد حسن الشيباني."
)


@pytest.mark.parametrize(
    "point, missing",
    [
        ("US envoy Tom Barrack spoke after the meeting in Riyadh.", []),
        ("Foreign Minister Asaad al-Shaibani attended for Syria.", []),
        ("The meeting was held in Doha.", ["Doha"]),
        ("Foreign Minister Faisal Mekdad attended.", ["Foreign Minister Faisal Mekdad"]),
        ("Volcanic ash fell on the city.", []),  # a capital opening a sentence is no name
        ("عقد الاجتماع في الدوحة", ["Doha"]),
        ("شارك الشيباني في اجتماع الرياض", []),
    ],
)
def test_names_across_scripts(point: str, missing: list[str]) -> None:
    assert missing_names(point, SOURCE_AR) == missing


def test_latin_names_against_english_sources() -> None:
    source = "Syria's foreign minister, Asaad Hassan al-Shaibani, met envoy Tom Barrack."
    assert missing_names("Asaad al-Shaibani met Tom Barrack.", source) == []
    assert missing_names("Asaad al-Shaibani met Faisal Mekdad.", source) == ["Faisal Mekdad"]
    # common English words in a name are translated, not transliterated: not looked for
    assert missing_names("He spoke to the Syrian Observatory.", "قال المرصد السوري") == []
