"""Text helpers shared by the stages: digits, normalisation, sentences, terms, language.

Not a stage: stages may import it; it imports no stage.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache


class _Table(dict[int, "str | int | None"]):
    """A ``str.translate`` table that maps every character it does not list to itself,
    and remembers it: with a plain dict ``translate`` raises and swallows a KeyError for
    every unlisted character (about 15% slower on Arabic text)."""

    def __missing__(self, code: int) -> int:
        self[code] = code
        return code


# Arabic-Indic (U+0660..) and Extended Arabic-Indic / Persian (U+06F0..) digits.
_DIGITS = _Table({ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")})
_DIGITS.update({ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")})

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff]")
_LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f]")
_WORD = re.compile(r"[\w]+", re.UNICODE)
_ARABIC_LETTERS = re.compile(_ARABIC_LETTER.pattern + "+")
_LATIN_LETTERS = re.compile(_LATIN_LETTER.pattern + "+")

_AR_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ؤ": "و",
        "ئ": "ي",
        "ـ": None,
    }
)


def to_ascii_digits(text: str) -> str:
    """Replace Arabic-Indic and Persian digits with ASCII digits."""
    return text.translate(_DIGITS)


def strip_diacritics(text: str) -> str:
    """Remove Arabic short vowels, shadda, sukun and tatweel."""
    return _DIACRITICS.sub("", text)


# normalize()'s character folds: diacritics and tatweel out (one regular expression),
# each letter form that occurs replaced, and Indic digits only where there are any. Done
# so rather than by ``str.translate``, which looks every character up in Python objects:
# 3.7 times faster on Arabic news text, with the same result (no fold's output is
# another fold's input).
_LETTER_FOLDS = tuple((chr(k), v) for k, v in _AR_FOLD.items() if v)
_INDIC_DIGIT = re.compile("[\u0660-\u0669\u06f0-\u06f9]")


def _fold_chars(text: str) -> str:
    text = strip_diacritics(text)
    for letter, folded in _LETTER_FOLDS:
        if letter in text:
            text = text.replace(letter, folded)
    if _INDIC_DIGIT.search(text):
        text = to_ascii_digits(text)
    return text


def _folded(text: str) -> str:
    """NFKC, the character folds, case folded: what normalize() and the tokenisers share."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = _fold_chars(text)
    return text.casefold()


@lru_cache(maxsize=1024)  # the same article bodies are folded again by later checks
def normalize(text: str) -> str:
    """Fold text for matching (never for display): NFKC, ASCII digits, no diacritics,
    one form of alef/ya/ta marbuta/hamza seats, lower-case Latin, single spaces."""
    return " ".join(_folded(text).split())


def detect_lang(text: str) -> str:
    """``"ar"`` or ``"en"`` by the script most letters are written in; ``"und"`` if no
    letters, or for Latin-script text of 30 words or more in which English function words
    are rare (another language, which the extractive engine must not present as English).
    """
    sample = text[:5000]
    arabic = sum(map(len, _ARABIC_LETTERS.findall(sample)))  # runs: fewer, longer items
    latin = sum(map(len, _LATIN_LETTERS.findall(sample)))
    if arabic == 0 and latin == 0:
        return "und"
    if arabic >= latin:
        return "ar"
    tokens = re.findall(r"[a-z]+", sample.casefold())
    if len(tokens) >= 30:
        common = sum(1 for t in tokens if t in _EN_COMMON)
        if common / len(tokens) < 0.05:
            return "und"  # Latin script, but not English (French, Spanish, ...)
    return "en"


_EN_COMMON = frozenset(
    "the and of to in is was for on that with as by at from it are were has have had be "
    "said this which an its their he she they will not but or after".split()
)


# --- sentences -----------------------------------------------------------------------

_EN_ABBREV = {
    "mr", "mrs", "ms", "dr", "st", "prof", "gen", "col", "lt", "sgt", "rep", "sen", "gov",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "no", "vs", "etc", "inc", "ltd", "co", "corp", "jr", "sr", "u.s", "u.k", "u.n", "e.g", "i.e",
}  # fmt: skip
_SENTENCE_END = re.compile(r"(?<=[.!?؟…])[\"'”’»)\]]*\s+")


def split_sentences(text: str) -> list[str]:
    """Split text into sentences: at line breaks, and after . ! ? ؟ … followed by space.

    A full stop after a one-letter initial or a common English abbreviation, or between
    digits, does not end a sentence.
    """
    sentences: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        start = 0
        for match in _SENTENCE_END.finditer(line):
            head = line[start : match.start()].rstrip("\"'”’»)]")
            last_word = head.rsplit(None, 1)[-1] if head.split() else ""
            stem = last_word.rstrip(".").casefold()
            if last_word.endswith(".") and (len(stem) == 1 or stem in _EN_ABBREV):
                continue
            sentences.append(line[start : match.end()].strip())
            start = match.end()
        tail = line[start:].strip()
        if tail:
            sentences.append(tail)
    return sentences


_ENDS_SENTENCE = re.compile(r"[.!?؟…][\"'”’»)\]]*\s*$")


def looks_like_sentence(line: str) -> bool:
    """A long line ending in sentence punctuation: a lede, not a headline."""
    return len(line.split()) >= 12 and bool(_ENDS_SENTENCE.search(line))


# --- terms ---------------------------------------------------------------------------

# Function words, written in normalised form (see normalize()).
_AR_STOP = set(
    """
    في من الي علي عن مع ان او و ثم لا ما لم لن قد هذا هذه ذلك تلك هو هي هم هما نحن انا انت
    التي الذي الذين اللذين اللتين اللواتي كان كانت يكون تكون كانوا بين بعد قبل عند حتي اذا اذ
    كما لكن بل غير كل بعض اي ايضا حيث منذ خلال ضد نحو حول دون عبر لدي لدى الا اما ام هناك هنا
    فيه فيها منه منها عليه عليها اليه اليها عنه عنها به بها له لها لهم بهم منهم عليهم فيهم
    وقال قال قالت واضاف اضاف اضافت واكد اكد اكدت وذكر ذكر ذكرت وفق وفقا بحسب حسب اليوم امس
    مساء صباح يوم الي ذات اطار بشان بشكل بما بأن بان وان لان كي لكي عام العام تم يتم جري
    وهو وهي وفي ومن وعلي وعن ومع وكان وكانت ولا وما ولم وقد وهذا وهذه وذلك ثمه مثل سوي
    """.split()
)
_EN_STOP = set(
    """
    a an the and or but if then of in on at to for from by with about as into over after
    before between under against during without within is are was were be been being am has
    have had do does did will would shall should can could may might must it its this that
    these those he she they we you i his her their our your them him us who whom which what
    when where why how not no nor so than too very also just said says say told according
    there here all any both each few more most other some such only own same s t up out
    """.split()
)
_AR_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
_AR_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")


_PREFIX_OF = {prefix[0]: prefix for prefix in _AR_PREFIXES}  # each starts with its own letter
_SUFFIX_ENDS = frozenset(suffix[-1] for suffix in _AR_SUFFIXES)


def _stem_ar(word: str) -> str:
    """Light10-style Arabic light stemmer (Larkey et al. 2007) on normalised text."""
    if len(word) > 3 and word[0] == "و":
        word = word[1:]
    prefix = _PREFIX_OF.get(word[:1])  # the one prefix the word may start with
    if prefix is not None and word.startswith(prefix) and len(word) - len(prefix) >= 2:
        word = word[len(prefix) :]
    elif len(word) >= 5 and word[0] in "بلكف":
        word = word[1:]  # a lone attached preposition (bi-, li-, ka-, fa-) on a long word
    if word[-1:] in _SUFFIX_ENDS:  # else no suffix can be taken off
        for suffix in _AR_SUFFIXES:
            if len(word) - len(suffix) >= 3 and word.endswith(suffix):
                word = word[: -len(suffix)]
    return word


def _stem_en(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


# A text is folded in one go (the folds are per character, so the words of a text are
# the words of its parts), and each distinct word's term is remembered: news text repeats
# its vocabulary, and most of the time went into looking each word up again.
_CACHE_LIMIT = 1 << 19  # distinct words remembered; starts over when full (~80 MB)
_word_terms: dict[str, str | None] = {}


def _fold(text: str) -> str:
    """normalize() without the white-space pass and the cache, "_" a separator: for
    tokenising."""
    return _folded(text).replace("_", " ")


def words(text: str) -> list[str]:
    """Normalised word tokens (letters and digits)."""
    return _WORD.findall(_fold(text))


def _term(word: str) -> str | None:
    """The content term of one normalised word; None for a function word."""
    if word in _AR_STOP or word in _EN_STOP:
        return None
    if _ARABIC_LETTER.search(word):
        stem = _stem_ar(word)
        if stem in _AR_STOP:
            return None
    elif word.isdigit():
        stem = word
    else:
        stem = _stem_en(word)
    return stem if len(stem) >= 2 or stem.isdigit() else None


_UNKNOWN = object()


def terms(text: str) -> list[str]:
    """Content terms for matching: normalised, function words dropped, light-stemmed."""
    out: list[str] = []
    known = _word_terms.get
    for word in _WORD.findall(_fold(text)):
        term = known(word, _UNKNOWN)
        if term is _UNKNOWN:
            if len(_word_terms) >= _CACHE_LIMIT:
                _word_terms.clear()
            term = _word_terms[word] = _term(word)
        if term is not None:
            out.append(term)  # type: ignore[arg-type]
    return out


_CLAUSE_BREAK = re.compile(r"[،,;؛:]|\s[-–—]\s|[\"“”«»]")


def clause_terms(text: str) -> tuple[frozenset[str], ...]:
    """Split at commas, semicolons, colons, dashes and quotes; a piece with fewer than
    three terms joins the one before it (or the next, at the start)."""
    pieces: list[list[str]] = []
    carry: list[str] = []
    for part in _CLAUSE_BREAK.split(text):
        found = carry + terms(part)
        if len(found) < 3:
            carry = found
            continue
        carry = []
        pieces.append(found)
    if carry:
        if pieces:
            pieces[-1].extend(carry)
        else:
            pieces.append(carry)
    return tuple(frozenset(p) for p in pieces)


def coverage(a: Iterable[str], b: Iterable[str], weight: dict[str, float] | None = None) -> float:
    """Share of ``a``'s (weighted) terms that ``b`` also holds; 0 when ``a`` is empty."""
    a_set = a if isinstance(a, (set, frozenset)) else set(a)  # sentences' terms are sets
    b_set = b if isinstance(b, (set, frozenset)) else set(b)
    w = weight or {}
    total = math.fsum(w.get(t, 1.0) for t in a_set)  # fsum: the same in any set order
    return math.fsum(w.get(t, 1.0) for t in a_set & b_set) / total if total else 0.0


def shingles(tokens: Iterable[str], size: int) -> set[tuple[str, ...]]:
    """Contiguous token n-grams of the given size (the whole text if shorter)."""
    seq = list(tokens)
    if len(seq) <= size:
        return {tuple(seq)} if seq else set()
    return {tuple(seq[i : i + size]) for i in range(len(seq) - size + 1)}
