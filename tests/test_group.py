"""group: one story per event, the date guard, embedded headlines, ids and order."""

from __future__ import annotations

import random
import re

import pytest
from raw_articles import article, seed_articles

from briefing.models import Article, Story
from briefing.stories import group as group_module
from briefing.stories import reading
from briefing.stories.group import group


def _event(event: int, variant: int, **meta: str) -> Article:
    """An article about a made-up event: its words are drawn from the event's own
    vocabulary, so articles about one event overlap and others do not."""
    rng = random.Random(event)
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    vocabulary = ["".join(rng.choices(syllables, k=3)) for _ in range(40)]
    rng = random.Random(event * 1000 + variant)
    title = " ".join(rng.sample(vocabulary[:10], 6)).capitalize()
    text = "\n".join(" ".join(rng.choices(vocabulary, k=15)) + "." for _ in range(4))
    return article(f"e{event}-{variant}", title, text, lang="en", **meta)


def _ids(stories: tuple[Story, ...]) -> list[list[str]]:
    return [[a.id for a in story.articles] for story in stories]


# Two paraphrases of one (made-up) football report, written for these tests.
_MATCH = [
    (
        "ليفربول يهزم واتفورد بخماسية وصلاح يسجل أربعة أهداف",
        "حقق فريق ليفربول فوزا كبيرا على ضيفه واتفورد بخمسة أهداف نظيفة مساء السبت على "
        "ملعب أنفيلد في الدوري الإنجليزي الممتاز.\nوسجل المهاجم المصري محمد صلاح أربعة "
        "أهداف في المباراة، ليرفع رصيده إلى 28 هدفا في صدارة ترتيب هدافي الدوري.\nوأضاف "
        "روبرتو فيرمينو الهدف الخامس قبل نهاية اللقاء بدقائق.",
    ),
    (
        "صلاح يقود ليفربول لاكتساح واتفورد في الدوري الإنجليزي",
        "قاد النجم المصري محمد صلاح فريقه ليفربول إلى فوز عريض على واتفورد بخمسة أهداف "
        "دون رد، بعدما أحرز أربعة أهداف في مباراة الفريقين بالدوري الإنجليزي.\nوبات صلاح "
        "متصدرا لقائمة هدافي الدوري برصيد 28 هدفا، فيما سجل فيرمينو الهدف الخامس لليفربول.",
    ),
]


def _match(variant: int, **meta: str) -> Article:
    title, text = _MATCH[variant]
    return article(f"match-{variant}", title, text, lang="ar", **meta)


# --- what joins and what does not ----------------------------------------------------


def test_fixtures_form_one_story(seeds_dir):
    articles = seed_articles(seeds_dir)

    stories = group(articles)

    assert _ids(stories) == [[a.id for a in articles]]


def test_two_different_events_stay_apart(seeds_dir):
    fixtures = seed_articles(seeds_dir)
    articles = [fixtures[0], _match(0), *fixtures[1:3], _match(1), *fixtures[3:]]

    stories = group(articles)

    assert sorted(_ids(stories)) == sorted([[a.id for a in fixtures], ["match-0", "match-1"]])


# Another event in the same war, with the same actors: a different story.
_ATTACK = [
    (
        "مقتل 12 عنصرا من قوات سوريا الديمقراطية في هجوم لداعش بدير الزور",
        "قتل 12 عنصرا من قوات سوريا الديمقراطية (قسد) في هجوم شنه تنظيم داعش فجر الأحد "
        "على مواقعهم قرب بلدة هجين في ريف دير الزور الشرقي، بحسب المرصد السوري لحقوق "
        "الإنسان.\nوقال المرصد إن مسلحي التنظيم استخدموا سيارات مفخخة في الهجوم الذي استمر "
        "ساعات قبل أن تتدخل طائرات التحالف.",
    ),
    (
        "هجوم مباغت لداعش يوقع قتلى من قسد شرق دير الزور",
        "شن تنظيم داعش هجوما مباغتا على مواقع قوات سوريا الديمقراطية قرب هجين شرقي دير "
        "الزور، ما أسفر عن مقتل 12 مقاتلا، وفق ما أفاد المرصد السوري لحقوق الإنسان.\n"
        "واستعان التنظيم بسيارات مفخخة، فيما شنت طائرات التحالف الدولي غارات لصد الهجوم.",
    ),
]


def test_related_events_with_the_same_actors_stay_apart(seeds_dir):
    fixtures = seed_articles(seeds_dir)
    attack = [article(f"attack-{i}", t, x, lang="ar") for i, (t, x) in enumerate(_ATTACK)]

    stories = group([*fixtures, *attack])

    assert _ids(stories) == [[a.id for a in fixtures], ["attack-0", "attack-1"]]


@pytest.mark.parametrize(
    ("second_date", "together"),
    [
        ("2018-03-17T23:00:00+03:00", True),
        ("2018-03-20T10:00:00+03:00", True),
        ("2018-03-21T10:00:00+03:00", False),
        ("2018-04-17T10:00:00+03:00", False),
        (None, True),
    ],
)
def test_articles_days_apart_do_not_join(second_date, together):
    first = _match(0, published="2018-03-17T20:00:00+03:00")
    second = _match(1, published=second_date)

    stories = group([first, second])

    assert (len(stories) == 1) is together


def test_a_story_never_spans_more_than_the_date_window():
    """Day 1 and day 5 never share a story, even through an article on day 3."""
    articles = [
        _event(1, 0, published="2018-03-01"),
        _event(1, 1, published="2018-03-03"),
        _event(1, 2, published="2018-03-05"),
    ]

    stories = group(articles)

    assert len(stories) == 2
    assert all(len(s.articles) <= 2 for s in stories)


# BBC, CNN and France 24 pages carry headlines of other, related articles as lines.
_COALITION = article(
    "coalition",
    "سوريا تنضم إلى التحالف الدولي ضد داعش في اجتماع الرياض",
    "أعلن التحالف الدولي ضد تنظيم داعش انضمام سوريا إليه عضوا جديدا خلال اجتماع عقد في "
    "العاصمة السعودية الرياض بحضور ممثلي الدول الأعضاء.",
    lang="ar",
)
_EMBEDDED = [
    "سوريا تنضم إلى التحالف الدولي ضد داعش في اجتماع الرياض",
    "اقرأ أيضا: التحالف الدولي ضد داعش يرحب بانضمام سوريا في اجتماع الرياض",
    "اجتماع الرياض: سوريا عضو جديد في التحالف الدولي ضد داعش",
]


def _match_with_embedded_headlines() -> Article:
    title, text = _MATCH[0]
    first, *rest = text.split("\n")
    return article("match-page", title, "\n".join([first, *_EMBEDDED, *rest]), lang="ar")


def test_embedded_related_headlines_do_not_glue_stories():
    articles = [_match_with_embedded_headlines(), _COALITION]

    assert len(group(articles)) == 2


@pytest.mark.parametrize(
    ("line", "headline"),
    [
        ("سوريا تنضم إلى التحالف الدولي ضد داعش في اجتماع الرياض", True),
        ("Syria joins the coalition against Islamic State", True),
        (
            "اقرأ أيضا: التحالف الدولي ضد داعش يرحب بانضمام سوريا إليه في اجتماع عقد في "
            "الرياض بحضور ممثلي الدول الأعضاء.",
            True,
        ),
        (
            "Read more: the coalition met in Riyadh on Monday with the foreign ministers of "
            "its members, and welcomed Syria.",
            True,
        ),
        ("وقال المرصد إن الهجوم استمر ساعات.", False),
        ("The meeting ended on Monday.", False),
        (
            "Officials from more than eighty countries met in Riyadh on Monday to discuss "
            "the campaign against the group",
            False,
        ),
    ],
)
def test_headline_like_lines(line, headline):
    assert reading.is_title_like(line) is headline


def test_embedded_related_headlines_would_glue_stories_if_trusted(monkeypatch):
    """The control for the test above: read as text, those lines join the two."""
    monkeypatch.setattr(reading, "is_title_like", lambda line: False)
    articles = [_match_with_embedded_headlines(), _COALITION]

    assert len(group(articles)) == 1


# --- two languages -------------------------------------------------------------------

_FACEBOOK_EN = article(
    "fb-en",
    "Facebook suspends Cambridge Analytica over data on 50 million users",
    "Facebook said on Friday it had suspended Cambridge Analytica, the data firm that "
    "worked for Donald Trump's 2016 campaign, after reports that it kept data collected "
    "by Aleksandr Kogan's app thisisyourdigitallife.",
    lang="en",
)
_FACEBOOK_AR = article(
    "fb-ar",
    "فيسبوك يعلق حساب شركة بيانات ساعدت حملة ترامب",
    "علقت شركة فيسبوك صفحة شركة Cambridge Analytica بعد تقارير عن احتفاظها ببيانات 50 "
    "مليون مستخدم جمعها تطبيق thisisyourdigitallife الذي طوره الباحث Aleksandr Kogan، "
    "وساعدت الشركة حملة Donald Trump في انتخابات 2016.",
    lang="ar",
)
_MATCH_EN = article(
    "match-en",
    "Liverpool thrash Watford 5-0 as Salah scores four",
    "Mohamed Salah scored four goals as Liverpool beat Watford 5-0 at Anfield on "
    "Saturday, taking his Premier League tally to 28 goals this season.",
    lang="en",
)


_OTHER_MATCH_AR = article(
    "other-match-ar",
    "مانشستر سيتي يكتسح ستوك بنتيجة 5-0",
    "فاز مانشستر سيتي على ستوك سيتي بنتيجة 5-0 في مباراة من Premier League أقيمت على ملعب "
    "الاتحاد، وسجل رحيم سترلينغ هدفين.",
    lang="ar",
)
_VISIT_AR = article(
    "visit-ar",
    "ترامب يستقبل ولي العهد السعودي في البيت الأبيض",
    "استقبل الرئيس الأمريكي Donald Trump ولي العهد السعودي الأمير محمد بن سلمان في البيت "
    "الأبيض يوم الثلاثاء، وبحث الجانبان صفقات السلاح والاستثمارات المشتركة.",
    lang="ar",
)


@pytest.mark.parametrize(
    ("pair", "together"),
    [
        pytest.param((_FACEBOOK_EN, _FACEBOOK_AR), True, id="shared Latin names and numbers"),
        pytest.param((_FACEBOOK_EN, _VISIT_AR), False, id="two shared names only"),
        pytest.param((_MATCH_EN, _match(0)), False, id="shared numbers only"),
        pytest.param((_MATCH_EN, _OTHER_MATCH_AR), False, id="a 5-0 score and a league"),
        pytest.param((_FACEBOOK_EN, _match(0)), False, id="different events"),
    ],
)
def test_two_languages_join_only_on_strong_signals(pair, together):
    assert (len(group(list(pair))) == 1) is together


# --- ids and order -------------------------------------------------------------------


def test_story_ids_are_stable_and_derived_from_article_ids(seeds_dir):
    articles = [*seed_articles(seeds_dir), _match(0), _match(1)]

    first = group(articles)
    again = group(list(reversed(articles)))
    fewer = group(articles[1:])

    assert all(re.fullmatch(r"s-[0-9a-f]{12}", s.id) for s in first)
    assert sorted(s.id for s in first) == sorted(s.id for s in again)
    assert len({s.id for s in first}) == len(first)
    match_story = next(s for s in first if s.articles[0].id.startswith("match"))
    assert match_story.id in {s.id for s in fewer}  # same articles, same id
    assert not {s.id for s in first} - {match_story.id} & {s.id for s in fewer}


def test_articles_in_a_story_keep_input_order(seeds_dir):
    fixtures = seed_articles(seeds_dir)
    shuffled = [fixtures[3], fixtures[0], fixtures[4], fixtures[2], fixtures[1]]

    (story,) = group(shuffled)

    assert story.articles == tuple(shuffled)


@pytest.mark.parametrize(
    ("articles", "expected"),
    [
        pytest.param(
            [
                _event(1, 0, source="A"),
                _event(1, 1, source="A"),
                _event(1, 2, source="A"),
                _event(2, 0, source="A"),
                _event(2, 1, source="B"),
            ],
            [["e2-0", "e2-1"], ["e1-0", "e1-1", "e1-2"]],
            id="more outlets first",
        ),
        pytest.param(
            [_event(1, 0, source="A"), _event(2, 0, source="A"), _event(2, 1, source="A")],
            [["e2-0", "e2-1"], ["e1-0"]],
            id="then more articles",
        ),
        pytest.param(
            [
                _event(1, 0, source="A", published="2018-03-16"),
                _event(2, 0, source="B", published="2018-03-17"),
            ],
            [["e2-0"], ["e1-0"]],
            id="then the latest",
        ),
        pytest.param(
            [_event(1, 0, source="A"), _event(2, 0, source="B")],
            [["e1-0"], ["e2-0"]],
            id="then input order",
        ),
        pytest.param(
            [_event(1, 0), _event(1, 1), _event(2, 0, source="A"), _event(2, 1, source="A")],
            [["e1-0", "e1-1"], ["e2-0", "e2-1"]],
            id="no source: each article its own outlet",
        ),
        pytest.param(
            [
                _event(1, 0, source="BBC Arabic"),
                _event(1, 1, source=" bbc arabic "),
                _event(2, 0, source="A"),
                _event(2, 1, source="B"),
            ],
            [["e2-0", "e2-1"], ["e1-0", "e1-1"]],
            id="outlet names compared folded",
        ),
    ],
)
def test_stories_are_ordered_by_importance(articles, expected):
    assert _ids(group(articles)) == expected


def test_empty_input():
    assert group([]) == ()


# Two appointments of one day, written for this test: the same football words ("named
# coach", "replacing", "Monday"), two clubs, two coaches. Their similarity is about 0.19.
_COACHES = [
    (
        "باريس سان جيرمان يعين توخيل مدربا خلفا لإيمري",
        "أعلن نادي باريس سان جيرمان الاثنين تعيين الألماني توماس توخيل مديرا فنيا للفريق "
        "لمدة عامين خلفا للإسباني أوناي إيمري.",
    ),
    (
        "الاتحاد الإيطالي يعين مانشيني مدربا للمنتخب",
        "أعلن الاتحاد الإيطالي لكرة القدم الاثنين تعيين روبرتو مانشيني مديرا فنيا للمنتخب "
        "الوطني خلفا لجيان بييرو فنتورا.",
    ),
]


@pytest.mark.parametrize(("threshold", "apart"), [(None, True), (0.18, False)])
def test_two_reports_on_one_topic_stay_two_stories(
    monkeypatch: pytest.MonkeyPatch, threshold: float | None, apart: bool
):
    """Two coaches named on one day are two stories; the threshold of 0.18 that the
    fifth and sixth labelled days retired glued such pairs together."""
    if threshold is not None:
        monkeypatch.setattr(group_module, "THRESHOLD", threshold)
    articles = [
        article(f"coach{k}", title, text, lang="ar", published="2018-05-14")
        for k, (title, text) in enumerate(_COACHES)
    ]
    assert (len(group(articles)) == 2) is apart
