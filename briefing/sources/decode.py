"""Turning the bytes of one text file (or one JSONL line) into text, honestly.

Not a stage: ingest calls it. The decision is made per file, never per guess:

1. A byte-order mark decides (UTF-8, UTF-16 or UTF-32).
2. NUL bytes mean UTF-16 without a BOM when the bytes decode, in one byte order, to
   plausible text (letters, spaces and punctuation of the scripts articles are written
   in); otherwise the file is binary.
3. Valid UTF-8 is UTF-8.
4. UTF-8 with a few bad bytes (fewer bad bytes than valid multi-byte characters) stays
   UTF-8: the bad bytes become U+FFFD and the warning names their byte offsets. Reading
   such a file through a legacy code page would turn every Arabic letter into mojibake.
5. Only a file with no valid UTF-8 to speak of is tried in a legacy code page (Windows-1256
   for Arabic, then Windows-1252 for Western text), and a code page is used only when it
   decodes the *whole* file to plausible text.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

SHOWN_OFFSETS = 5
_HIGH_BYTES = bytes(range(0x80, 0x100))
_SAMPLE = 1 << 16


class NotText(ValueError):
    """The bytes are not text in any encoding brief reads; ``str()`` says what to do."""


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str  # "utf-8", "utf-16-le", "cp1256"…
    bad_offsets: tuple[int, ...] = ()  # byte offsets of the first bytes replaced by U+FFFD
    bad_count: int = 0  # how many bytes were replaced
    warning: str | None = None  # what the reader should know, without the file's name


# --- bad bytes: replaced, counted, the first few located --------------------------------

_ESCAPED = re.compile("[\udc80-\udcff]")  # a byte surrogateescape could not decode


def decode_utf8_replacing(data: bytes) -> tuple[str, int, tuple[int, ...]]:
    """UTF-8 with every byte that is not part of a valid sequence replaced by U+FFFD: the
    text, how many bytes were replaced, and the byte offsets of the first few. Linear and
    in C, however many bad bytes a file holds."""
    text = data.decode("utf-8", errors="surrogateescape")
    first: list[int] = []
    for found in _ESCAPED.finditer(text):
        first.append(len(text[: found.start()].encode("utf-8", errors="surrogateescape")))
        if len(first) == SHOWN_OFFSETS:
            break
    text, count = _ESCAPED.subn("\ufffd", text)
    return text, count, tuple(first)


def describe_offsets(count: int, offsets: tuple[int, ...] | list[int], base: int = 0) -> str:
    shown = ", ".join(str(base + o) for o in offsets[:SHOWN_OFFSETS])
    more = f" and {count - len(offsets[:SHOWN_OFFSETS])} more" if count > SHOWN_OFFSETS else ""
    return f"{count} invalid byte(s) at byte offset(s) {shown}{more}"


# --- the decision ----------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes) -> Decoded:
    """The text of a file's bytes, or ``NotText``. See the module docstring."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding.replace("-sig", ""))
            except UnicodeDecodeError as exc:
                name = "UTF-16" if "16" in encoding else encoding.upper()
                raise NotText(
                    f"is not valid {name} ({exc.reason} at byte {exc.start}); save it as "
                    "UTF-8 and run again"
                ) from None
    if b"\x00" in data[:_SAMPLE]:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise NotText("looks like a binary file, not text; skipped")
        return utf16
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _damaged_or_legacy(data)
    return _checked(Decoded(text, "utf-8"))


def decode_line(data: bytes) -> Decoded:
    """One JSONL line: UTF-8, with bad bytes replaced and their offsets (within the line)
    given, or a whole line in a legacy code page. NUL bytes are left to the JSON parser."""
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        return _damaged_or_legacy(data, check=False)


def _damaged_or_legacy(data: bytes, check: bool = True) -> Decoded:
    text, bad, first = decode_utf8_replacing(data)
    non_ascii = len(data) - len(data.translate(None, _HIGH_BYTES))
    valid_multibyte = non_ascii - bad  # bytes of valid multi-byte characters
    if valid_multibyte >= bad:
        return _checked(
            Decoded(
                text,
                "utf-8",
                first,
                bad,
                f"is UTF-8 with {describe_offsets(bad, first)}; they were read as U+FFFD (�). "
                "The rest of the file is intact; check it for damage",
            ),
            check,
        )
    for encoding, name, plausible in _LEGACY:
        try:
            legacy = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if plausible(legacy):
            return _checked(
                Decoded(
                    legacy,
                    encoding,
                    (),
                    0,
                    f"is not UTF-8; every byte of it reads as {name} text, so it was read "
                    "that way. Save it as UTF-8 to be sure",
                ),
                check,
            )
    if valid_multibyte > 0 or bad <= max(3, len(data) // 1000):
        # mostly text with a few damaged bytes (a cut-off character, a stray byte in an
        # English file) that no code page reads plausibly: keep the text, name the bytes
        return _checked(
            Decoded(
                text,
                "utf-8",
                first,
                bad,
                f"is not valid UTF-8 in {describe_offsets(bad, first)}; read as UTF-8 with "
                "U+FFFD (�) for them. Check the file for damage, or save it as UTF-8",
            ),
            check,
        )
    raise NotText(
        "is not UTF-8 text (nor plausible Windows-1256 or Windows-1252); save it as UTF-8 "
        "and run again"
    )


def _checked(decoded: Decoded, check: bool = True) -> Decoded:
    """Refuse text that is mostly control characters: a binary file that happens to
    decode."""
    if check:
        sample = decoded.text[:_SAMPLE]
        controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f\v")
        if controls > max(len(sample) / 100, 2):
            raise NotText("looks like a binary file, not text; skipped")
    return decoded


# --- plausibility ----------------------------------------------------------------------


def _arabic(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufeff"


def _western(ch: str) -> bool:
    return ch.isascii() or "\u00a0" <= ch <= "\u024f" or "\u2000" <= ch <= "\u206f" or ch == "€"


def _few_controls(text: str) -> bool:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    return controls <= len(text) / 200


def _plausible_cp1256(text: str) -> bool:
    """Arabic text in Windows-1256: the non-ASCII characters are Arabic letters and
    punctuation, and the words are separated by spaces."""
    sample = text[:_SAMPLE]
    upper = [ch for ch in sample if not ch.isascii()]
    if not upper or not _few_controls(sample) or sample.count(" ") < len(sample) / 30:
        return False
    arabic = sum(1 for ch in upper if _arabic(ch) and unicodedata.category(ch)[0] in "LMP")
    return arabic >= 0.8 * len(upper)


def _plausible_cp1252(text: str) -> bool:
    """Western text in Windows-1252: the non-ASCII characters are accented letters and
    typographic punctuation, few and among ASCII words."""
    sample = text[:_SAMPLE]
    upper = [ch for ch in sample if not ch.isascii()]
    if not upper or not _few_controls(sample) or len(upper) > len(sample) / 5:
        return False
    good = sum(
        1 for ch in upper if unicodedata.category(ch)[0] == "L" or ch in "‘’“”–—…•€£°«»\u00a0·§©®"
    )
    return good >= 0.9 * len(upper)


_LEGACY = (
    ("cp1256", "Windows-1256 (Arabic)", _plausible_cp1256),
    ("cp1252", "Windows-1252 (Western)", _plausible_cp1252),
)


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 in the byte order that decodes to plausible text, if one does."""
    even = data[: len(data) // 2 * 2]
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = even.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausible_utf16(text):
            order = "little" if encoding.endswith("le") else "big"
            return Decoded(
                text,
                encoding,
                warning=f"is UTF-16 ({order}-endian) without a byte-order mark; read it as such. "
                "Save it as UTF-8 to be sure",
            )
    return None


def _plausible_utf16(text: str) -> bool:
    sample = text[: _SAMPLE // 2]
    if not sample or not _few_controls(sample):
        return False
    usual = sum(1 for ch in sample if _western(ch) or _arabic(ch))
    letters = sum(1 for ch in sample if ch.isalpha())
    return usual >= 0.95 * len(sample) and letters >= len(sample) / 3
