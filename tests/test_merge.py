"""merge: the second pass joining stories that group split, and only those."""

from __future__ import annotations

import hashlib

import pytest
from raw_articles import article

from briefing.models import Article, Story
from briefing.stories.merge import merge

# Reports written for these tests: two on one strike, worded differently, and the day's
# other news.
_STRIKE = [
    (
        "ضربات أمريكية بريطانية فرنسية على مواقع عسكرية في سوريا",
        "شنت الولايات المتحدة وبريطانيا وفرنسا فجر السبت ضربات صاروخية على مواقع عسكرية "
        "في سوريا قالت إنها مرتبطة بالبرنامج الكيماوي، وسمعت انفجارات ضخمة في دمشق.",
    ),
    (
        "ترامب يعلن ضربات على سوريا بمشاركة بريطانيا وفرنسا",
        "أعلن الرئيس الأمريكي دونالد ترامب أن بلاده شنت مع بريطانيا وفرنسا ضربات على "
        "مواقع للبرنامج الكيماوي في سوريا، فيما دوت انفجارات في دمشق.",
    ),
]
_OTHERS = [
    (
        "أسعار النفط ترتفع مع تراجع المخزونات",
        "ارتفعت أسعار النفط في تعاملات الجمعة مع تراجع المخزونات وتوقعات بزيادة الطلب.",
    ),
    (
        "الذهب يتراجع مع صعود الدولار",
        "تراجعت أسعار الذهب في تعاملات الجمعة مع صعود الدولار وتوقعات برفع الفائدة.",
    ),
    (
        "برشلونة يفوز على فالنسيا ويقترب من اللقب",
        "فاز برشلونة على ضيفه فالنسيا بهدفين نظيفين في الدوري الإسباني لكرة القدم.",
    ),
]


def _articles(pairs, prefix: str, published: str = "2018-04-14") -> list[Article]:
    return [
        article(f"{prefix}{k}", title, text, lang="ar", published=published, source=f"o{k}")
        for k, (title, text) in enumerate(pairs)
    ]


def _singletons(articles: list[Article]) -> tuple[Story, ...]:
    return tuple(Story(id=f"x{k}", articles=(a,)) for k, a in enumerate(articles))


def _ids(stories) -> list[list[str]]:
    return sorted(sorted(a.id for a in s.articles) for s in stories)


def test_reports_of_one_event_join_and_the_rest_stay_apart():
    articles = _articles(_STRIKE, "strike") + _articles(_OTHERS, "other")
    stories = merge(articles, _singletons(articles))
    assert _ids(stories) == [
        ["other0"],
        ["other1"],
        ["other2"],
        ["strike0", "strike1"],
    ]


def test_every_article_once_and_ids_as_group_makes_them():
    articles = _articles(_STRIKE, "strike") + _articles(_OTHERS, "other")
    stories = merge(articles, _singletons(articles))
    listed = [a.id for s in stories for a in s.articles]
    assert sorted(listed) == sorted(a.id for a in articles)
    first = stories[0]  # most outlets first: the joined story
    assert [a.id for a in first.articles] == ["strike0", "strike1"]  # input order
    digest = hashlib.sha256("\x00".join(sorted(a.id for a in first.articles)).encode())
    assert first.id == "s-" + digest.hexdigest()[:12]
    assert merge(articles, _singletons(articles)) == stories  # the same on every run


def test_stories_with_no_name_in_common_stay_apart():
    """The day's oil and gold reports share words ("prices", "Friday", "trading") but
    no name: market reports of one day are separate stories."""
    oil, gold = _OTHERS[0], _OTHERS[1]
    same_words = [(oil[0], oil[1] + " " + gold[1]), (gold[0], gold[1] + " " + oil[1])]
    articles = _articles(same_words, "m")
    assert _ids(merge(articles, _singletons(articles))) == [["m0"], ["m1"]]


@pytest.mark.parametrize(("second_day", "joined"), [("2018-04-16", True), ("2018-04-20", False)])
def test_the_date_window_binds(second_day: str, joined: bool):
    first = _articles(_STRIKE[:1], "a")
    second = _articles(_STRIKE[1:2], "b", published=second_day)
    articles = first + second
    stories = merge(articles, _singletons(articles))
    assert (len(stories) == 1) is joined


_ENGLISH = article(
    "en0",
    "US, Britain and France strike Syria over chemical weapons",
    "The United States, Britain and France launched missile strikes on Syrian military "
    "sites linked to chemical weapons early on Saturday; explosions were heard in Damascus.",
    lang="en",
    published="2018-04-14",
    source="wire",
)


@pytest.mark.parametrize(
    ("vectors", "joined"),
    [
        (None, False),  # without embeddings, lexical grouping already had its say
        ({"strike0": [1.0, 0.0], "en0": [0.99, 0.1]}, True),
        ({"strike0": [1.0, 0.0], "en0": [0.0, 1.0]}, False),
    ],
)
def test_across_languages_only_embeddings_join(vectors, joined: bool):
    articles = [*_articles(_STRIKE[:1], "strike"), _ENGLISH]
    stories = merge(articles, _singletons(articles), vectors=vectors)
    assert (len(stories) == 1) is joined
    assert sorted(a.id for s in stories for a in s.articles) == ["en0", "strike0"]


@pytest.mark.parametrize(("cutoff", "joined"), [(0.5, True), (0.59, True), (0.61, False)])
def test_the_embeddings_threshold_decides_across_languages(cutoff: float, joined: bool):
    articles = [*_articles(_STRIKE[:1], "strike"), _ENGLISH]
    vectors = {"strike0": [1.0, 0.0], "en0": [0.6, 0.8]}  # cosine 0.6
    stories = merge(articles, _singletons(articles), vectors=vectors, embed_threshold=cutoff)
    assert (len(stories) == 1) is joined


def test_embeddings_never_join_two_stories_of_one_language():
    """An English report near two Arabic stories the words kept apart (the oil and the
    gold reports) joins the nearer one only: embeddings never join within a language,
    not even through a report in another."""
    articles = [*_articles(_OTHERS[:2], "m"), _ENGLISH]
    vectors = {"m0": [1.0, 0.0], "m1": [0.9, 0.436], "en0": [1.0, 0.0]}
    stories = merge(articles, _singletons(articles), vectors=vectors, embed_threshold=0.5)
    assert _ids(stories) == [["en0", "m0"], ["m1"]]


def _together(stories) -> set[frozenset[str]]:
    """The pairs of articles in one language that share a story."""
    return {
        frozenset((a.id, b.id))
        for s in stories
        for a in s.articles
        for b in s.articles
        if a.id < b.id and a.lang == b.lang
    }


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_embeddings_change_no_pair_within_a_language(seed: int):
    """Whatever the vectors, the pairs within one language are the words' alone."""
    import random

    english = [
        article(f"en{k}", title, title + ". " + title + ".", lang="en", published="2018-04-14")
        for k, title in enumerate(
            ["Oil prices rise", "Gold falls as the dollar climbs", "Barcelona beat Valencia"]
        )
    ]
    articles = [*_articles(_STRIKE + _OTHERS, "ar"), _ENGLISH, *english]
    rng = random.Random(seed)
    vectors = {a.id: [rng.choice([1.0, 0.9]), rng.random() * 0.3] for a in articles}
    lexical = merge(articles, _singletons(articles))
    with_embeddings = merge(articles, _singletons(articles), vectors=vectors, embed_threshold=0.1)
    assert _together(with_embeddings) == _together(lexical)
    assert len(with_embeddings) < len(lexical)  # the embeddings did join across languages
    assert sorted(a.id for s in with_embeddings for a in s.articles) == sorted(
        a.id for a in articles
    )


@pytest.mark.parametrize(("day", "joined"), [("2018-04-16", True), ("2018-04-20", False)])
def test_embeddings_keep_the_date_window(day: str, joined: bool):
    english = article("en0", _ENGLISH.title, _ENGLISH.text, lang="en", published=day)
    articles = [*_articles(_STRIKE[:1], "strike"), english]
    vectors = {"strike0": [1.0, 0.0], "en0": [1.0, 0.0]}
    assert (len(merge(articles, _singletons(articles), vectors=vectors)) == 1) is joined


def test_a_higher_threshold_joins_less():
    articles = _articles(_STRIKE, "strike")
    assert len(merge(articles, _singletons(articles), threshold=1.01)) == 2


def test_no_stories():
    assert merge([], ()) == ()


# Offline, an Arabic and an English report join on what both scripts share: a
# transliterated name (consonant skeletons), a Latin-script code, numbers.
_FLIGHT_AR = (
    "البحث عن الطائرة الماليزية MH370 ينتهي دون العثور عليها",
    "أعلنت شركة أوشن إنفينيتي انتهاء البحث عن الطائرة الماليزية MH370 التي اختفت وعلى "
    "متنها 239 شخصا، بعد مسح 112 ألف كيلومتر مربع من قاع المحيط الهندي.",
)
_FLIGHT_EN = (
    "Search for Malaysian flight MH370 ends without a find",
    "Ocean Infinity ended its search for Malaysia Airlines flight MH370, which vanished "
    "with 239 people on board, after scanning 112,000 square kilometres of the Indian Ocean.",
)
_OTHER_EN = (
    "Search for a missing hiker ends in Scotland",
    "Rescuers ended the search for a hiker missing in the Highlands with 12 volunteers.",
)


@pytest.mark.parametrize(("english", "joined"), [(_FLIGHT_EN, True), (_OTHER_EN, False)])
def test_offline_an_arabic_and_an_english_report_join_on_shared_names(english, joined):
    arabic = article("ar", *_FLIGHT_AR, lang="ar", published="2018-05-29")
    other = article("en", *english, lang="en", published="2018-05-29")
    stories = merge([arabic, other], _singletons([arabic, other]))
    assert (len(stories) == 1) is joined


@pytest.mark.parametrize(
    ("latin", "arabic"),
    [("Paris", "باريس"), ("Barrack", "باراك"), ("al-Shaibani", "الشيباني")],
)
def test_skeletons_match_across_scripts(latin: str, arabic: str):
    from briefing.names import skeleton

    assert skeleton(latin) == skeleton(arabic)


def test_embeddings_do_not_decide_within_a_language():
    """Two Arabic stories with the same embedding but nothing else in common stay apart:
    within a language the words decide."""
    articles = _articles(_OTHERS[:2], "m")
    vectors = {"m0": [1.0, 0.0], "m1": [1.0, 0.0]}
    assert len(merge(articles, _singletons(articles), vectors=vectors)) == 2


def test_vectors_of_another_size_are_left_out():
    articles = [*_articles(_STRIKE[:1], "strike"), _ENGLISH, *_articles(_OTHERS[:1], "o")]
    vectors = {"strike0": [1.0, 0.0], "en0": [1.0, 0.0], "o0": [1.0, 0.0, 0.0]}
    stories = merge(articles, _singletons(articles), vectors=vectors)
    assert sorted(sorted(a.id for a in s.articles) for s in stories) == [
        ["en0", "strike0"],
        ["o0"],
    ]


@pytest.mark.parametrize(("floor", "largest"), [(0.12, 3), (0.99, 2)])
def test_a_grown_story_joins_only_what_its_articles_resemble_on_average(
    monkeypatch: pytest.MonkeyPatch, floor: float, largest: int
):
    from briefing.stories import merge as merge_module

    monkeypatch.setattr(merge_module, "AVERAGE_FLOOR", floor)
    third = (_STRIKE[0][0] + " فجر السبت", _STRIKE[0][1] + " وقال البنتاغون إنها ضربة واحدة.")
    articles = _articles([*_STRIKE, third], "strike")
    stories = merge(articles, _singletons(articles))
    assert max(len(s.articles) for s in stories) == largest


# An English report on another matter that shares the Arabic report's figures and code,
# though not its event: it may join the Arabic story on its own, never through a story
# that already joined across languages (the pooled signals of joined stories chained
# unrelated reports together on mixed Arabic and English days).
_CONTRACT_EN = (
    "Shipyard order: MH370 hunters buy 239 drones",
    "The seabed survey firm ordered 239 underwater drones and 112 support boats from a "
    "Norwegian yard, its chief executive told investors in Oslo.",
)


def test_a_story_joined_across_languages_does_not_chain_in_more():
    arabic = article("ar", *_FLIGHT_AR, lang="ar", published="2018-05-29")
    flight = article("en1", *_FLIGHT_EN, lang="en", published="2018-05-29")
    contract = article("en2", *_CONTRACT_EN, lang="en", published="2018-05-29")
    stories = merge([arabic, flight, contract], _singletons([arabic, flight, contract]))
    assert max(len(s.articles) for s in stories) <= 2
    assert ["ar", "en1"] in _ids(stories) or ["ar", "en2"] in _ids(stories)


# Two matches of one tournament on its opening day: reports share the tournament's words
# and its host, but each match keeps naming its own teams.
_OPENER = [
    (
        "روسيا تفتتح كأس العالم بفوز كبير على السعودية",
        "افتتحت روسيا نهائيات كأس العالم لكرة القدم بفوز كبير على السعودية بخمسة أهداف "
        "نظيفة في مباراة الافتتاح على ملعب لوجنيكي في موسكو الخميس.",
    ),
    (
        "السعودية تخسر أمام روسيا في افتتاح كأس العالم",
        "خسر منتخب السعودية أمام روسيا صاحبة الأرض بخمسة أهداف في مباراة افتتاح نهائيات "
        "كأس العالم لكرة القدم الخميس في موسكو.",
    ),
    (
        "مدرب السعودية: سنلعب للفوز على روسيا في افتتاح كأس العالم",
        "قال مدرب منتخب السعودية إن فريقه سيلعب للفوز على روسيا في مباراة افتتاح نهائيات "
        "كأس العالم لكرة القدم الخميس في موسكو.",
    ),
]
_SECOND_MATCH = [
    (
        "مصر تستعد لمواجهة أوروغواي في كأس العالم بروسيا",
        "يستعد منتخب مصر لمواجهة أوروغواي الجمعة في مباراته الأولى في نهائيات كأس العالم "
        "لكرة القدم في روسيا، بعد مباراة الافتتاح الخميس.",
    ),
    (
        "مدرب مصر: صلاح سيلعب أمام أوروغواي في كأس العالم",
        "أكد مدرب منتخب مصر أن محمد صلاح سيلعب أمام أوروغواي الجمعة في نهائيات كأس العالم "
        "لكرة القدم في روسيا، بعد مباراة الافتتاح الخميس.",
    ),
    (
        "مصر وأوروغواي في أولى مبارياتهما بكأس العالم في روسيا",
        "تلتقي مصر وأوروغواي الجمعة في نهائيات كأس العالم لكرة القدم في روسيا، بعد يوم "
        "من مباراة الافتتاح الخميس في موسكو.",
    ),
]


@pytest.mark.parametrize(("min_size", "apart"), [(3, True), (10**6, False)])
def test_two_matches_of_one_tournament_stay_apart(
    monkeypatch: pytest.MonkeyPatch, min_size: int, apart: bool
):
    """Each match's reports keep naming a country the other's hardly state (Saudi Arabia,
    Egypt): two events on one topic. Without the conflict test they would join on the
    host, Russia, and the tournament's words."""
    from briefing.stories import merge as merge_module

    monkeypatch.setattr(merge_module, "CONFLICT_MIN_SIZE", min_size)
    opener = _articles(_OPENER, "open", published="2018-06-14")
    second = _articles(_SECOND_MATCH, "egy", published="2018-06-14")
    stories = (Story(id="a", articles=tuple(opener)), Story(id="b", articles=tuple(second)))
    found = merge(opener + second, stories)
    assert (len(found) == 2) is apart


def test_reports_naming_more_countries_still_join_their_event():
    """A reaction naming one more country (Iran) than the strike's reports is no conflict:
    only stories that each keep naming a country the other lacks are kept apart."""
    reaction = (
        "إيران تدين الضربات الأمريكية البريطانية الفرنسية على سوريا",
        "دانت إيران الضربات التي شنتها الولايات المتحدة وبريطانيا وفرنسا على مواقع عسكرية "
        "في سوريا فجر السبت، وقالت إن الانفجارات في دمشق عدوان على دولة ذات سيادة.",
    )
    strike = _articles([*_STRIKE, _STRIKE[0]], "strike")
    reactions = _articles([reaction, reaction, reaction], "iran")
    stories = (Story(id="a", articles=tuple(strike)), Story(id="b", articles=tuple(reactions)))
    assert len(merge(strike + reactions, stories)) == 1


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("دبي، الإمارات العربية المتحدة (CNN)-- دعا الوزير", "دعا الوزير"),
        ("CAIRO (Reuters) - Egypt said on Monday", "Egypt said on Monday"),
        ("قال الرئيس (في بيان) إن الحكومة", "قال الرئيس (في بيان) إن الحكومة"),
    ],
)
def test_a_dateline_is_not_what_a_story_names(text: str, kept: str):
    """The wire dateline says where the outlet writes from: CNN Arabic's "Dubai, United
    Arab Emirates (CNN)" would otherwise name the UAE in every one of its reports."""
    from briefing.stories.merge import _head

    assert _head(article("x", "عنوان", text)) == "عنوان\n" + kept


def test_the_conflict_test_compares_countries_only():
    from briefing.stories.merge import _COUNTRIES

    assert {"Egypt", "Saudi Arabia", "Russia", "United States"} <= _COUNTRIES
    assert not {"Damascus", "Moscow", "United Nations", "Donald Trump"} & _COUNTRIES


def test_a_country_named_by_its_adjective_is_no_conflict():
    """«القصف التركي» names Turkey as surely as «تركيا» does: the reports of Turkish shelling
    on Afrin and those of Erdogan on Afrin are one event, not two."""
    shelling = [
        (
            f"قتلى في القصف التركي على عفرين مع تقدم القوات نحو المدينة {k}",
            "قتل مدنيون في القصف التركي على مدينة عفرين في سوريا الأحد مع تقدم القوات نحو "
            "المدينة ونزوح آلاف السكان منها هربا من القصف.",
        )
        for k in range(3)
    ]
    erdogan = [
        (
            f"أردوغان: تركيا تقترب من عفرين مع تقدم القوات نحو المدينة {k}",
            "قال أردوغان الأحد إن تركيا تقترب من مدينة عفرين مع تقدم القوات نحو المدينة "
            "ونزوح آلاف السكان منها هربا من القصف.",
        )
        for k in range(3)
    ]
    a = _articles(shelling, "shell", published="2018-03-17")
    b = _articles(erdogan, "erdo", published="2018-03-17")
    stories = (Story(id="a", articles=tuple(a)), Story(id="b", articles=tuple(b)))
    assert len(merge(a + b, stories)) == 1


@pytest.mark.parametrize(("relief", "joined"), [(0.05, True), (0.0, False)])
def test_stories_sharing_several_names_need_less_wording(
    monkeypatch: pytest.MonkeyPatch, relief: float, joined: bool
):
    """The two strike reports name Syria, the US, Britain and France alike: at a threshold
    just above their similarity they still join, by SHARED_NAMES_RELIEF."""
    from briefing.stories import merge as merge_module

    monkeypatch.setattr(merge_module, "SHARED_NAMES_RELIEF", relief)
    articles = _articles(_STRIKE, "strike")
    unit = merge_module._vectors([merge_module.features(a).counts for a in articles])
    similarity = merge_module._cosine(unit[0], unit[1])
    stories = merge(articles, _singletons(articles), threshold=similarity + 0.02)
    assert (len(stories) == 1) is joined


# --- the same arithmetic, faster ----------------------------------------------------------


def _plain_unit(found, idf):
    """The unit vector as first written: a dict comprehension and a generator sum."""
    import math

    vector = {t: math.log1p(w) * idf[t] for t, w in found.items()}
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {t: v / norm for t, v in vector.items()}


def _plain_total(vectors, weights):
    from collections import Counter

    total = Counter()
    for vector, weight in zip(vectors, weights, strict=True):
        for term, value in vector.items():
            total[term] += value * weight
    return total


def _random_vectors(seed: int, count: int) -> list[dict[str, float]]:
    import random
    from collections import Counter

    from briefing.stories import merge as module

    rng = random.Random(seed)
    words = [f"w{k}" for k in range(400)]
    counts = [
        Counter({w: rng.choice([1.0, 2.0, 5.0, 6.0, 10.0]) for w in rng.sample(words, 60)})
        for _ in range(count)
    ]
    idf = module._idf(counts)
    return [_plain_unit(found, idf) for found in counts], counts, idf


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_vector_arithmetic_gives_the_same_bits_as_plain_loops(seed):
    """The C-looped helpers add the same products in the same order as plain Python
    loops: the same floats, bit for bit, and the terms in the same order."""
    import itertools
    import math
    from collections import Counter

    from briefing.stories import merge as module

    vectors, counts, idf = _random_vectors(seed, 12)
    df = Counter(itertools.chain.from_iterable(counts))
    lazy = module._Idf(df, len(counts))
    assert {term: lazy[term] for term in reversed(list(df))} == idf  # asked in any order
    assert [list(module._unit(c, idf).items()) for c in counts] == [
        list(v.items()) for v in vectors
    ]
    weights = [float(k + 1) for k in range(len(vectors))]
    total = _plain_total(vectors, weights)
    norm = math.sqrt(sum(v * v for v in total.values())) or 1.0
    assert list(module._mean(vectors, weights).items()) == [(t, v / norm) for t, v in total.items()]
    size = sum(weights)
    assert list(module._plain_mean(vectors, weights).items()) == [
        (t, v / size) for t, v in total.items()
    ]
    for a in vectors:
        for b in vectors:
            small, large = (b, a) if len(a) > len(b) else (a, b)
            assert module._cosine(a, b) == sum(v * large.get(t, 0.0) for t, v in small.items())


def _day(seed: int, size: int) -> tuple[list[Article], tuple[Story, ...]]:
    """A made-up day: reports mixing the sentences of the test texts, a few English ones,
    dated over a week, in stories of one to three reports."""
    import random

    rng = random.Random(seed)
    topics = [*_STRIKE, *_OTHERS, _FLIGHT_AR, _FLIGHT_EN, _OTHER_EN]
    articles = []
    for k in range(size):
        title, text = topics[rng.randrange(len(topics))]
        words = text.split()
        noise = rng.choice(topics)[1].split()
        body = rng.sample(words, len(words) * 3 // 4) + rng.sample(noise, len(noise) // 4)
        lang = "en" if title.isascii() else "ar"
        day = f"2018-05-{10 + rng.randrange(7):02d}"
        articles.append(
            article(
                f"d{k}", title, " ".join(body) + ".", lang=lang, published=day, source=f"o{k % 9}"
            )
        )
    stories, start = [], 0
    while start < size:
        end = min(size, start + rng.choice([1, 1, 2, 3]))
        stories.append(Story(id=f"s{start}", articles=tuple(articles[start:end])))
        start = end
    return articles, tuple(stories)


@pytest.mark.parametrize("seed", [1, 2])
def test_the_rough_first_look_changes_no_story(monkeypatch, seed):
    """Large piles look at candidate pairs as sparse rows first and compare word by word
    only those that may reach the threshold: the same stories, fewer exact cosines."""
    from briefing.stories import merge as module

    articles, stories = _day(seed, 160)
    cosines = []
    exact = module._cosine
    monkeypatch.setattr(module, "_cosine", lambda a, b: cosines.append(1) or exact(a, b))
    monkeypatch.setattr(module, "_COMPILED_FROM", 10**9)
    plain = merge(articles, stories)
    plain_cosines, cosines[:] = len(cosines), []
    monkeypatch.setattr(module, "_COMPILED_FROM", 0)
    rough = merge(articles, stories)

    assert rough == plain
    assert len(plain) < len(stories)  # stories were joined
    assert len(cosines) < plain_cosines


def test_rough_cosines_are_close_to_the_exact_ones():
    import itertools

    from briefing.stories import merge as module

    vectors, counts, _ = _random_vectors(7, 20)
    groups = [[0], [1, 2], [3], [4, 5, 6], *([k] for k in range(7, 20))]
    rough = module._Rough(counts, groups)
    assert rough.df == module.Counter(itertools.chain.from_iterable(counts))
    exact = [
        vectors[g[0]] if len(g) == 1 else module._mean([vectors[k] for k in g]) for g in groups
    ]
    pairs = list(itertools.combinations(range(len(groups)), 2))
    found = [set(range(len(groups))) - {i} for i in range(len(groups))]
    kept, near = rough.sift(range(len(groups)), found, ["ar"] * len(groups), threshold=-1.0)
    assert kept == pairs  # each pair once, and all of them at a threshold below -1
    for (i, j), cosine in zip(kept, near, strict=True):
        assert abs(cosine - module._cosine(exact[i], exact[j])) < 1e-12
    against = rough.against(exact[0], [1, 2, len(groups)])
    assert against[2] is None  # a joined story has no row
    for k in (1, 2):
        assert abs(against[k - 1] - module._cosine(exact[0], exact[k])) < 1e-12
