"""clean: the seeds' boilerplate goes, their content stays, metadata is filled in."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from briefing.models import Article
from briefing.sources.clean import clean, clean_article
from briefing.sources.ingest import ingest

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def seeds() -> dict[str, Article]:
    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    articles = clean(ingest([fixtures]).articles, reference=TODAY)
    return {Path(a.origin).name[:3]: a for a in articles}


def art(text: str, title: str = "عنوان الخبر", **kw: object) -> Article:
    return Article(id="x", title=title, text=text, origin="t.txt", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "seed, gone",
    [
        ("000", "● سياسة ١٠ فبراير ٢٠٢٦"),
        ("000", "الكاتب: فريق العمل"),
        ("000", "مشاركة:"),
        ("000", "اقرأ أيضاً:"),
        ("000", "ـــــــ ــ"),
        ("001", "هذا الخبر بعنوان"),
        ("001", "لا يتحمل موقعنا مضمونه"),
        ("001", "بإمكانكم الإطلاع"),
        ("001", "سوريا محلي"),
        ("003", "شاركها"),
        ("004", "نشر أولاً على موقع sana.sy"),
    ],
)
def test_boilerplate_goes(seeds: dict[str, Article], seed: str, gone: str) -> None:
    assert gone not in seeds[seed].text


@pytest.mark.parametrize("seed", ["000", "001", "004"])
def test_no_lone_section_tag_lines_remain(seeds: dict[str, Article], seed: str) -> None:
    lines = seeds[seed].text.splitlines()
    assert not {"سياسة", "اقتصاد"} & set(lines)
    assert lines[-1].endswith((".", "”", '"', "».")), lines[-1]


@pytest.mark.parametrize(
    "seed, kept",
    [
        ("000", "أكد المبعوث الأمريكي الخاص إلى سوريا، توماس باراك"),
        ("000", "يُذكر أن وزارة الخارجية والمغتربين السورية كانت قد أعلنت"),
        ("001", "استضافت المملكة العربية السعودية، يوم الإثنين 9 شباط"),
        ("001", "ونؤكد أن دعم سوريا مسؤولية مشتركة لتعزيز الأمن والاستقرار"),
        ("002", "أكّد أعضاء التحالف الدولي لمحاربة تنظيم"),  # the lede that is also the title
        ("002", "الخلفية"),  # a mid-article subheading is content, not a section tag
        ("003", "وأكدوا مجددًا التزامهم المشترك بهزيمة تنظيم"),
        ("004", "تنعقد اليوم الإثنين في العاصمة السعودية الرياض"),
        ("004", "بالتنسيق والتعاون مع قوات التحالف الدولي."),
    ],
)
def test_content_stays(seeds: dict[str, Article], seed: str, kept: str) -> None:
    assert kept in seeds[seed].text


def test_repeated_title_dropped_once_kept_nowhere(seeds: dict[str, Article]) -> None:
    a = seeds["000"]
    assert a.title.startswith("باراك:")
    assert a.title not in a.text
    assert a.removed.count(a.title) == 2


def test_lede_title_kept_exactly_once(seeds: dict[str, Article]) -> None:
    a = seeds["002"]
    assert a.text.count(a.title) == 1 and a.text.startswith(a.title)


@pytest.mark.parametrize(
    "seed, source, published",
    [
        ("000", None, "2026-02-10"),  # dateline «● سياسة ١٠ فبراير ٢٠٢٦»
        ("001", "قناة الإخبارية", "2026-02-10"),  # aggregator credit, Levantine month
        ("002", None, None),  # no publication date stated: none guessed
        ("003", None, None),
        ("004", "sana.sy", "2026-02-09"),
    ],
)
def test_metadata_from_removed_lines(
    seeds: dict[str, Article], seed: str, source: str | None, published: str | None
) -> None:
    assert (seeds[seed].source, seeds[seed].published) == (source, published)


def test_mentioned_dates_and_language(seeds: dict[str, Article]) -> None:
    assert seeds["002"].mentioned_dates == ("2026-02-09", "2026-02-10")
    assert seeds["003"].mentioned_dates == ()  # «مساء الاثنين» alone is no date
    assert {a.lang for a in seeds.values()} == {"ar"}


def test_given_metadata_wins_over_aggregator_line() -> None:
    text = (
        'هذا الخبر بعنوان "x" نشر أولاً على موقع قناة ما وتم جلبه من مصدره الأصلي '
        "بتاريخ ١٠ شباط ٢٠٢٦.\nنص الخبر الحقيقي هنا."
    )
    a = clean_article(art(text, source="المصدر", published="2026-01-01"))
    assert (a.source, a.published) == ("المصدر", "2026-01-01")
    assert a.text == "نص الخبر الحقيقي هنا."


@pytest.mark.parametrize(
    "line",
    [
        "Share this article",
        "Read more:",
        "By Jane Doe:",
        "***",
        "— — —",
        "#سوريا #داعش",
        "جميع الحقوق محفوظة © 2026",
        "تابعونا: فيسبوك تويتر",
        "Politics",
    ],
)
def test_english_and_generic_debris_goes(line: str) -> None:
    a = clean_article(art(f"A real first sentence of the news story goes here today.\n{line}"))
    assert a.text == "A real first sentence of the news story goes here today."


def test_related_headlines_after_bare_marker_go_but_sentences_after_stay() -> None:
    text = (
        "الجملة الأولى من الخبر تقول شيئا مهما عن الحدث الذي وقع اليوم.\nاقرأ أيضاً:\n"
        "عنوان خبر آخر لا علاقة له\nعنوان ثان\n"
    )
    a = clean_article(art(text))
    assert a.text == "الجملة الأولى من الخبر تقول شيئا مهما عن الحدث الذي وقع اليوم."


def test_invisible_characters_and_spaces_are_tidied() -> None:
    a = clean_article(art("نص\u200f  الخبر\u00a0هنا.", title="\u200eعنوان "))
    assert (a.title, a.text) == ("عنوان", "نص الخبر هنا.")


def test_english_language_detected() -> None:
    a = clean_article(art("The coalition met in Riyadh.", title="Coalition meets"))
    assert a.lang == "en"


@pytest.mark.parametrize(
    "text, lang",
    [
        (
            "Les ministres se sont réunis lundi à Riyad pour discuter de la coalition contre "
            "l'organisation, selon un communiqué publié mardi par les autorités saoudiennes "
            "qui ont accueilli la réunion des directeurs politiques de la coalition.",
            "und",
        ),
        (
            "The ministers met on Monday in Riyadh to discuss the coalition against the group, "
            "according to a statement published on Tuesday by the Saudi authorities, who hosted "
            "the meeting of the coalition's political directors and said it was a success.",
            "en",
        ),
        ("Coalition meets in Riyadh", "en"),  # too short to judge: Latin script is English
    ],
)
def test_latin_script_is_english_only_when_it_reads_as_english(text: str, lang: str) -> None:
    assert clean_article(art(text, title="t")).lang == lang


@pytest.mark.parametrize(
    "line",
    [
        "هذا الخبر بعنوان «س» نشر اولا على موقع قناة ما وتم جلبة",  # ة for ه
        "هذه المادة ظهر لأول مرة في موقع وكالة ما و تم جلبه",
        "لا يتحمل الموقع أي مسؤولية عن مضمونه",
        "بامكانكم الاطلاع على تفاصيل هذا الخبر عبر موقعنا",
        "المقال يعبّر عن رأي كاتبه",  # a diacritic inside
    ],
)
def test_credit_and_disclaimer_variants_are_removed(line: str) -> None:
    a = clean_article(art(f"{line}\nنص الخبر الحقيقي هنا وهو طويل بما يكفي."))
    assert a.text == "نص الخبر الحقيقي هنا وهو طويل بما يكفي."
