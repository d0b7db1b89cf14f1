"""safety: keys masked, invisible and bidi characters neutralised, dangerous URLs refused."""

from __future__ import annotations

import math
import os
import random
import re
import string
import sys
import unicodedata
from collections import Counter

import pytest

from briefing import safety

KEY = "sk-proj-" + "Ab3dEf5GhIj7KlMn9OpQr1StUv3WxYz5" * 2


@pytest.mark.parametrize(
    "text, expected",
    [
        (f"the key is {KEY}.", "the key is sk-***."),
        ("old style sk-abcdefghij0123456789ABCDEFGHIJ0123456789abcd", "old style sk-***"),
        ("Authorization: Bearer eyJhbGciOi.JIUzI1NiJ9abc123", "Authorization: Bearer ***"),
        ("Authorization: Token abcdefghijkl1234", "Authorization: Token ***"),  # no "="
        ("aws AKIAIOSFODNN7EXAMPLE here", "aws *** here"),
        ("gh ghp_abcdefghijklmnopqrstuvwxyz0123456789", "gh ***"),
        ("google AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q", "google ***"),
        ("hf hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789", "hf ***"),
        ("https://x.org/feed?api_key=abcd1234efgh&x=1", "https://x.org/feed?api_key=***&x=1"),
        ("token aB3dE5gH7jK9mN1pQ3rS5tU7vW9xY1zA2 end", "token *** end"),
    ],
)
def test_keys_and_key_shaped_strings_are_masked(text: str, expected: str) -> None:
    assert safety.mask_secrets(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "An ordinary sentence about the Nairobi climate summit, 30 countries.",
        "https://example.com/news/2026/02/10/aB3dE5gH7jK9mN1pQ3rS5tU7vW9xY1zA2-story",
        "sha256 9b42a5875e6b9b42a5875e6b9b42a5875e6b9b42a5875e6b9b42a5875e6b1234",
        "uuid 123e4567-e89b-12d3-a456-426614174000",
        "id ant-2026-02-10-000123-abcdef-GHIJK-12345",
        "Ferdinand-Maximilian-Habsburg-Lothringen-2026 and Pneumonoultramicroscopic",
        "a-9b42a5875e6b a-c906e32e1fea",
        "The sk-learn library and the task-runner",
        "Bearer of bad news, the bearer bond",
        "The Token Distribution Event; Token Administrators met (a=1)",  # words, not keys
        "السعودية تستضيف اجتماع التحالف الدولي لهزيمة داعش",
    ],
)
def test_words_urls_hashes_and_ids_are_not_masked(text: str) -> None:
    assert safety.mask_secrets(text) == text


def test_the_configured_key_is_masked_whatever_its_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "local-key-42")
    assert safety.mask_secrets("echo local-key-42!") == "echo ***!"


def test_the_hidden_class_covers_every_hidden_character() -> None:
    """The regex class used for speed must hold every character ``is_hidden`` accepts in
    the Unicode database of the running Python."""
    missing = [
        hex(cp)
        for cp in range(sys.maxunicode + 1)
        if safety.is_hidden(chr(cp)) and not safety._HIDDEN.fullmatch(chr(cp))
    ]
    assert missing == []
    assert unicodedata.category("\u202e") == "Cf" and safety.is_hidden("\u202e")


@pytest.mark.parametrize(
    "text, cleaned",
    [
        ("abc\u202edef\u202c", "abcdef"),  # right-to-left override and pop
        ("a\u2066b\u2069c", "abc"),  # isolates
        ("zero\u200bwidth\ufeff soft\u00adhyphen", "zerowidth softhyphen"),
        ("tag\U000e0041\U000e0042s", "tags"),  # invisible tag characters (ASCII smuggling)
        ("ansi \x1b[31mred\x1b[0m", "ansi [31mred[0m"),
        ("line\r\nbreaks\u2028and\u2029more", "line\nbreaks\nand\nmore"),
        ("tab\tstays\nnewline", "tab\tstays\nnewline"),
        ("می\u200cخواهم", "می\u200cخواهم"),  # Persian needs the zero-width non-joiner
        ("", ""),
    ],
)
def test_clean_text_removes_invisible_characters(text: str, cleaned: str) -> None:
    assert safety.clean_text(text) == cleaned


@pytest.mark.parametrize(
    "text, shown",
    [
        ("in/evil\nbrief: error: forged", "in/evil\\nbrief: error: forged"),
        ("rlo\u202etxt.exe", "rlo\\u202etxt.exe"),
        ("cr\rreturn", "cr\\rreturn"),
        ("bad\udcffbyte", "bad\\xffbyte"),  # a file-name byte that did not decode
        ("esc\x1b[2J", "esc\\x1b[2J"),
        ("plain name.txt", "plain name.txt"),
        ("اسم الملف.txt", "اسم الملف.txt"),
    ],
)
def test_visible_escapes_what_could_forge_or_reorder_a_line(text: str, shown: str) -> None:
    assert safety.visible(text) == shown
    assert "\n" not in safety.safe_line(text)


@pytest.mark.parametrize(
    "url, kept",
    [
        ("https://example.org/a?b=1", True),
        ("http://example.org", True),
        ("mailto:desk@example.org", True),
        ("/news/123", True),
        ("//cdn.example.org/x", True),
        ("javascript://%0Aalert(document.domain)", False),
        ("JaVaScRiPt:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("javascript&#58;alert(1)", False),
        ("data:text/html;base64,PHNjcmlwdD4=", False),
        ("vbscript:msgbox", False),
        ("file:///etc/passwd", False),
    ],
)
def test_only_links_that_cannot_run_anything_are_kept(url: str, kept: bool) -> None:
    assert (safety.safe_url(url) == url) is kept


def test_huge_runs_of_key_characters_are_handled() -> None:
    """A 2 MB run of key characters (no key: one letter) goes through in one pass; a
    quadratic pattern would hang here (timings live in benchmarks/)."""
    text = ("word " * 200_000) + ("x" * 2_000_000) + "."
    assert safety.safe_text(text) == text
    assert safety.safe_line(text) == text


# --- the fast paths give what the plain implementation gave ------------------------------
# mask_secrets and clean_text look for what they remove before removing it, and find long
# tokens without a look-behind (issue 9: ingest of 10,000 articles spent most of its time
# here). The functions below are the implementation before that, kept as the reference.


def _old_mask_secrets(text: str) -> str:
    if not text:
        return text
    if "@" in text and "://" in text:
        text = safety._USERINFO.sub(lambda m: f"{m.group(1)}{safety.MASK}@", text)
    key = os.environ.get("OPENAI_API_KEY", "")
    for secret in [key] if len(key) >= 8 else []:
        if secret in text:
            text = text.replace(secret, safety.MASK)
    if "=" in text or safety._MAYBE_PREFIXED.search(text):
        text = safety._PREFIXED.sub(safety._masked_prefixed, text)
    if len(text) >= 32:
        urls = [m.span() for m in safety._URL.finditer(text)] if "://" in text else []
        text = safety._TOKEN.sub(lambda m: _old_masked_token(m, urls), text)
    return text


def _old_masked_token(match: re.Match[str], urls: list[tuple[int, int]]) -> str:
    token = match.group(0)
    start = match.start()
    if any(a <= start < b for a, b in urls) or not _old_looks_like_key(token):
        return token
    return safety.MASK


def _old_looks_like_key(token: str) -> bool:
    core = token.strip("=")
    if len(core) < 32:
        return False
    if not (
        any(c.isupper() for c in core)
        and any(c.islower() for c in core)
        and sum(c.isdigit() for c in core) >= 2
    ):
        return False
    if "-" in core and all(part.isalpha() or part.isdigit() for part in core.split("-")):
        return False
    counts = Counter(core)
    entropy = -sum(n / len(core) * math.log2(n / len(core)) for n in counts.values())
    return entropy >= 4.0


def _old_clean_text(text: str) -> str:
    if not text:
        return text
    if safety._NEWLINES.search(text):
        text = safety._NEWLINES.sub("\n", text)
    if safety._HIDDEN_IN_TEXT.search(text):
        text = safety._HIDDEN_IN_TEXT.sub("", text)
    return text


CONFIGURED = "my-local-key-0042"
CONFIGURED_NO_LETTER = "٣٣٣٣-2026-0042"
_KEY_CHARS = string.ascii_letters + string.digits + "_+/=-"
_PIECES = [
    # words and text around what is searched
    "السعودية", "تستضيف", "اجتماع", "٢٠٢٦", "news", "Token", "token", "Bearer", "bearer",
    "secret", "key", "password", "API", "the", "2026-02-10", " ", " ", " ", "  ", "\n",
    "\n\n", "\t", ".", ",", "-", "_", "=", "==", "/", "//", "+", "@", ":", "?", "&", "#", "'",
    '"', "<", ">", "~", "(", ")",
    # keys, and strings shaped like one or nearly
    KEY, "sk-", "sk-proj-", "sk-ant-api03-", "AKIA", "AKIAIOSFODNN7EXAMPLE", "ghp_", "gho_",
    "github_pat_", "xoxb-", "xoxp-12345-", "AIza", "hf_", "gsk_", "glpat-", "eyJ",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkw.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV",
    "Bearer ", "Token ", "api_key=", "API-KEY=", "access_token=", "password=", "?key=",
    "aB3dE5gH7jK9mN1pQ3rS5tU7vW9xY1zA2", "9b42a5875e6b9b42a5875e6b9b42a5875e6b",
    "123e4567-e89b-12d3-a456-426614174000", "Ferdinand-Maximilian-Habsburg-Lothringen-2026",
    "x" * 40, "-" * 40, "_" * 33, "=" * 5, CONFIGURED, CONFIGURED_NO_LETTER,
    # URLs, with and without a password
    "https://", "http://example.com/", "https://user:hunter2secret@example.com/path",
    "ftp://u:p@h", "https://x.org/feed?api_key=abcd1234efgh&x=1", "www.example.com",
    "https://example.com/news/2026/02/10/", "mailto:desk@example.org", "user@example.org",
    "javascript:", "JaVaScRiPt:", "java\tscript:", "data:", "file:", "&#58;", "https:", "http",
    "HTTPS://", "https&#58;//",
    "\u212a", "\u017f", "\u0131", "\u0130", "api_\u212aey=", "\u017fecret=", "ЕуЈ", "é",
    # hidden characters, separators and what must stay
    "\u202e", "\u202c", "\u2066", "\u2069", "\u200b", "\u200e", "\u200f", "\ufeff", "\u00ad",
    "\u200c", "\u200d", "\ufe0f", "\ufe0e", "\xa0", "\x1b[31m", "\x00", "\x7f", "\x85",
    "\r", "\r\n", "\x0b", "\x0c", "\u2028", "\u2029", "\u0600", "\u061c", "\u06dd",
    "\U000e0041", "\U000e0001", "\U0001d173", "\U000110bd", "\U0001f600", "\U0001d400",
    "\udcff", "\ud83d",
]  # fmt: skip


def _random_text(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 14)):
        if rng.random() < 0.25:  # a run of key characters of any length and mix
            alphabet = rng.choice(
                [_KEY_CHARS, string.ascii_lowercase, string.hexdigits, "aB3", "a1-", "Zz9+/"]
            )
            parts.append("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 70))))
        else:
            parts.append(rng.choice(_PIECES))
    return "".join(parts)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("configured", [None, CONFIGURED, CONFIGURED_NO_LETTER])
def test_the_fast_paths_give_what_the_plain_implementation_gave(
    seed: int, configured: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if configured:
        monkeypatch.setenv("OPENAI_API_KEY", configured)
    rng = random.Random(seed)
    secrets = safety.configured_secrets()
    for _ in range(1_000):
        text = _random_text(rng)
        masked = _old_mask_secrets(text)
        assert safety.mask_secrets(text) == masked, text
        assert safety.mask_secrets(text, secrets=secrets) == masked, text
        assert safety.clean_text(text) == _old_clean_text(text), text
        assert safety.safe_text(text, secrets=secrets) == _old_clean_text(masked), text
        scheme = safety.url_scheme(text)
        old_url = text if scheme is None or scheme in safety.LINK_SCHEMES else None
        assert safety.safe_url(text) == old_url, text
        tokens = [m.span() for m in safety._tokens(text)]
        assert tokens == [m.span() for m in safety._TOKEN.finditer(text)], text


@pytest.mark.parametrize(
    "token",
    [
        "aB3dE5gH7jK9mN1pQ3rS5tU7vW9xY1zA2",
        "AB3DE5GH7JK9MN1PQ3RS5TU7VW9XY1ZA2",
        "ab3de5gh7jk9mn1pq3rs5tu7vw9xy1za2",
        "aBcDeFgHiJkLmNoPqRsTuVwXyZaBcDeF1",
        "aB3dE5gH7jK9mN1pQ3rS5tU7vW9xY1zA2" + "=" * 4,
        "ǅb3dE5gH7jK9mN1pQ3rS5tU7vW9xY1zA2",  # title case: not upper for isupper()
        "aB٣dE٥gH7jK9mN1pQ3rS5tU7vW9xY1zA2",  # Arabic-Indic digits are digits
        "ÄB3dE5gH7jK9mN1pQ3rS5tU7vW9xY1zA2",
        "Ferdinand-Maximilian-Habsburg-Lothringen-2026",
        "x" * 40,
    ],
)
def test_looks_like_key_is_unchanged(token: str) -> None:
    assert safety.looks_like_key(token) == _old_looks_like_key(token)


def test_the_first_look_for_hidden_characters_misses_none() -> None:
    """``clean_text`` returns text as it is when ``_MAYBE_HIDDEN_IN_TEXT`` finds nothing:
    that class must hold every character the two substitutions change."""
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    changed = set(safety._HIDDEN_IN_TEXT.findall(every)) | set(safety._NEWLINES.findall(every))
    assert changed and changed <= set(safety._MAYBE_HIDDEN_IN_TEXT.findall(every))
