"""Render a briefing as one self-contained HTML page.

Built from the same outline as the Markdown and Word files, so the three say the same
thing. Every element carries its own ``lang`` and ``dir``: Arabic reads right to left
in any browser or mail client, with no script and no external resource (the page can
be attached to a mail or opened from disk). Article text is escaped.
"""

from __future__ import annotations

import html
import re
from itertools import groupby

from ..models import Briefing
from .common import Block, Span, outline

_CITE = re.compile(r"\[(\d+)\]")
_CSS = """
body { font-family: "Segoe UI", "Noto Sans", "Noto Naskh Arabic", Arial, sans-serif;
       max-width: 52rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.6; color: #1d1d1f; }
[dir="rtl"] { font-family: "Noto Naskh Arabic", "Segoe UI", Tahoma, Arial, sans-serif;
              font-size: 1.05em; }
h1, h2, h3, h4 { line-height: 1.3; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: .2rem; margin-top: 2rem; }
.notice { background: #eef3fb; border-inline-start: 4px solid #3b6fb6; padding: .5rem .8rem; }
.note { font-style: italic; color: #555; }
.cite { white-space: nowrap; color: #3b6fb6; font-size: .9em; }
table { border-collapse: collapse; font-size: .9em; }
td { border: 1px solid #ccc; padding: .2rem .5rem; vertical-align: top; }
"""


def render(briefing: Briefing) -> str:
    """The briefing as one HTML document."""
    body: list[str] = []
    for key, group in groupby(outline(briefing), key=lambda b: (b.kind, b.lang)):
        blocks = list(group)
        kind, lang = key
        attrs = _attrs(blocks[0])
        if kind == "bullet":
            items = "".join(f"<li>{_spans(b.spans)}</li>" for b in blocks)
            body.append(f"<ul{attrs}>{items}</ul>")
        elif kind == "field":
            rows = "".join(
                f"<tr><td>{_esc(b.spans[0].text)}</td><td>{_spans(b.spans[1:])}</td></tr>"
                for b in blocks
            )
            body.append(f"<table{attrs}>{rows}</table>")
        else:
            body.extend(_block(b) for b in blocks)
    title = html.escape(f"Briefing {briefing.date}")
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _attrs(block: Block) -> str:
    direction = "rtl" if block.rtl else "ltr"
    return f' lang="{html.escape(block.lang)}" dir="{direction}"'


def _block(block: Block) -> str:
    attrs = _attrs(block)
    text = _spans(block.spans)
    if block.kind == "heading":
        level = min(max(block.level, 1), 6)
        return f"<h{level}{attrs}>{text}</h{level}>"
    if block.kind == "notice":
        return f'<p class="notice"{attrs}>{text}</p>'
    if block.kind == "note":
        return f'<p class="note"{attrs}>{text}</p>'
    if block.kind == "source":
        return (
            f'<p class="source" id="source-{block.level}"{attrs}><b>{block.level}.</b> {text}</p>'
        )
    return f"<p{attrs}>{text}</p>"


def _spans(spans: tuple[Span, ...]) -> str:
    out: list[str] = []
    for span in spans:
        if span.kind == "cite":
            linked = _CITE.sub(r'<a href="#source-\1">[\1]</a>', _esc(span.text))
            out.append(f'<span class="cite">{linked}</span>')
        elif span.kind == "url" and span.text.startswith(("http://", "https://")):
            url = html.escape(span.text, quote=True)
            out.append(f'<a href="{url}" dir="ltr">{url}</a>')
        elif span.kind == "label":
            out.append(f"<b>{_esc(span.text)}</b>")
        else:
            out.append(_esc(span.text))
    return "".join(out)


def _esc(text: str) -> str:
    return html.escape(text, quote=False)
