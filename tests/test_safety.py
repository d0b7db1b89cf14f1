"""safety: keys masked, invisible and bidi characters neutralised, dangerous URLs refused."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from briefing import safety

KEY = "sk-proj-" + "Ab3dEf5GhIj7KlMn9OpQr1StUv3WxYz5" * 2


@pytest.mark.parametrize(
    "text, expected",
    [
        (f"the key is {KEY}.", "the key is sk-***."),
        ("old style sk-abcdefghij0123456789ABCDEFGHIJ0123456789abcd", "old style sk-***"),
        ("Authorization: Bearer eyJhbGciOi.JIUzI1NiJ9abc123", "Authorization: Bearer ***"),
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
