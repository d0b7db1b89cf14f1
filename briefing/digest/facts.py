"""The checkable facts a sentence states, in any script: numbers, dates and names.

Not a stage: ``verify`` and ``pack`` use it. Every function works on Arabic and English
alike, so a point can be checked against sources in the other language:

- ``numbers``: what each number a text states is worth, whatever the digit script
  (``٢٬٩٥٨`` = ``2,958`` = ``2958``), with multiplier words (``170 ألف`` = ``170,000``,
  ``3 ملايين``, ``1.5 billion``) and written-out numbers and ordinals of both languages
  (``العضو التسعين`` = ``ninetieth`` = 90).
- ``dates``: day, month and year mentions with English, Egyptian/Gulf, Levantine and
  Maghrebi month names, and numeric dates.
- ``names``: the Latin-script names a text states, and the names of ``briefing.names``
  it states in either script.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..names import EXACT_PATTERN as _EXACT_PATTERN
from ..names import INDEX_PATTERN as _INDEX_PATTERN
from ..names import known_names
from ..names import skeleton as _skeleton
from ..text import normalize

# --- numbers -------------------------------------------------------------------------

_MULTIPLIERS = {
    "الف": 1e3, "الاف": 1e3, "آلاف": 1e3, "thousand": 1e3, "thousands": 1e3,
    "مليون": 1e6, "ملايين": 1e6, "million": 1e6, "millions": 1e6, "m": 1e6, "mn": 1e6,
    "مليار": 1e9, "مليارات": 1e9, "billion": 1e9, "billions": 1e9, "bn": 1e9,
    "بليون": 1e9, "ترليون": 1e12, "تريليون": 1e12, "trillion": 1e12, "k": 1e3,
}  # fmt: skip

_EN_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_EN_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_EN_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17,
    "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40,
    "fiftieth": 50, "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90,
    "hundredth": 100, "thousandth": 1000,
}  # fmt: skip
_EN_BIG = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}

# Arabic, on normalised text (one alef, ya for alef maqsura, ha for ta marbuta).
_AR_UNITS = {
    "واحد": 1, "واحده": 1, "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2,
    "ثلاث": 3, "ثلاثه": 3, "اربع": 4, "اربعه": 4, "خمس": 5, "خمسه": 5, "ست": 6, "سته": 6,
    "سبع": 7, "سبعه": 7, "ثمان": 8, "ثماني": 8, "ثمانيه": 8, "تسع": 9, "تسعه": 9,
    "عشر": 10, "عشره": 10,
}  # fmt: skip
_AR_TENS = {
    "عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30, "اربعون": 40, "اربعين": 40,
    "خمسون": 50, "خمسين": 50, "ستون": 60, "ستين": 60, "سبعون": 70, "سبعين": 70,
    "ثمانون": 80, "ثمانين": 80, "تسعون": 90, "تسعين": 90,
}  # fmt: skip
_AR_HUNDREDS = {"مئه": 100, "مائه": 100, "مئتان": 200, "مئتين": 200, "مائتان": 200,
                "مائتين": 200}  # fmt: skip
_AR_ORDINALS = {
    "اول": 1, "اولي": 1, "ثاني": 2, "ثانيه": 2, "ثالث": 3, "ثالثه": 3, "رابع": 4,
    "رابعه": 4, "خامس": 5, "خامسه": 5, "سادس": 6, "سادسه": 6, "سابع": 7, "سابعه": 7,
    "ثامن": 8, "ثامنه": 8, "تاسع": 9, "تاسعه": 9, "عاشر": 10, "عاشره": 10, "حادي": 1,
    "حاديه": 1,
}  # fmt: skip
_AR_CLITICS = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ب", "ل")
_AR_WEEKDAYS = frozenset({"الاثنين", "والاثنين", "بالاثنين"})
_AR_PERCENT = frozenset({"الميه", "بالميه", "المايه", "بالمايه", "للميه"})


def _folded(table: dict[str, Any]) -> dict[str, Any]:
    """A word table keyed as ``normalize`` folds text («مئة» is looked up as «ميه»)."""
    return {normalize(k): v for k, v in table.items()}


_MULTIPLIERS = _folded(_MULTIPLIERS)
_AR_UNITS = _folded(_AR_UNITS)
_AR_TENS = _folded(_AR_TENS)
_AR_HUNDREDS = _folded(_AR_HUNDREDS)
_AR_ORDINALS = _folded(_AR_ORDINALS)

SMALL = 10  # written-out numbers up to this are idiom as often as figures ("the two sides")

_DIGIT_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[^\W\d_]+|\d+(?:[.,]\d+)*")


@dataclass(frozen=True, slots=True)
class Number:
    """One number a text states: what it may be worth (``2.958`` may be 2.958 or 2,958),
    as written, and whether it was written in words."""

    values: frozenset[float]  # every reading: a source "states" each of them
    text: str
    in_words: bool = False
    exact: frozenset[float] = frozenset()  # the readings as stated ("170 million": 1.7e8)

    @property
    def stated(self) -> frozenset[float]:
        """What a point claims: the multiplied reading, not the bare number before it."""
        return self.exact or self.values


def _digit_values(token: str) -> set[float]:
    """``2,958`` -> {2958}; ``2.5`` -> {2.5}; ``2.958`` -> {2.958, 2958} (either mark
    may group thousands); ``1,5`` -> {1.5, 15} is not guessed: only 3-digit groups group."""
    values: set[float] = set()
    groups = re.split(r"[.,]", token)
    if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]):
        values.add(float("".join(groups)))
    if token.count(".") == 1 and "," not in token:
        values.add(float(token))
    elif token.count(",") == 1 and "." not in token and len(groups[1]) != 3:
        values.add(float(token.replace(",", ".")))
    elif "," in token and token.count(".") == 1 and token.rfind(".") > token.rfind(","):
        values.add(float(token.replace(",", "")))
    if not values:
        values.add(float(groups[0]) if len(groups) > 1 else float(token))
    return {min(v, MAX_VALUE) for v in values if v == v}


def _strip_clitic(word: str) -> str:
    for clitic in _AR_CLITICS:
        if word.startswith(clitic) and len(word) - len(clitic) >= 3:
            return word[len(clitic) :]
    return word


def _word_value(word: str) -> tuple[int, str] | None:
    """(value, kind) of one number word: kind is unit, tens, hundred, ordinal or big."""
    if word in _EN_UNITS:
        return _EN_UNITS[word], "unit"
    if word in _EN_TENS:
        return _EN_TENS[word], "tens"
    if word in _EN_ORDINALS:
        return _EN_ORDINALS[word], "ordinal"
    if word in _EN_BIG:
        return _EN_BIG[word], "big"
    if word in _AR_WEEKDAYS:
        return None  # «الاثنين» is Monday, not "two"
    if word in _AR_PERCENT:
        return None  # «في المئة» is "percent", not a hundred
    bare = _strip_clitic(word) if re.match("[\u0600-\u06ff]", word) else word
    for candidate in dict.fromkeys((word, bare)):
        if candidate in _AR_TENS:
            return _AR_TENS[candidate], "tens"
        if candidate in _AR_HUNDREDS:
            return _AR_HUNDREDS[candidate], "hundred"
        if candidate in _AR_UNITS:
            return _AR_UNITS[candidate], "unit"
        if candidate in _AR_ORDINALS and candidate != word:  # "الثاني", not "ثاني"
            return _AR_ORDINALS[candidate], "ordinal"
    return None


_RANGE = re.compile(
    r"(?<![\d.,])(\d+(?:[.,]\d+)?)(\s*(?:-|–|to|و|الى|او|or|and)\s*)(\d+(?:[.,]\d+)?\s+(\w+))"
)
_YEAR_RANGE = re.compile(r"(?<!\d)((?:19|20)(\d{2}))[-–/](\d{2})(?!\d|[-–/.]\d)")
MAX_VALUE = 1e15  # beyond any figure in the news; larger is noise, never an overflow


def _shared_multiplier(match: re.Match[str]) -> str:
    """«10 و12 مليون», "10 to 12 million": the first number is millions too."""
    word = match.group(4)
    if (_MULTIPLIERS.get(word) or _MULTIPLIERS.get(_strip_clitic(word))) and word not in {
        "m",
        "k",
        "mn",
        "bn",
    }:
        return f"{match.group(1)} {word}{match.group(2)}{match.group(3)}"
    return match.group(0)


def _year_range(match: re.Match[str]) -> str:
    """ "2025-26" -> "2025-2026"."""
    century = match.group(1)[:2]
    return f"{match.group(1)}-{century}{match.group(3)}"


@lru_cache(maxsize=8192)
def numbers(text: str) -> tuple[Number, ...]:
    """Every number ``text`` states, in order. Month names are not numbers (``كانون
    الثاني`` is December's neighbour, not "second"), and a multiplier word after a number
    multiplies it (``170 ألف``; in a range, ``10 و12 مليون``, both ends)."""
    folded = _without_months(normalize(text).replace("٫", ".").replace("٬", ","))
    folded = _YEAR_RANGE.sub(_year_range, _RANGE.sub(_shared_multiplier, folded))
    tokens = _WORD.findall(folded)
    found: list[Number] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token[0].isdigit():
            values = _digit_values(token)
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            mult = _MULTIPLIERS.get(nxt) or _MULTIPLIERS.get(_strip_clitic(nxt))
            if mult and nxt not in {"m", "k"} | ({"mn"} if not token.isdigit() else set()):
                scaled = {v * mult for v in values}
                found.append(_number(scaled | values, f"{token} {nxt}", exact=scaled))
                i += 2
                continue
            if mult and nxt in {"m", "k", "mn"}:
                values = {v * mult for v in values}
                i += 1
            found.append(_number(values, token))
            i += 1
            continue
        total, used, last_kind = 0.0, 0, None
        j = i
        while j < len(tokens) and used < 12:
            word = tokens[j]
            if used and word in {"and", "و"}:
                j += 1
                continue
            hit = _word_value(word) or (_word_value(word[1:]) if word.startswith("و") else None)
            if hit is None:
                break
            value, kind = hit
            if kind in {"big", "hundred"} and used:
                total = (total or 1) * value if kind == "big" else total + value
            else:
                total += value
            used += 1
            last_kind = kind
            j += 1
        if used:
            ordinal = last_kind == "ordinal"
            after = tokens[j] if j < len(tokens) else ""
            mult = _MULTIPLIERS.get(after) or _MULTIPLIERS.get(_strip_clitic(after))
            if mult and after not in {"m", "k", "mn", "bn"}:  # «ثلاثة آلاف», "two million"
                total *= mult
                j += 1
            words = " ".join(tokens[i:j])
            if ordinal and total == 1 and "عشر" in words:
                total = 11
            found.append(_number({total}, words, in_words=True))
            i = j
            continue
        i += 1
    return tuple(n for n in found if n.values)


def _number(
    values: set[float], text: str, *, in_words: bool = False, exact: set[float] | None = None
) -> Number:
    """A Number, its readings rounded and capped at MAX_VALUE (a chain of "million
    million…" or a 400-digit run is noise: it must not overflow, and matches nothing)."""
    keep = {round(min(v, MAX_VALUE), 6) for v in values}
    scaled = {round(min(v, MAX_VALUE), 6) for v in (exact or ())}
    return Number(frozenset(keep), text, in_words, frozenset(scaled))


def date_numbers(text: str) -> set[float]:
    """The days, months and years the text's dates state (checked as dates, not counts)."""
    found: set[float] = set()
    for d in dates(text):
        if d.text[:1].isdigit():  # a numeric date: its month is a number in the text
            found.add(float(d.month))
        if d.day is not None:
            found.add(float(d.day))
        if d.year is not None:
            found.add(float(d.year))
    return found


def _round(values: set[float]) -> set[float]:
    return {round(v, 6) for v in values}


# --- dates ---------------------------------------------------------------------------

_EN_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_AR_MONTHS = {
    "يناير": 1, "فبراير": 2, "مارس": 3, "ابريل": 4, "مايو": 5, "يونيو": 6, "يونيه": 6,
    "يوليو": 7, "يوليه": 7, "اغسطس": 8, "سبتمبر": 9, "اكتوبر": 10, "نوفمبر": 11,
    "ديسمبر": 12, "كانون الثاني": 1, "كانون ثاني": 1, "شباط": 2, "اذار": 3, "نيسان": 4,
    "ايار": 5, "حزيران": 6, "تموز": 7, "اب": 8, "ايلول": 9, "تشرين الاول": 10,
    "تشرين اول": 10, "تشرين الثاني": 11, "تشرين ثاني": 11, "كانون الاول": 12,
    "كانون اول": 12, "جانفي": 1, "فيفري": 2, "افريل": 4, "ماي": 5, "جوان": 6,
    "جويليه": 7, "اوت": 8, "يوليوز": 7, "غشت": 8, "شتنبر": 9, "نونبر": 11, "دجنبر": 12,
}  # fmt: skip
# Month names that are also ordinary words: months only beside a day or a year.
_AMBIGUOUS_MONTHS = {"may", "march", "mar", "اب", "ماي", "jan", "sep", "dec", "oct", "aug"}
_AR_MONTHS = _folded(_AR_MONTHS)
_MONTH_NAMES = sorted({**_EN_MONTHS, **_AR_MONTHS}, key=len, reverse=True)
_MONTH = re.compile(
    r"(?<![\w])(?:[وبل]|ال)?("
    + "|".join(re.escape(m).replace(r"\ ", r"\s+") for m in _MONTH_NAMES)
    + r")(?![\w])"
)
_DAY_BEFORE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s*(?:من\s+(?:شهر\s+)?|of\s+)?$")
_DAY_WORD_BEFORE = re.compile(r"([^\W\d_]+(?:\s+عشر)?)\s+(?:من\s+(?:شهر\s+)?|of\s+)?$")
_DAY_AFTER = re.compile(r"^\.?\s*(\d{1,2})(?:st|nd|rd|th)?(?!\d)")
_YEAR_AFTER = re.compile(
    r"^\.?(?:\s*\d{1,2}(?:st|nd|rd|th)?)?\s*,?\s*(?:عام\s+|سنه\s+)?(\d{4})(?!\d)"
)
_NUMERIC_DATE = re.compile(
    r"(?<![\d.])(?:(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})|(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}))(?![\d])"
)


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date as a text states it: a month, with a day and a year when stated."""

    month: int
    day: int | None
    year: int | None
    text: str

    def agrees(self, other: DateMention) -> bool:
        """Whether ``other`` can be the same date: month equal, and day and year equal
        wherever both state them."""
        return (
            self.month == other.month
            and (self.day is None or other.day is None or self.day == other.day)
            and (self.year is None or other.year is None or self.year == other.year)
        )


@lru_cache(maxsize=65536)
def _month_value(name: str) -> int:
    key = " ".join(name.split())
    return _EN_MONTHS.get(key) or _AR_MONTHS[key]


@lru_cache(maxsize=8192)
def dates(text: str) -> tuple[DateMention, ...]:
    """Every date mention in ``text``: a month name (with its day and year when stated
    beside it), or a numeric date (``2026-02-09``, ``9/2/2026``)."""
    folded = normalize(text)
    found: list[DateMention] = []
    for match in _NUMERIC_DATE.finditer(folded):
        y, m, d = (match.group(1), match.group(2), match.group(3))
        if y is None:
            d, m, y = match.group(4), match.group(5), match.group(6)
        if 1 <= int(m) <= 12 and 1 <= int(d) <= 31:
            found.append(DateMention(int(m), int(d), int(y), match.group(0)))
    for match in _MONTH.finditer(folded):
        name = match.group(1)
        before, after = folded[max(0, match.start() - 30) : match.start()], folded[match.end() :]
        day = None
        if m := _DAY_BEFORE.search(before):
            day = int(m.group(1))
        elif m := _DAY_AFTER.match(after[:8]):
            day = int(m.group(1))
        elif (m := _DAY_WORD_BEFORE.search(before)) and (value := _day_word(m.group(1))):
            day = value
        year_match = _YEAR_AFTER.match(after[:20])
        year = int(year_match.group(1)) if year_match else None
        if name in {"may", "march", "mar"}:  # "Theresa May", "they may": a day, a year or "in"
            if (
                day is None
                and year is None
                and not re.search(
                    r"\b(?:in|since|until|till|by|from|last|next|early|late|mid|of|this)\s+$",
                    before,
                )
            ):
                continue
        elif name in _AMBIGUOUS_MONTHS and day is None and year is None:
            continue
        if day is not None and not 1 <= day <= 31:
            day = None
        found.append(DateMention(_month_value(name), day, year, match.group(0).strip()))
    return tuple(found)


def _day_word(words: str) -> int | None:
    """A day written as an ordinal word before a month: «التاسع من شباط», "ninth of"."""
    parts = words.split()
    hits = [_word_value(p) for p in parts]
    if not hits or hits[0] is None or hits[0][1] not in {"ordinal", "unit"}:
        return None
    value = hits[0][0]
    if len(parts) == 2 and parts[1] == "عشر":
        value += 10
    return value if 1 <= value <= 31 else None


def _without_months(folded: str) -> str:
    """Month names blanked out, so «كانون الثاني» or «تشرين الأول» are not ordinals."""
    return _MONTH.sub(lambda m: " " * len(m.group(0)) if " " in m.group(1) else m.group(0), folded)


def months(text: str) -> set[int]:
    """The months ``text`` names (for the packer: a sentence naming another month is
    never a repeat)."""
    return {d.month for d in dates(text)}


# --- names ---------------------------------------------------------------------------

_LATIN_NAME = re.compile(
    r"\b(?:[A-Z][\w'’\-]*|[A-Z]{2,})(?:\s+(?:of\s+|al-|bin\s+)?[A-Z][\w'’\-]*)*"
)
_NOT_NAMES = frozenset(
    """the a an and but or if in on at to for from by with as this that these those it its
    he she they we his her their our after before during while when where who what which
    however meanwhile also according earlier later on monday tuesday wednesday thursday
    friday saturday sunday january february march april may june july august september
    october november december one two three four five six seven eight nine ten first
    second third several many some both all""".split()
)


_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“”«»(\[]\s*|\n\s*)$")
TITLES = frozenset(
    """minister foreign president prime king prince secretary general ambassador envoy
    special deputy mr mrs ms dr sheikh crown chief head director commander spokesman
    spokeswoman spokesperson official officials senator governor mayor speaker chairman
    sir lord queen emir sultan ministry government council army forces""".split()
)
# Capitalised common nouns of institutions' names ("General Intelligence", "Small Group"):
# not names in themselves, so not looked for across scripts.
INSTITUTION_WORDS = frozenset(
    """intelligence service services directorate agency committee office department
    police guard guards coalition group council court party movement front union bank
    fund authority commission organization organisation news television radio times post
    daily wire monitor agency national international general central federal supreme high
    democratic republican islamic arab united joint small global senior political
    military defence defense security affairs relations foreign interior justice health
    economy finance trade energy oil human rights refugees peace talks conference summit
    meeting statement declaration agreement treaty accord plan initiative operation war
    campaign task force state states republic kingdom emirate federation ministry
    parliament assembly senate house congress cabinet presidency embassy consulate mission
    north south east west northern southern eastern western middle region province city
    capital camp camps observatory confederation federation association foundation
    league club cup championship tournament olympic""".split()
)


def latin_names(text: str) -> set[str]:
    """Capitalised Latin-script names ``text`` states, as written. A single
    capitalised word opening a sentence is not taken for a name (it is capitalised
    anyway); a run of them, or an acronym, is."""
    found: set[str] = set()
    for match in _LATIN_NAME.finditer(text):
        words = match.group(0).split()
        opens = _SENTENCE_START.search(text[: match.start()]) is not None
        while words and re.sub(r"['’]s$", "", words[0]).casefold() in _NOT_NAMES:
            words = words[1:]
            opens = False
        if not words:
            continue
        if opens and len(words) == 1 and not words[0].isupper():
            continue
        name = re.sub(r"['’]s\b", "", " ".join(words))
        name = re.sub(r"-(?:held|backed|led|based|born|controlled|run|linked|made)\b", "", name)
        if len(name) >= 2:
            found.add(name)
    return found


@lru_cache(maxsize=1)
def _common_word_test() -> Any:
    """Whether a word is common English: one token of the cl100k vocabulary, capitalised
    or not (" Football", " league"). Rare names ("Mekdad", "Khattab") take several
    tokens; a common word is translated rather than transliterated, so its consonants
    are not looked for in Arabic. Without the encoding every word counts as rare."""
    try:
        from .tokens import counter_for

        count = counter_for("gpt-4").count
    except Exception:  # no tokenizer: check every word
        return lambda word: False
    return lambda word: count(" " + word.capitalize()) == 1 or count(" " + word.lower()) == 1


def missing_names(text: str, sources: str) -> list[str]:
    """The names ``text`` states that ``sources`` do not, in any form the table knows.

    A name of the table is looked for in all its forms. The other words of a Latin name
    (titles, institution words and common English words aside) are looked for as
    written in Latin-script sources, and by their consonant skeleton in Arabic ones;
    at least half of them must be found. In an Arabic text, the table's names are
    looked for; other Arabic names cannot be told from ordinary words."""
    source_words = set(re.findall(r"\w+", normalize(sources).replace("_", " ")))
    source_keys = known_names(sources)
    common = _common_word_test()
    skeletons = {_skeleton(w) for w in source_words}
    missing: list[str] = []
    for name in sorted(latin_names(text)):
        keys = known_names(name)
        words = re.findall(r"\w+", normalize(name))
        if keys - source_keys and not all(w in source_words for w in words):
            missing.append(name)
            continue
        rest = _EXACT_PATTERN.sub(" ", _INDEX_PATTERN.sub(" ", normalize(name)))
        acronyms = {w.casefold() for w in re.findall(r"\b[A-Z]{2,6}\b", name)}
        rare = [
            w
            for w in re.findall(r"[^\W\d_]+", rest)
            if w not in TITLES
            and w not in INSTITUTION_WORDS
            and w not in acronyms  # "FBI", «مكتب التحقيقات»: translated, not transliterated
            and len(w) > 2
            and not common(w)
        ]
        found = sum(1 for w in rare if w in source_words or _skeleton(w) in skeletons)
        if rare and 2 * found < len(rare):
            missing.append(name)
    if re.search("[\u0600-\u06ff]", text):
        missing += sorted(known_names(_arabic_only(text)) - source_keys)
    return list(dict.fromkeys(missing))


def _arabic_only(text: str) -> str:
    return re.sub(r"[A-Za-z][\w'’\-]*", " ", text)
