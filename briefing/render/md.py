"""Render a briefing as Markdown.

Right-to-left blocks are wrapped in ``<div dir="rtl" lang="ar" markdown="1">`` with
blank lines inside: GitHub renders the Markdown within such a block (and drops the
``markdown`` attribute), and so does Python-Markdown with its ``md_in_html``
extension. Stories and sources carry ``<a id="...">`` anchors, so front-page entries
and ``[n]`` citations are links within the document. Only http, https and mailto URLs
become links; any other is shown as inert text. Text that comes from articles is
escaped so that a title starting with ``#`` or holding ``*``, ``[`` or ``<`` cannot
break the document. The output is deterministic: the same briefing gives the same bytes.
"""

from __future__ import annotations

import re
from itertools import groupby

from ..models import Briefing
from .common import Block, Layout, Span, safe_url, url_pieces
from .outline import outline

# Characters that mean something anywhere in a line. "<" and "&" become entities
# because Python-Markdown does not accept "\<"; the others take a backslash.
_INLINE = re.compile(r"[\\`*_\[\]<]|&(?=#?\w+;)")
# What makes a line start a heading, quote, list or rule.
_LINE_START = re.compile(r"^(?:#|>|[-+](?=[-\s]|$)|\d{1,9}(?=[.)](?:\s|$)))")
_ENTITIES = {"<": "&lt;", "&": "&amp;"}
_ANCHOR = re.compile(r"\A[A-Za-z][\w-]*\Z")


MARK = "brief.briefing/1"


def render(briefing: Briefing, layout: Layout | None = None) -> str:
    """The briefing as one Markdown document, ending with a newline."""
    groups = groupby(outline(briefing, layout), key=_direction)
    body = "\n\n".join(_group(list(blocks)) for _, blocks in groups)
    # brief's mark, invisible when rendered: `brief make` never reads its own briefings back
    return f"{body}\n\n<!-- written by brief: {MARK} -->\n"


def _direction(block: Block) -> str:
    """Blocks with the same key share a div: each right-to-left language, or left to right."""
    return block.lang if block.rtl else ""


def _group(blocks: list[Block]) -> str:
    """Blocks of one language; right-to-left ones inside a dir="rtl" div."""
    parts: list[str] = []
    for i, block in enumerate(blocks):
        line = _block(block)
        if i and block.kind in ("bullet", "field") and blocks[i - 1].kind == block.kind:
            parts[-1] += "\n" + line  # one tight list
        else:
            parts.append(line)
    body = "\n\n".join(parts)
    if not blocks[0].rtl:
        return body
    lang = blocks[0].lang
    return f'<div dir="rtl" lang="{lang}" markdown="1">\n\n{body}\n\n</div>'


def _anchor(block: Block) -> str:
    return f'<a id="{block.anchor}"></a>' if _ANCHOR.match(block.anchor or "") else ""


def _block(block: Block) -> str:
    if block.kind == "field":
        key, *rest = block.spans
        return f"- **{_escape(key.text)}:** " + _spans(tuple(rest))
    text = _spans(block.spans)
    anchor = _anchor(block)
    if block.kind == "title":
        return "# " + text
    if block.kind == "heading":
        return "#" * min(block.level, 6) + " " + anchor + text
    if block.kind == "subtitle":
        return f"**{text}**"
    if block.kind == "subhead":
        return f"**{text}**"
    if block.kind == "bullet":
        return "- " + text
    if block.kind == "quote":
        return "> " + text
    if block.kind in ("note", "meta"):
        return f"*{text}*" if text else ""
    if block.kind == "notice":
        return "> " + text
    if block.kind == "source":
        return f"{anchor}{block.level}\\. " + text
    return anchor + text


def _spans(spans: tuple[Span, ...]) -> str:
    """One line of Markdown: article text escaped, and no line-start markup."""
    out: list[str] = []
    for span in spans:
        text = _escape(span.text)
        if span.kind in ("cite", "link") and _ANCHOR.match(span.target or ""):
            out.append(f"[{text}](#{span.target})")
        elif span.kind == "url" and safe_url(span.target) == span.target:
            out.append(f"[{text}]({span.target})")
        elif span.kind == "label":
            stripped = span.text.rstrip()
            out.append(
                f"**{_escape(stripped)}**" + span.text[len(stripped) :] if stripped else text
            )
        elif span.kind == "flag":
            out.append(f" ***{_escape(span.text.strip())}***")
        else:
            out.append(_linked(span.text))
    return _line_start("".join(out))


def _linked(text: str) -> str:
    """Plain text, escaped, with the http, https and mailto URLs in it as links."""
    return "".join(
        f"[{_escape(piece)}]({href})" if href else _escape(piece)
        for piece, href in url_pieces(text)
    )


def _escape(text: str) -> str:
    """Make inline markup in article text inert; Arabic punctuation is not touched."""
    return _INLINE.sub(lambda m: _ENTITIES.get(m.group(0)[0], "\\" + m.group(0)), text)


def _line_start(text: str) -> str:
    """Escape what would turn the start of a line into a heading, quote or list."""
    match = _LINE_START.match(text)
    if not match:
        return text
    if match.group(0)[0].isdigit():  # "1. x" or "1) x": escape the dot or bracket
        end = match.end()
        return text[:end] + "\\" + text[end:]
    return "\\" + text
