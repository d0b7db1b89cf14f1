"""Render a briefing as one self-contained HTML page.

Built from the same outline as the Markdown and Word files, so the three say the same
thing. Every element carries its own ``lang`` and ``dir``: Arabic reads right to left
in any browser or mail client, with no script and no external resource (the page can
be attached to a mail or opened from disk). Article text is escaped; only http, https
and mailto URLs become links. Front-page entries link to their stories, ``[n]`` to its
source, and a flagged point shows a mark and its reason right after it.
"""

from __future__ import annotations

import html
from itertools import groupby

from ..models import Briefing
from .common import Block, Layout, Span, format_date, is_rtl, label, safe_url, url_pieces
from .outline import outline

_CSS = """
body { font-family: "Segoe UI", "Noto Sans", "Noto Naskh Arabic", Arial, sans-serif;
       max-width: 52rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.6; color: #1d1d1f; }
[dir="rtl"] { font-family: "Noto Naskh Arabic", "Segoe UI", Tahoma, Arial, sans-serif; }
:is(p, li, blockquote)[dir="rtl"] { font-size: 1.05em; }
h1, h2, h3, h4 { line-height: 1.3; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: .2rem; margin-top: 2rem; }
a { color: #1a56a8; }
.subtitle { font-size: 1.3em; font-weight: 600; margin-top: -.5rem; }
.subhead { font-size: 1.15em; font-weight: 600; margin-top: 1.4rem; }
.notice { background: #eef3fb; border-inline-start: 4px solid #3b6fb6; padding: .5rem .8rem; }
.note, .meta, .muted { color: #595959; }
.note, .meta { font-style: italic; font-size: .92em; }
.item { margin: .2rem 0; padding-inline-start: 1.5rem; text-indent: -1.5rem; }
.item-alt { margin: 0 0 .6rem; padding-inline-start: 1.5rem; color: #444; }
.compact, .source { margin: .25rem 0; padding-inline-start: 1.5rem; text-indent: -1.5rem;
                    font-size: .95em; }
blockquote { margin: .5rem 1.5rem; font-style: italic; }
.cite { white-space: nowrap; font-size: .9em; }
.flag { color: #b00020; font-weight: 600; }
.flagged { background: #fff4c2; }
:is(p, ul, table).appendix { font-size: .92em; }
table { border-collapse: collapse; font-size: .9em; }
td { border: 1px solid #ccc; padding: .2rem .5rem; vertical-align: top; }
@media print { .page-break { break-before: page; } }
"""


def render(briefing: Briefing, layout: Layout | None = None) -> str:
    """The briefing as one HTML document."""
    layout = layout or Layout()
    body: list[str] = []
    for key, group in groupby(outline(briefing, layout), key=lambda b: (b.kind, b.lang)):
        blocks = list(group)
        kind, _ = key
        attrs = _attrs(blocks[0])
        if kind == "bullet":
            items = "".join(f"<li{_flagged(b)}>{_spans(b.spans)}</li>" for b in blocks)
            body.append(f"<ul{attrs}>{items}</ul>")
        elif kind == "field":
            rows = "".join(
                f"<tr><td>{_esc(b.spans[0].text)}</td><td>{_spans(b.spans[1:])}</td></tr>"
                for b in blocks
            )
            body.append(f"<table{attrs}>{rows}</table>")
        else:
            body.extend(_block(b) for b in blocks)
    primary = layout.primary
    title = html.escape(f"{label('title', primary)} — {format_date(briefing.date, primary)}")
    direction = "rtl" if is_rtl(primary) else "ltr"
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(primary)}" dir="{direction}">\n<head>\n'
        f'<meta charset="utf-8">\n'
        f'<meta name="generator" content="brief {html.escape(briefing.provenance.tool_version)}">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _attrs(block: Block, classes: str = "") -> str:
    direction = "rtl" if block.rtl else "ltr"
    names = [classes] if classes else []
    if block.page_break:
        names.append("page-break")
    if block.appendix:
        names.append("appendix")
    klass = f' class="{" ".join(names)}"' if names else ""
    anchor = f' id="{html.escape(block.anchor, quote=True)}"' if block.anchor else ""
    return f'{anchor}{klass} lang="{html.escape(block.lang)}" dir="{direction}"'


def _flagged(block: Block) -> str:
    return ' class="flagged"' if block.flagged else ""


def _block(block: Block) -> str:
    text = _spans(block.spans)
    kind = block.kind
    if kind == "title":
        return f"<h1{_attrs(block)}>{text}</h1>"
    if kind == "heading":
        level = min(max(block.level, 1), 6)
        return f"<h{level}{_attrs(block, 'flagged' if block.flagged else '')}>{text}</h{level}>"
    if kind == "quote":
        return f"<blockquote{_attrs(block, 'flagged' if block.flagged else '')}>{text}</blockquote>"
    if kind == "source":
        return f"<p{_attrs(block, 'source')}><b>{block.level}.</b> {text}</p>"
    classes = {
        "subtitle": "subtitle",
        "subhead": "subhead",
        "notice": "notice",
        "note": "note",
        "meta": "meta",
        "item": "item",
        "item_alt": "item-alt",
        "compact": "compact",
    }.get(kind, "")
    if block.flagged:
        classes = (classes + " flagged").strip()
    return f"<p{_attrs(block, classes)}>{text}</p>"


def _spans(spans: tuple[Span, ...]) -> str:
    out: list[str] = []
    for span in spans:
        text = _esc(span.text)
        if span.kind == "cite" and span.target:
            target = html.escape(span.target, quote=True)
            out.append(f'<a class="cite" href="#{target}">{text}</a>')
        elif span.kind == "link" and span.target:
            out.append(f'<a href="#{html.escape(span.target, quote=True)}">{text}</a>')
        elif span.kind == "url" and safe_url(span.target) == span.target:
            href = html.escape(span.target, quote=True)
            out.append(f'<a href="{href}" dir="ltr">{text}</a>')
        elif span.kind == "label":
            out.append(f"<b>{text}</b>")
        elif span.kind == "flag":
            out.append(f' <span class="flag">{_esc(span.text.strip())}</span>')
        elif span.kind == "muted":
            out.append(f'<span class="muted">{_linked(span.text)}</span>')
        else:
            out.append(_linked(span.text))
    return "".join(out)


def _linked(text: str) -> str:
    """Plain text, escaped, with the http, https and mailto URLs in it as links."""
    return "".join(
        f'<a href="{html.escape(href, quote=True)}" dir="ltr">{_esc(piece)}</a>'
        if href
        else _esc(piece)
        for piece, href in url_pieces(text)
    )


def _esc(text: str) -> str:
    return html.escape(text, quote=False)
