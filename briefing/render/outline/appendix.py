"""The "About this briefing" appendix: everything operational, written for a reader."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from ...models import Lang
from ..common import (
    Block,
    Span,
    article_title,
    clean,
    count,
    format_date,
    is_rtl,
    isolate,
    label,
    outlet,
)
from .base import FLAG_MARK, Base, _section_points, check_counts, left_out
from .wording import _DETAIL_KEYS, _QUARANTINED, _SHORTENED, _VERDICTS


class Appendix(Base):
    def _appendix(self) -> Iterator[Block]:
        b = self.b
        lang0 = self.primary
        yield self._about_heading()
        # how it was made
        yield self._sub("made")
        for lang in self.langs:
            yield Block("paragraph", (Span(self._made(lang)),), lang, appendix=True)
        # checks
        yield self._sub("checks")
        for lang in self.langs:
            yield Block("paragraph", (Span(self._checks(lang)),), lang, appendix=True)
        flagged = [
            (n, p, s.lang)
            for n, d in enumerate(b.stories, start=1)
            if d.status == "ok"
            for s in d.sections
            for p in ((s.headline,) if s.headline else ()) + tuple(_section_points(s))
            if p.flags
        ]
        if flagged:
            yield self._sub("flagged", level=4)
            for n, point, point_lang in flagged:
                for lang in self.langs:
                    reasons = "; ".join(
                        dict.fromkeys(clean(f.ar if is_rtl(lang) else f.en) for f in point.flags)
                    )
                    text = clean(point.text)
                    if len(text.split()) > 25:
                        text = " ".join(text.split()[:25]) + "…"
                    spans = (
                        Span(f"{label('story', lang)} {n}: ", "label"),
                        Span(isolate(f"«{text}»" if is_rtl(point_lang) else f"“{text}”", lang)),
                        Span(f" — {FLAG_MARK} {reasons}"),
                    )
                    yield Block("bullet", spans, lang, appendix=True)
        failed_pairs = [
            (f"story {n}", d.error)
            for n, d in enumerate(b.stories, start=1)
            if d.status == "failed"
        ]
        dropped = left_out(b.problems)
        # what the checks said about the stories' points (left out, possibly unsupported)
        story_notes = [
            p
            for p in b.problems
            if p.where.startswith("story ") and (p.where, p.message) not in failed_pairs
        ]
        for problem in sorted(story_notes, key=lambda p: p not in dropped):
            yield Block("bullet", self._problem(problem, lang0), lang0, appendix=True)
        # failures
        failed = [(n, d) for n, d in enumerate(b.stories, start=1) if d.status == "failed"]
        if failed:
            yield self._sub("failures")
            for n, digest in failed:
                spans = (
                    Span(f"{label('story', lang0)} {n}: ", "label"),
                    Span(isolate(clean(digest.error or "no reason was given"), lang0)),
                )
                yield Block("bullet", spans, lang0, appendix=True)
        # shortened for the model
        trimmed = [(n, d) for n, d in enumerate(b.stories, start=1) if d.trimmed]
        if trimmed:
            yield self._sub("shortened")
            for lang in self.langs:
                yield Block("paragraph", (Span(_SHORTENED[lang]),), lang, appendix=True)
            for n, digest in trimmed:
                spans: list[Span] = [Span(f"{label('story', lang0)} {n}: ", "label")]
                for i, (article_id, percent) in enumerate(digest.trimmed):
                    if i:
                        spans.append(Span("، " if is_rtl(lang0) else ", "))
                    number = self.numbering.get(article_id)
                    spans += (
                        [Span(f"[{number}]", "cite", f"source-{number}")]
                        if number
                        else [Span(isolate(article_id, lang0))]
                    )
                    spans.append(Span(isolate(f" {percent}%", lang0)))
                yield Block("bullet", tuple(spans), lang0, appendix=True)
        # quarantined passages
        if b.quarantined:
            yield self._sub("quarantined")
            for lang in self.langs:
                yield Block("paragraph", (Span(_QUARANTINED[lang]),), lang, appendix=True)
            for item in b.quarantined:
                number = self.numbering.get(item.article_id)
                article = self.by_id.get(item.article_id)
                who = (
                    [Span(f"[{number}]", "cite", f"source-{number}")]
                    if number
                    else [Span(isolate(item.article_id, lang0))]
                )
                if article is not None:
                    who.append(Span(" " + isolate(outlet(article, lang0), lang0)))
                text = clean(item.text)
                if len(text) > 300:
                    text = text[:300] + "…"
                yield Block(
                    "bullet",
                    (*who, Span(": "), Span(isolate(f"«{text}»", lang0), "muted")),
                    lang0,
                    appendix=True,
                )
        # notes on inputs and checks
        others = [p for p in b.problems if not p.where.startswith("story ")]
        if others:
            yield self._sub("inputs")
            for problem in others:
                yield Block("bullet", self._problem(problem, lang0), lang0, appendix=True)
        if b.duplicates:
            yield self._sub("duplicates")
            for duplicate in b.duplicates:
                dropped_article = duplicate.dropped
                number = self.numbering.get(duplicate.kept_id)
                kept = (
                    Span(f"[{number}]", "cite", f"source-{number}")
                    if number
                    else Span(isolate(duplicate.kept_id, lang0))
                )
                how = (
                    ("نسخة مطابقة من" if is_rtl(lang0) else "an exact copy of")
                    if duplicate.kind == "exact"
                    else (
                        f"نسخة شبه مطابقة ({duplicate.similarity:.0%}) من"
                        if is_rtl(lang0)
                        else f"a near copy ({duplicate.similarity:.0%}) of"
                    )
                )
                spans = (
                    Span(isolate(article_title(dropped_article), lang0)),
                    Span(isolate(f" ({clean(dropped_article.origin)})", lang0), "muted"),
                    Span(f" — {how} "),
                    kept,
                )
                yield Block("bullet", spans, lang0, appendix=True)
        # the technical details, as a table
        yield self._sub("details")
        for key, value in self._details(lang0):
            yield Block("field", (Span(key, "label"), Span(value)), lang0, appendix=True)

    def _about_heading(self) -> Block:
        heading = self._heading(2, "about", anchor="about", page_break=True)
        return Block(
            heading.kind,
            heading.spans,
            heading.lang,
            heading.level,
            anchor=heading.anchor,
            page_break=True,
            appendix=True,
        )

    def _made(self, lang: Lang) -> str:
        prov = self.b.provenance
        when = format_date(prov.created_at, lang)
        time = prov.created_at[11:16] if len(prov.created_at) >= 16 else ""
        if is_rtl(lang):
            at = f" الساعة {isolate(time, lang)} بالتوقيت العالمي" if time else ""
            if prov.engine == "extractive":
                return (
                    f"أُعدّ هذا الموجز في {when}{at} بالمحرك الاستخراجي في brief {prov.tool_version} "
                    "دون نموذج لغوي: كل نقطة جملة منقولة حرفياً من مصادرها."
                )
            model = isolate(prov.model or "", lang)
            return (
                f"كتب هذا الموجز النموذج اللغوي {model} في {when}{at} انطلاقاً من المقالات "
                f"المذكورة، بأداة brief {prov.tool_version}."
            )
        at = f" at {time} UTC" if time else ""
        if prov.engine == "extractive":
            return (
                f"Made on {when}{at} by brief {prov.tool_version}'s offline extractive engine, "
                "without a language model: every point is a sentence quoted from its sources."
            )
        return (
            f"Written on {when}{at} by the language model {prov.model} from the cited "
            f"articles, with brief {prov.tool_version}."
        )

    def _checks(self, lang: Lang) -> str:
        checked, flagged, dropped, by_model = check_counts(self.b)
        verdicts = Counter(
            p.model_check
            for d in self.b.stories
            if d.status == "ok"
            for s in d.sections
            for p in _section_points(s)
        )
        unchecked = verdicts.pop(None, 0)
        if is_rtl(lang):
            text = (
                f"رُوجعت {count(checked, 'point', lang)} مقابل مصادرها؛ "
                f"عُلّم منها {flagged} للتحقق، واستُبعد {dropped}."
            )
            if not by_model:
                return text + " جرى التحقق بالقواعد فقط، ولم يراجعها النموذج."
            said = "، ".join(f"{_VERDICTS['ar'][v]}: {n}" for v, n in verdicts.items())
            text += f" وراجع النموذج النقاط أيضاً ({said})"
            if unchecked:
                text += f"، ولم يراجع {count(unchecked, 'point', lang)}"
            return text + "."
        text = (
            f"{count(checked, 'point', lang)} checked against their sources; "
            f"{flagged} flagged to check, {dropped} left out."
        )
        if not by_model:
            return text + " Checked by rules only: not checked by the model."
        said = ", ".join(f"{n} {_VERDICTS['en'][v]}" for v, n in verdicts.items())
        text += f" The model also checked the points: {said}"
        if unchecked:
            text += f"; {unchecked} not checked by the model"
        return text + "."

    def _details(self, lang: Lang) -> list[tuple[str, str]]:
        prov = self.b.provenance
        keys = _DETAIL_KEYS["ar" if is_rtl(lang) else "en"]
        rows = [
            (keys["tool"], f"brief {prov.tool_version}"),
            (keys["engine"], f"{prov.engine} {prov.engine_version}"),
        ]
        if prov.model:
            rows.append((keys["model"], prov.model))
        if prov.base_url:
            rows.append((keys["base_url"], prov.base_url))
        for p in prov.prompts:
            rows.append((keys["prompt"], f"{p.id} v{p.version} — sha256 {p.sha256[:12]}"))
        if prov.tokenizer:
            rows.append((keys["tokenizer"], prov.tokenizer))
        for k, v in prov.parameters:
            rows.append((k, v))
        rows.append((keys["time"], prov.created_at))
        for item in prov.inputs:
            rows.append(
                (
                    keys["input"],
                    f"{clean(item.path)} — sha256 {item.sha256[:12]} — "
                    f"{count(item.articles, 'article', lang)}",
                )
            )
        return rows
