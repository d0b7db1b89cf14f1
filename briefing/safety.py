"""Making text that comes from outside safe to store, render and show.

Not a stage: a helper every stage may use where text enters from outside (article
files, the model's answers, a server's error texts). Three verbs:

- ``mask_secrets(text)``: API keys and strings shaped like one (``sk-…``, ``Bearer …``,
  well-known key prefixes, JWTs, long mixed-case-and-digit tokens, and the configured
  ``OPENAI_API_KEY`` itself) become ``***``. URLs, article ids, hashes, UUIDs and words
  are left alone: a generic token is masked only when it is long, mixes upper case,
  lower case and digits, and is not part of a URL's host or path.
- ``clean_text(text)``: for text written to a file or the cache. Bidirectional
  embeddings, overrides and isolates (the "Trojan Source" characters), other invisible
  format characters (zero-width space, word joiner, BOM, soft hyphen, tag characters)
  and control characters other than tab and newline are removed; line and paragraph
  separators become newlines. The zero-width (non-)joiners, which Persian, Urdu and
  emoji need to be drawn correctly, stay.
- ``visible(text)``: for one line of stderr, or a file name in a document. Every control,
  format and separator character (a newline in a file name included) and every byte a
  file name could not decode becomes a visible escape such as ``\\u202e``, ``\\n`` or
  ``\\xff``, so a name can neither forge a line nor reorder what follows it.

``safe_text`` and ``safe_line`` combine masking with the two forms; ``safe_url`` keeps a
URL only when following it cannot run anything (http, https, mailto, relative).
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence

MASK = "***"

# Zero-width non-joiner and joiner shape Persian/Urdu words and emoji: not a risk.
_KEEP_FORMAT = {"\u200c", "\u200d"}

_PREFIXED = re.compile(
    r"""
    (?P<sk>\bsk-(?:[A-Za-z0-9]+-)*[A-Za-z0-9_\-]{16,})            # OpenAI, Anthropic, DeepSeek…
    | (?P<bearer>\b(?:Bearer\s+|Token\s+(?=[A-Za-z._~+/\-]*[0-9])))  # an Authorization
      [A-Za-z0-9._~+/\-]{12,}=*       # value; after "Token" one with a digit, not a word
    | (?P<other>
        \bAKIA[0-9A-Z]{16}\b                                      # AWS access key id
      | \bgh[pousr]_[A-Za-z0-9]{30,}                              # GitHub tokens
      | \bgithub_pat_[A-Za-z0-9_]{30,}
      | \bxox[abposr]-[A-Za-z0-9-]{10,}                           # Slack
      | \bAIza[0-9A-Za-z_\-]{30,}                                 # Google API key
      | \bhf_[A-Za-z0-9]{30,}                                     # Hugging Face
      | \bgsk_[A-Za-z0-9]{30,}                                    # Groq
      | \bglpat-[A-Za-z0-9_\-]{20,}                               # GitLab
      | \beyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}  # a JWT
    )
    | (?P<param>(?i:\b(?:api[_-]?key|access[_-]?token|secret|token|password|key)=))
      [^\s&#"'<>]{8,}                                             # ?api_key=… in a URL
    """,
    re.VERBOSE,
)
# Cheap literal pre-check: most text holds none of the prefixes above.
_MAYBE_PREFIXED = re.compile(
    r"sk-|Bearer|Token|AKIA|gh[pousr]_|github_pat_|xox|AIza|hf_|gsk_|glpat-|eyJ"
)
# A long token of key characters, not inside a longer word or a URL path (the
# definition; ``_masked_tokens`` finds the same matches faster).
_TOKEN = re.compile(r"(?<![A-Za-z0-9_+/=.\-])[A-Za-z0-9_+/=\-]{32,}(?![A-Za-z0-9_+/=.\-])")
_ASCII_LETTER = re.compile("[A-Za-z]")
_ASCII_LETTER_BYTE = re.compile(rb"[A-Za-z]")
# What ``_masked_tokens`` looks for: a run of 32 key characters or more.
_KEY_RUN = re.compile(r"[A-Za-z0-9_+/=\-][A-Za-z0-9_+/=\-]{31,}")
_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s<>\"']+")


_USERINFO = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s/@:]*:)[^\s/@]+@")


def mask_secrets(text: str, *, secrets: Sequence[str] | None = None) -> str:
    """``text`` with every API key, or string shaped like one, replaced by ``***``; so is
    the password of a URL (``https://user:PASSWORD@host``). ``secrets`` are the configured
    keys to mask (``configured_secrets()``, read from the environment when not given: a
    caller masking many fields reads it once)."""
    if not text:
        return text
    if "@" in text and "://" in text:
        text = _USERINFO.sub(lambda m: f"{m.group(1)}{MASK}@", text)
    for secret in configured_secrets() if secrets is None else secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    # Every match below holds an ASCII letter (case-insensitive matching lets the Kelvin
    # sign match "k", but each keyword has letters only ASCII matches), and most Arabic
    # text has none: looked for in its ASCII characters alone (the rest dropped in C), in
    # half the time of one regex pass over the text. ASCII text is searched as it is.
    if text.isascii():
        if _ASCII_LETTER.search(text) is None:
            return text
    elif _ASCII_LETTER_BYTE.search(text.encode("ascii", "ignore")) is None:
        return text
    if "=" in text or _MAYBE_PREFIXED.search(text):
        text = _PREFIXED.sub(_masked_prefixed, text)
    if len(text) >= 32:
        text = _masked_tokens(text)
    return text


def _masked_prefixed(match: re.Match[str]) -> str:
    if match.group("sk"):
        return "sk-" + MASK
    if match.group("bearer"):
        return match.group("bearer") + MASK
    if match.group("param"):
        return match.group("param") + MASK
    return MASK


def _tokens(text: str) -> Iterator[re.Match[str]]:
    """The matches of ``_TOKEN`` in ``text`` (a test compares them), found five times
    faster: a pattern starting with a look-behind is tried at every position of the text,
    one starting with a character class lets the engine skip ahead to the next key
    character. A token is a whole run of 32 key characters or more with no dot before or
    after it: ``_KEY_RUN`` finds each run whole (it is greedy, and a search starts at a
    run's first character), and the dots are checked here."""
    for run in _KEY_RUN.finditer(text):
        start, end = run.span()
        if (start and text[start - 1] == ".") or text[end : end + 1] == ".":
            continue
        yield run


def _masked_tokens(text: str) -> str:
    """``text`` with each long token that looks like a key, outside a URL, masked."""
    pieces: list[str] = []
    last = 0
    urls: list[tuple[int, int]] | None = None
    for token in _tokens(text):
        start, end = token.span()
        if not looks_like_key(token.group()):
            continue
        if urls is None:  # only once a token looks like a key
            urls = [m.span() for m in _URL.finditer(text)] if "://" in text else []
        if any(a <= start < b for a, b in urls):
            continue
        pieces += (text[last:start], MASK)
        last = end
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


_TWO_DIGITS = re.compile(r"[0-9][^0-9]*[0-9]")


def looks_like_key(token: str) -> bool:
    """A long token mixing upper case, lower case and digits with high entropy: a key,
    not a word, a hex hash, a UUID or a slug."""
    core = token.strip("=")
    if len(core) < 32:
        return False
    if core.isascii():  # the same tests, done by str methods in C (most tokens fail here)
        if core == core.lower() or core == core.upper() or _TWO_DIGITS.search(core) is None:
            return False
    elif not (
        any(c.isupper() for c in core)
        and any(c.islower() for c in core)
        and sum(c.isdigit() for c in core) >= 2
    ):
        return False
    if "-" in core and all(part.isalpha() or part.isdigit() for part in core.split("-")):
        return False  # a slug of words and numbers
    counts = Counter(core)
    entropy = -sum(n / len(core) * math.log2(n / len(core)) for n in counts.values())
    return entropy >= 4.0


def configured_secrets() -> list[str]:
    """The configured API key (``OPENAI_API_KEY``), which is masked wherever it appears,
    whatever its shape; empty when it is unset or too short to be told from a word."""
    key = os.environ.get("OPENAI_API_KEY", "")
    return [key] if len(key) >= 8 else []


def is_hidden(ch: str) -> bool:
    """A character that changes how the text around it is shown, or is not shown at all:
    controls, format characters (bidi controls among them), line and paragraph
    separators, lone surrogates and variation selectors. The zero-width (non-)joiners are
    not: Persian, Urdu and emoji need them."""
    category = unicodedata.category(ch)
    if category == "Cf":
        return ch not in _KEEP_FORMAT
    return category in ("Cc", "Zl", "Zp", "Cs") or "\ufe00" <= ch <= "\ufe0e"


# Every character ``is_hidden`` accepts, as one class (a test checks it against the
# Unicode database of the running Python); regex substitution keeps this linear and fast.
_HIDDEN_BMP = (
    r"\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b"
    r"\u200e-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufe00-\ufe0e"
    r"\ufeff\ufff9-\ufffb"
)
_HIDDEN_ASTRAL = (
    r"\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    r"\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_HIDDEN_REST = _HIDDEN_BMP + _HIDDEN_ASTRAL
_HIDDEN = re.compile(rf"[\x00-\x1f{_HIDDEN_REST}]")
_HIDDEN_IN_TEXT = re.compile(rf"[\x00-\x08\x0b-\x1f{_HIDDEN_REST}]")  # tab, newline stay
# A wider class for a first look, holding every character outside the BMP: the engine
# checks a class of only BMP ranges against one table, and each range beyond it one by
# one, so this is about four times faster on text with nothing to remove (most text).
# Every character ``_HIDDEN_IN_TEXT`` and ``_NEWLINES`` match is in it.
_MAYBE_HIDDEN_IN_TEXT = re.compile(rf"[\x00-\x08\x0b-\x1f{_HIDDEN_BMP}\U00010000-\U0010ffff]")
_NEWLINES = re.compile("\r\n?|[\u2028\u2029\x85\x0b\x0c]")


def clean_text(text: str) -> str:
    """``text`` without bidirectional controls, invisible format or control characters
    (tab and newline stay; a carriage return ends a line, and so do line and paragraph
    separators), for text written to a file, the cache or a prompt."""
    if not text or not _MAYBE_HIDDEN_IN_TEXT.search(text):
        return text
    if _NEWLINES.search(text):
        text = _NEWLINES.sub("\n", text)
    if _HIDDEN_IN_TEXT.search(text):
        text = _HIDDEN_IN_TEXT.sub("", text)
    return text


def _escape(match: re.Match[str]) -> str:
    ch = match.group(0)
    if ch == "\t":
        return ch
    if "\udc80" <= ch <= "\udcff":  # a file-name byte os.fsdecode could not decode
        return f"\\x{ord(ch) - 0xDC00:02x}"
    if ch == "\n":
        return "\\n"
    if ch == "\r":
        return "\\r"
    if ord(ch) <= 0xFF:
        return f"\\x{ord(ch):02x}"
    if ord(ch) <= 0xFFFF:
        return f"\\u{ord(ch):04x}"
    return f"\\U{ord(ch):08x}"


def visible(text: str) -> str:
    """``text`` with every control, format or separator character (newlines included)
    and every undecodable file-name byte written as a visible escape (``\\u202e``,
    ``\\n``, ``\\xff``): for one line of stderr, or a file name shown in a document."""
    return _HIDDEN.sub(_escape, text) if text else text


LINK_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_UNSEEN = re.compile(r"[\x00-\x20\x7f]+")  # what a browser drops from a URL


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see in ``url`` (entities decoded, whitespace and
    control characters dropped, lower case), or None for a relative URL."""
    import html  # only where URLs are read: not at start-up

    seen = _UNSEEN.sub("", html.unescape(url)).lower()
    found = _SCHEME.match(seen)
    return found.group(1) if found else None


def safe_url(url: str) -> str | None:
    """``url`` if following it cannot run anything: http, https, mailto or a relative
    address; None for ``javascript:``, ``data:``, ``vbscript:``, ``file:`` and any other
    scheme, however it is disguised (case, entities, embedded tabs or newlines)."""
    if url.startswith(("https://", "http://")):  # what url_scheme would find, at once
        return url
    scheme = url_scheme(url)
    return url if scheme is None or scheme in LINK_SCHEMES else None


def safe_text(text: str, *, secrets: Sequence[str] | None = None) -> str:
    """Outside text for a file, the cache or the parser: secrets masked (``secrets`` as
    for ``mask_secrets``), hidden characters removed."""
    return clean_text(mask_secrets(text, secrets=secrets)) if text else text


def safe_line(text: str) -> str:
    """Any text for one line of the terminal: secrets masked, hidden characters and
    newlines escaped visibly."""
    return visible(mask_secrets(text)) if text else text
