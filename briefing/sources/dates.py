"""Calendar dates stated in Arabic and English news text.

Not a stage: stages may import it; it imports no stage. Matching runs on a folded copy
of the text (ASCII digits, no diacritics, one alef, lower-case Latin), and every span is
mapped back to the original text, so ``text[found.start:found.end] == found.text``.

Only Gregorian dates with a stated day and month are reported. A missing year is filled
in only from a stated weekday and a reference date (see ``find_dates``); Hijri dates,
lone weekdays, months and years are never read as dates.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from ..text import strip_diacritics, to_ascii_digits

__all__ = ["FoundDate", "find_dates", "parse_date"]

_MIN_YEAR, _MAX_YEAR = 1900, 2199  # news dates; keeps Hijri years (14xx) and counts out

_AR_MONTHS = {
    # Egyptian / Gulf
    "يناير": 1, "فبراير": 2, "مارس": 3, "ابريل": 4, "مايو": 5, "يونيو": 6, "يونيه": 6,
    "يوليو": 7, "يوليه": 7, "اغسطس": 8, "سبتمبر": 9, "اكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
    # Levantine / Iraqi
    "كانون الثاني": 1, "كانون ثاني": 1, "شباط": 2, "اذار": 3, "نيسان": 4, "ايار": 5,
    "حزيران": 6, "تموز": 7, "اب": 8, "ايلول": 9, "تشرين الاول": 10, "تشرين اول": 10,
    "تشرين الثاني": 11, "تشرين ثاني": 11, "كانون الاول": 12, "كانون اول": 12,
    # Maghrebi (Algeria, Tunisia; Morocco)
    "جانفي": 1, "فيفري": 2, "افريل": 4, "ماي": 5, "جوان": 6, "جويليه": 7, "اوت": 8,
    "يوليوز": 7, "غشت": 8, "شتنبر": 9, "نونبر": 11, "دجنبر": 12,
}  # fmt: skip
_EN_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
_EN_MONTH_ABBREV = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTHS = {**_AR_MONTHS, **_EN_MONTHS, **_EN_MONTH_ABBREV}
# English words that are also months only when capitalised ("they may", "to march").
_LOWERCASE_NOT_MONTH = {"may", "march", "mar"}

_WEEKDAYS = {
    "الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعه": 4, "السبت": 5,
    "الاحد": 6, "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
    "saturday": 5, "sunday": 6, "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3,
    "thur": 3, "thurs": 3, "fri": 4, "sat": 5, "sun": 6,
}  # fmt: skip

# Character folding for matching; each original character folds to zero or more chars.
_FOLD = str.maketrans(
    {
        "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ة": "ه", "ۀ": "ه",
        "ھ": "ه", "ک": "ك", "ؤ": "و", "ئ": "ي", "ـ": None, "٫": ".", "٬": ",",
        "\u061c": None, "\u200c": None, "\u200d": None, "\u200e": None, "\u200f": None,
        "\u202a": None, "\u202b": None, "\u202c": None, "\u202d": None, "\u202e": None,
        "\u2066": None, "\u2067": None, "\u2068": None, "\u2069": None,
    }
)  # fmt: skip


_S = r"[^\S\r\n]"  # horizontal white space: a date does not run across lines


def _alternation(names: list[str], abbrevs: tuple[str, ...] = ()) -> str:
    """Longest-first alternation of folded names; spaces match any horizontal space."""
    parts = []
    for name in sorted(names, key=len, reverse=True):
        piece = re.escape(name).replace(r"\ ", _S + "+")
        parts.append(piece + (r"(?!\w)\.?" if name in abbrevs else r"(?!\w)"))
    return "(?:" + "|".join(parts) + ")"


_ABBREVS = tuple(_EN_MONTH_ABBREV) + tuple(w for w in _WEEKDAYS if len(w) <= 5 and w.isascii())
_MONTH = _alternation(list(_MONTHS), _ABBREVS)
_EN_MONTH = _alternation(list(_EN_MONTHS) + list(_EN_MONTH_ABBREV), _ABBREVS)
_WEEKDAY = _alternation(list(_WEEKDAYS), _ABBREVS)

# A word start, or just after a one-letter prefix attached to it (و9، ب10، والاثنين).
_START = r"(?:(?<![\w+])|(?<=(?<!\w)[وبل]))(?<!\d[.,:/\-])"
_WD = rf"(?:(?:يوم{_S}+)?(?P<wd>{_WEEKDAY}){_S}*[,،]?{_S}*(?:الموافق{_S}+)?)?"
_DAY = r"(?P<day>[0-9]{1,2})(?![0-9])(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>[0-9]{4})(?![0-9]|[.,][0-9])"

_DAY_FIRST = re.compile(
    rf"""{_START}{_WD}{_DAY}{_S}*(?:(?:of|من){_S}+)?
    (?:[وب](?!اب(?!\w)))?(?P<month>{_MONTH})
    (?:{_S}*[/(]{_S}*(?P<month2>{_MONTH})(?:{_S}*\))?)?
    (?P<mend>)
    (?:{_S}+(?:(?:من{_S}+)?(?:عام|العام|سنه){_S}+)?{_YEAR}(?:{_S}?م(?!\w))?)?""",
    re.VERBOSE,
)
_MONTH_FIRST = re.compile(
    rf"""{_START}{_WD}(?P<month>{_EN_MONTH}){_S}+{_DAY}(?!\w)
    (?P<mend>)
    (?:{_S}*,?{_S}*{_YEAR})?""",
    re.VERBOSE,
)
_NUM_START = r"(?:(?<![\w+.,/:\-])|(?<=(?<!\w)[وبل]))"
_NUM_END = r"(?![0-9]|[./:\-][0-9])(?:(?=t[0-9])|(?!\w))"  # "T08:30" may follow ISO
_ISO = re.compile(
    rf"{_NUM_START}(?P<year>[0-9]{{4}})(?P<sep>[-/.])(?P<month>[0-9]{{1,2}})(?P=sep)"
    rf"(?P<day>[0-9]{{1,2}}){_NUM_END}"
)
_DMY = re.compile(
    rf"{_NUM_START}(?P<day>[0-9]{{1,2}})(?P<sep>[-/.])(?P<month>[0-9]{{1,2}})(?P=sep)"
    rf"(?P<year>[0-9]{{4}}){_NUM_END}"
)
_PATTERNS = (_DAY_FIRST, _MONTH_FIRST, _ISO, _DMY)
_HIJRI_AFTER = re.compile(rf"{_S}*(?:ه(?!\w)|هجري|للهجره)")


@dataclass(frozen=True, slots=True)
class FoundDate:
    """One calendar date found in a text, with its character span in that text."""

    iso: str  # "YYYY-MM-DD"
    start: int
    end: int
    text: str  # the matched text, as written
    year_stated: bool  # False when the year was fixed from the weekday


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    ch = unicodedata.normalize("NFKC", ch)
    return to_ascii_digits(strip_diacritics(ch)).translate(_FOLD).lower()


class _FoldTable(dict[int, str | None]):
    """``str.translate`` table of _fold_char, filled in as characters are met."""

    def __missing__(self, code: int) -> str | None:
        folded = _fold_char(chr(code))
        value = None if not folded else folded
        self[code] = value
        return value


_FOLD_TABLE = _FoldTable()


def _positions(text: str, ch: str) -> Iterator[int]:
    i = text.find(ch)
    while i >= 0:
        yield i
        i = text.find(ch, i + 1)


class _Folded:
    """The folded text, with a map from each folded character to its original index.

    Most characters fold to exactly one character; the map is kept as pieces (a run of
    one-to-one characters, or the characters one original character expanded to), found
    with a bisection, so folding costs one ``str.translate`` and a pass over the few
    characters that fold to none or several.
    """

    def __init__(self, text: str) -> None:
        self.original = text
        self.text = text.translate(_FOLD_TABLE)
        # piece k: folded offsets from _starts[k] map to _origins[k] + step * offset;
        # built on the first span asked for (most texts state no date)
        self._starts: list[int] = []
        self._origins: list[int] = []
        self._steps: list[int] = []

    def _build(self) -> None:
        text = self.original
        self._starts, self._origins, self._steps = [0], [0], [1]
        irregular = [ch for ch in set(text) if len(_FOLD_TABLE[ord(ch)] or "") != 1]
        shift = 0  # folded index minus original index, so far
        for i in sorted(i for ch in irregular for i in _positions(text, ch)):
            width = len(_FOLD_TABLE[ord(text[i])] or "")
            if width:
                self._starts.append(i + shift)
                self._origins.append(i)
                self._steps.append(0)
            shift += width - 1
            self._starts.append(i + 1 + shift)
            self._origins.append(i + 1)
            self._steps.append(1)

    def _origin(self, index: int) -> int:
        if not self._starts:
            self._build()
        k = bisect_right(self._starts, index) - 1
        return self._origins[k] + (index - self._starts[k]) * self._steps[k]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of folded [start, end); trailing diacritics are kept."""
        first = self._origin(start)
        last = self._origin(end - 1) + 1
        while last < len(self.original) and not _fold_char(self.original[last]):
            last += 1
        return first, last


def _month_number(folded_name: str) -> int:
    return _MONTHS[" ".join(folded_name.rstrip(".").split())]


def _infer_year(
    day: int, month: int, weekday: int, reference: datetime.date
) -> datetime.date | None:
    """The one date in reference's year or the year before that falls on weekday and is
    not later than a week after reference; None when none or both do."""
    latest = reference + datetime.timedelta(days=7)
    fits = []
    for year in (reference.year - 1, reference.year):
        try:
            candidate = datetime.date(year, month, day)
        except ValueError:
            continue
        if candidate.weekday() == weekday and candidate <= latest:
            fits.append(candidate)
    return fits[0] if len(fits) == 1 else None


def _resolve(
    match: re.Match[str], folded: _Folded, reference: datetime.date | None
) -> tuple[datetime.date, int, bool] | None:
    """(date, folded end, year_stated) for one match, or None if it states no full date."""
    groups = match.groupdict()
    if _HIJRI_AFTER.match(folded.text, match.end()):
        return None
    numeric = match.re in (_ISO, _DMY)
    if numeric:
        month = int(groups["month"])
    else:
        month = _month_number(groups["month"])
        if groups.get("month2") and _month_number(groups["month2"]) != month:
            return None
        if groups["month"].rstrip(".") in _LOWERCASE_NOT_MONTH:
            first, _ = folded.span(*match.span("month"))
            if folded.original[first].islower():
                return None
    day = int(groups["day"])
    year = int(groups["year"]) if groups["year"] else None
    if year is not None and _MIN_YEAR <= year <= _MAX_YEAR:
        try:
            return datetime.date(year, month, day), match.end(), True
        except ValueError:
            return None
    if numeric or groups["wd"] is None or reference is None:
        return None
    weekday = _WEEKDAYS[groups["wd"].rstrip(".")]
    found = _infer_year(day, month, weekday, reference)
    return (found, match.end("mend"), False) if found else None


# Every character whose fold holds an ASCII digit (ASCII, Arabic-Indic and Persian digits,
# super- and subscripts, fractions, circled, full-width and mathematical digits...): a
# line with none of them states no date. A test checks the class against ``_fold_char``
# on every code point of the running Python.
_DIGIT_SOURCE = re.compile(
    "[0-9\u00b2\u00b3\u00b9\u00bc-\u00be\u0660-\u0669\u06f0-\u06f9\u2070\u2074-\u2079"
    "\u2080-\u2089\u2150-\u215f\u2189\u2460-\u249b\u24ea\u3251-\u325f\u32b1-\u32cb"
    "\u3358-\u3370\u3378-\u3379\u339f-\u33a6\u33a8\u33af\u33e0-\u33fe\uff10-\uff19"
    "\U0001d7ce-\U0001d7ff\U0001f100-\U0001f10a\U0001fbf0-\U0001fbf9]"
)
# What each pattern cannot match without, with its look-arounds left out: a day followed
# by a month name, an English month name followed by a day. Each starts with what the
# regex engine can skip to (a digit; a Latin letter), where a month name alone would be
# tried at nearly every letter of an Arabic line.
_DAY_THEN_MONTH = re.compile(rf"[0-9]{{1,2}}(?:st|nd|rd|th)?{_S}*(?:(?:of|من){_S}+)?[وب]?{_MONTH}")
_MONTH_THEN_DAY = re.compile(rf"{_EN_MONTH}{_S}+[0-9]")
_ANY_NUMERIC = re.compile(r"[0-9][-/.][0-9]{1,2}[-/.][0-9]")


def _lines_with_digits(text: str) -> Iterator[tuple[int, int]]:
    """The (start, end) of each line of ``text`` that holds a character folding to a
    digit: every date states its day in digits and none runs across a line break (no
    character folds to or from one), so only these lines are folded and matched."""
    found = _DIGIT_SOURCE.search(text)
    while found:
        start = text.rfind("\n", 0, found.start()) + 1
        end = text.find("\n", found.end())
        if end < 0:
            end = len(text)
        yield start, end
        found = _DIGIT_SOURCE.search(text, end)


def find_dates(text: str, reference: datetime.date | None = None) -> list[FoundDate]:
    """Every full calendar date the text states, in order of appearance.

    A day, month and year give that date (``year_stated=True``), even if a stated
    weekday disagrees. A day and month with no year give a date only when a weekday is
    stated with them and ``reference`` is given, and exactly one of ``reference.year``
    and the year before puts that day on that weekday no later than a week after
    ``reference`` (``year_stated=False``). Numeric dates read ``Y-M-D`` when the year
    comes first, else ``D/M/Y`` (the Arabic and European order), and only when valid.
    """
    found: list[FoundDate] = []
    for lo, hi in _lines_with_digits(text):
        found += _dates_in_line(text[lo:hi], lo, reference)
    return found


def _dates_in_line(line: str, offset: int, reference: datetime.date | None) -> list[FoundDate]:
    """``find_dates`` of one line, whose spans are shifted by ``offset``. The patterns
    see the line alone: at its ends they find a string's start and end, as they found
    the line break before and after it in the whole text."""
    folded = _Folded(line)
    candidates: list[tuple[int, int, datetime.date, bool]] = []
    # a pattern runs only on a line holding what it cannot match without (see above;
    # digit-separator-digit-separator-digit for the numeric ones)
    patterns = []
    if _DAY_THEN_MONTH.search(folded.text):
        patterns.append(_DAY_FIRST)
    if _MONTH_THEN_DAY.search(folded.text):
        patterns.append(_MONTH_FIRST)
    if _ANY_NUMERIC.search(folded.text):
        patterns += (_ISO, _DMY)
    for pattern in patterns:
        for match in pattern.finditer(folded.text):
            resolved = _resolve(match, folded, reference)
            if resolved is not None:
                day, end, stated = resolved
                candidates.append((match.start(), end, day, stated))
    candidates.sort(key=lambda c: (c[0], -c[1]))
    found: list[FoundDate] = []
    taken_until = 0
    for start, end, day, stated in candidates:
        if start < taken_until:
            continue
        taken_until = end
        first, last = folded.span(start, end)
        found.append(
            FoundDate(day.isoformat(), offset + first, offset + last, line[first:last], stated)
        )
    return found


def parse_date(text: str, reference: datetime.date | None = None) -> str | None:
    """ISO date of a string that is (essentially) one date, e.g. a front-matter value
    like "2026-02-10", "2026-02-10T08:30:00+03:00" (its date part), "10 فبراير 2026",
    "Feb 10, 2026" or "١٠ شباط ٢٠٢٦"; None if it holds no full date, or several
    different ones."""
    isos = {found.iso for found in find_dates(text, reference)}
    return isos.pop() if len(isos) == 1 else None
